"""Reading the contract form into the register's input model."""

from starlette.datastructures import FormData

from portal.commitments import params_of
from portal.labels import CONSIDERATIONS
from portal.models import CommitmentKind, Contract

TEXT_FIELDS = ("reference", "object", "kind", "nature", "cpv_code", "amount_excl_vat",
               "notified_on", "starts_on", "ends_on", "frequency")


def contract_payload(form: FormData) -> dict:
    """A dict for ContractIn, from the raw form; also what the form shows again on error."""
    payload: dict = {name: str(form.get(name, "")) for name in TEXT_FIELDS}
    holder = str(form.get("holder_id", ""))
    new_holder = {key: str(form.get(f"new_holder_{key}", "")).strip()
                  for key in ("siret", "name", "size")}
    payload["new_holder"] = new_holder if new_holder["siret"] else None
    if holder.isdigit():
        payload["holder_id"] = int(holder)
    else:  # no holder chosen: the new one, or an error on the list
        payload["holder_id"] = None if payload["new_holder"] else -1
    payload["co_holder_ids"] = []
    # One SIRET a line (or separated by commas), spaces inside a SIRET allowed.
    typed = str(form.get("co_holder_sirets", "")).replace(",", "\n").splitlines()
    payload["co_holder_sirets"] = [line.strip() for line in typed if line.strip()]
    for field in CONSIDERATIONS:
        payload[field] = form.get(field) == "on"
    target = str(form.get("insertion_target_hours", "")).strip()
    penalty = str(form.get("insertion_penalty", "")).strip()
    payload["insertion"] = ({"target_hours": target, "penalty_per_missing_hour": penalty or None}
                            if form.get("has_insertion") == "on" or target else None)
    payload["agec"] = ({"categories": [str(c) for c in form.getlist("agec_categories")]}
                       if form.get("has_agec") == "on" else None)
    payload["progress_plan"] = (
        {"review_frequency": str(form.get("plan_review_frequency") or "quarterly")}
        if form.get("has_progress_plan") == "on" else None)
    payload["csr_report"] = form.get("csr_report") == "on"
    payload["concession_report"] = form.get("concession_report") == "on"
    return payload


def form_values(contract: Contract) -> dict:
    """What the edit form shows for an existing contract."""
    values = {name: getattr(contract, name) for name in TEXT_FIELDS}
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    if contract.amount_excl_vat is not None:
        values["amount_excl_vat"] = _french(contract.amount_excl_vat)
    values["holder_id"] = contract.holder.id if contract.holder else None
    values["co_holder_sirets"] = [o.siret for o in contract.co_holders]
    for field in CONSIDERATIONS:
        values[field] = getattr(contract, field)
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is not None:
        params = params_of(commitment)
        penalty = params.penalty_per_missing_hour
        values["insertion"] = {
            "target_hours": _french(params.target_hours),
            "penalty_per_missing_hour": "" if penalty is None else _french(penalty)}
    else:
        values["insertion"] = None
    agec = contract.commitment(CommitmentKind.agec_share)
    values["agec"] = params_of(agec).model_dump() if agec is not None else None
    plan = contract.commitment(CommitmentKind.progress_plan)
    values["progress_plan"] = params_of(plan).model_dump() if plan is not None else None
    values["csr_report"] = contract.commitment(CommitmentKind.csr_report) is not None
    values["concession_report"] = contract.commitment(CommitmentKind.concession_report) is not None
    return values


_ERROR_KEYS = {"new_holder.siret": "new_holder_siret", "new_holder.name": "new_holder_name",
               "new_holder.size": "new_holder_size",
               "insertion.target_hours": "insertion_target_hours",
               "insertion.penalty_per_missing_hour": "insertion_penalty",
               "agec.categories": "agec_categories",
               "progress_plan.review_frequency": "plan_review_frequency"}


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Error keys of ContractIn renamed after the form's inputs."""
    return {_ERROR_KEYS.get(key, key): message for key, message in errors.items()}


def _french(amount) -> str:
    return str(amount).replace(".", ",")
