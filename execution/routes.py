"""Buyer pages: the home page, the contracts (list, form, page, closing and reopening) and the
list of declarations (one declaration and its review: execution.review.routes)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution import closing, setup
from execution.centrals import uses as central_uses
from execution.opendata import decp_export
from portal import agec
from portal import decp_facts as decp_lists
from portal.auth import BuyerUser, DbSession
from portal.commitments import params_of
from portal.considerations import (
    INSERTION_WITHOUT_SOCIAL,
    SOCIAL_FLAGS,
    insertion_without_social_flag,
)
from portal.contracts import get_contract_for_reviewer, supplier_organisations
from portal.errors import Conflict, Invalid
from portal.formatting import agree, day, plural
from portal.labels import CLIMATE_FLAGS, CONSIDERATIONS
from portal.models import CommitmentKind, Contract, PartyRole
from portal.permissions import is_reviewer
from portal.schemas import ContractIn
from portal.web import RowId, form_version, parsed_form, redirect, refused_form, render, verify_csrf
from supplier import service as filing
from supplier.compliance.insertion import insertion_progress
from supplier.compliance.summary import commitment_summaries
from supplier.contract_list import ContractFilters, contract_rows
from supplier.declaration_list import (
    DeclarationFilters,
    count_declarations,
    search_declarations,
)
from supplier.list_pages import contracts_context, declarations_context
from surveys import lists as surveys

router = APIRouter(prefix="/acheteur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
HOME_ROWS = 5  # a home page shows the first rows of each list and links to the whole list


@router.get("")
def home_page(request: Request, db: DbSession, user: BuyerUser):
    """Counts and the first rows of what waits for the buyer; the lists link to the rest."""
    behind = contract_rows(db, user, ContractFilters(behind=True), per_page=HOME_ROWS)
    return render(request, "execution/home.html", {
        "to_review": search_declarations(db, user, DeclarationFilters(state="to_review"),
                                         per_page=HOME_ROWS),
        "behind": behind, "progress": insertion_progress(db, behind.items),
        "pending_surveys": surveys.pending_for(db, user),
        "late": count_declarations(db, user, DeclarationFilters(state="overdue")),
    })


@router.get("/contrats")
def contracts_page(request: Request, db: DbSession, user: BuyerUser):
    return render(request, "execution/contracts.html",
                  contracts_context(db, user, request.query_params, action="/acheteur/contrats"),
                  block="results")


@router.get("/declarations")
def declarations_page(request: Request, db: DbSession, user: BuyerUser):
    """Every declaration of the buyer's contracts; the ones to review unless asked otherwise."""
    return render(request, "execution/declarations.html",
                  declarations_context(db, user, request.query_params,
                                       action="/acheteur/declarations", state="to_review"),
                  block="results")


CONTRACT_FORM = "execution/contract_form.html"


def _form_context(db, user, *, values, errors=None, contract=None, summary=None,
                  version=None, decp_open=False) -> dict:
    return {
        "values": values, "errors": errors or {}, "contract": contract, "error_summary": summary,
        "holder_options": [(org.id, f"{org.name} ({org.identifier_label})")
                           for org in supplier_organisations(db, user.organisation_id)],
        "agec_categories": agec.categories(db),
        "decp_lists": decp_lists,
        # The DECP part is folded away unless it has something to say or the link asked for it.
        "decp_open": any(key.startswith("decp") for key in (errors or {})) or decp_open,
        "version": version if version is not None else (contract.version if contract else None),
        "insertion_warning": INSERTION_WITHOUT_SOCIAL if values.get("insertion") and not any(
            values.get(flag) for flag in SOCIAL_FLAGS) else None,
    }


@router.get("/contrats/nouveau")
def new_contract_page(request: Request, db: DbSession, user: BuyerUser):
    values = {"kind": "market", "frequency": "quarterly", "co_holder_sirets": [], "insertion": None}
    return render(request, CONTRACT_FORM, _form_context(db, user, values=values),
                  block="contract_form")


def _save_contract(request, db, user, form, *, contract_id: int | None):
    payload = contract_payload(form)
    contract = get_contract_for_reviewer(db, contract_id, user) if contract_id else None
    try:
        data = ContractIn.model_validate(payload)
        if contract_id is None:
            saved = setup.create_contract(db, data, buyer=user)
        else:
            saved = setup.update_contract(db, contract_id, data, buyer=user,
                                          version=form_version(form))
    except (ValidationError, Invalid, Conflict) as error:
        return refused_form(request, db, error, CONTRACT_FORM, lambda errors, summary: (
            _form_context(db, user, values=payload, errors=form_errors(errors),
                          contract=contract, summary=summary, version=form_version(form))),
            block="contract_form",
            summary="Le contrat n'a pas été enregistré : corrigez les champs signalés.")
    message = "Contrat enregistré." if contract_id else "Contrat créé ; ses périodes de " \
        "déclaration ont été générées."
    if insertion_without_social_flag(saved):  # the contract page says why
        message += " Attention : aucune considération sociale n'est cochée (voir ci-dessous)."
    return redirect(request, f"/acheteur/contrats/{saved.id}", message=message)


@router.post("/contrats/nouveau")
def create_contract(request: Request, db: DbSession, user: BuyerUser, form: Form):
    return _save_contract(request, db, user, form, contract_id=None)


@router.get("/contrats/{contract_id}")
def contract_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = filing.get_contract(db, contract_id, user)
    declarations = filing.declarations_of(db, contract)
    return render(request, "execution/contract.html", {
        "contract": contract,
        "commitments": commitment_summaries(db, contract),
        "declarations": declarations,
        "hours": filing.declared_hours(db, [d.id for d in declarations]),
        "can_edit": is_reviewer(user, contract),
        "survey": surveys.contract_section(db, contract, user),
        "decp_rows": decp_lists.shown(contract.decp_facts),
        "decp_missing": decp_export.contract_record(contract, contract.buyer)[1],
        "insertion_warning": (INSERTION_WITHOUT_SOCIAL if insertion_without_social_flag(contract)
                              and is_reviewer(user, contract) else None),
        **central_uses.contract_section(db, contract, user),
    })


@router.get("/contrats/{contract_id}/modifier")
def edit_contract_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = get_contract_for_reviewer(db, contract_id, user)
    return render(request, CONTRACT_FORM,
                  _form_context(db, user, values=form_values(contract), contract=contract,
                                decp_open=request.query_params.get("decp") == "1"),
                  block="contract_form")


@router.post("/contrats/{contract_id}/modifier")
def update_contract(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                    form: Form):
    return _save_contract(request, db, user, form, contract_id=contract_id)


@router.get("/contrats/{contract_id}/clore")
def closing_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    """What closing the contract today would do, and the button that does it."""
    contract = get_contract_for_reviewer(db, contract_id, user)
    return render(request, "execution/contract_closing.html", {
        "contract": contract, "preview": closing.closing_preview(db, contract)})


@router.post("/contrats/{contract_id}/clore")
def close_contract(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                   form: Form):
    done = closing.close_contract(db, contract_id, buyer=user, version=form_version(form))
    survey = "" if done.campaign else " ; l'enquête de fin de contrat est lancée"
    return redirect(request, f"/acheteur/contrats/{contract_id}", message=(
        f"Contrat clos le {day(done.closing_on)} : "
        f"{_periods(len(done.withdrawn), 'retirée')}{survey}."))


@router.get("/contrats/{contract_id}/rouvrir")
def reopening_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    """What reopening the contract would undo, and the button that does it."""
    contract = get_contract_for_reviewer(db, contract_id, user)
    return render(request, "execution/contract_reopening.html", {
        "contract": contract, "preview": closing.reopening_preview(db, contract)})


@router.post("/contrats/{contract_id}/rouvrir")
def reopen_contract(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                    form: Form):
    done = closing.reopen_contract(db, contract_id, buyer=user, version=form_version(form))
    survey = ("" if done.campaign is None
              else " ; l'enquête de fin de contrat est retirée" if done.withdraws_campaign
              else " ; l'enquête de fin de contrat reste ouverte")
    return redirect(request, f"/acheteur/contrats/{contract_id}", message=(
        f"Contrat rouvert jusqu'au {day(done.ends_on)} : "
        f"{_periods(len(done.restored), 'rétablie')}{survey}."))


def _periods(count: int, participle: str) -> str:
    """« 1 période de déclaration retirée », « 2 périodes … retirées », « aucune période … »."""
    if not count:
        return f"aucune période de déclaration {participle}"
    return (f"{plural(count, 'période')} de déclaration "
            f"{agree(count, participle, participle + 's')}")


# --- The contract form, read into the register's input model and shown again -------------

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
    for field in (*CONSIDERATIONS, *CLIMATE_FLAGS):
        payload[field] = form.get(field) == "on"
    payload["reserved_basis"] = str(form.get("reserved_basis", ""))
    target = str(form.get("insertion_target_hours", "")).strip()
    penalty = str(form.get("insertion_penalty", "")).strip()
    payload["insertion"] = ({"target_hours": target, "penalty_per_missing_hour": penalty or None}
                            if form.get("has_insertion") == "on" or target else None)
    payload["insertion_shares"] = shares_payload(str(form.get("insertion_shares", "")))
    payload["agec"] = ({"categories": [str(c) for c in form.getlist("agec_categories")]}
                       if form.get("has_agec") == "on" else None)
    payload["progress_plan"] = (
        {"review_frequency": str(form.get("plan_review_frequency") or "quarterly")}
        if form.get("has_progress_plan") == "on" else None)
    payload["csr_report"] = form.get("csr_report") == "on"
    payload["concession_report"] = form.get("concession_report") == "on"
    payload["carbon_report"] = form.get("carbon_report") == "on"
    payload["decp"] = decp_payload(form)
    return payload


def shares_payload(text: str) -> list[dict]:
    """The split of the insertion commitment, one organisation a line: its SIRET, then, after
    a colon, its share of the hours if any (« 12345678901234 : 1 200 »)."""
    shares = []
    for line in text.splitlines():
        siret, _, target = line.replace(";", ":").partition(":")
        if siret.strip():
            shares.append({"siret": siret.strip(), "target_hours": target.strip() or None})
    return shares


_YES_NO = {"oui": True, "non": False}
# The form's DECP inputs: (input, DECP key, how the form writes it).
_DECP_TEXT = {"decp_nature": "nature", "decp_procedure": "procedure",
              "decp_forme_prix": "formePrix", "decp_ccag": "ccag",
              "decp_offres": "offresRecues", "decp_groupement": "typeGroupementOperateurs",
              "decp_publication": "datePublicationDonnees",
              "decp_subvention": "montantSubventionPublique"}
_DECP_YES_NO = {"decp_innovant": "marcheInnovant", "decp_avance": "attributionAvance",
                "decp_sous_traitance": "sousTraitanceDeclaree"}
_DECP_LISTS = {"decp_types_prix": ("typesPrix", "typePrix"),
               "decp_techniques": ("techniques", "technique"),
               "decp_modalites": ("modalitesExecution", "modaliteExecution")}


def decp_payload(form: FormData) -> dict:
    """The « Données essentielles (DECP) » part of the form, shaped as the 2024 format (and as
    Contract.decp_facts, which the edit form shows): an empty input is an unknown fact."""
    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    facts: dict = {key: text(name) or None for name, key in _DECP_TEXT.items()}
    for name, key in _DECP_YES_NO.items():
        facts[key] = _YES_NO.get(text(name), text(name) or None)
    for name, (key, inner) in _DECP_LISTS.items():
        chosen = [str(value) for value in form.getlist(name)]
        facts[key] = {inner: chosen} if chosen else None
    code, code_type = text("decp_lieu_code"), text("decp_lieu_type")
    facts["lieuExecution"] = {"code": code, "typeCode": code_type} if code or code_type else None
    return facts


def form_values(contract: Contract) -> dict:
    """What the edit form shows for an existing contract."""
    values = {name: getattr(contract, name) for name in TEXT_FIELDS}
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    values["amount_excl_vat"] = contract.amount_excl_vat  # the template writes it (number_input)
    values["holder_id"] = contract.holder.id if contract.holder else None
    values["co_holder_sirets"] = [o.identifier for o in contract.co_holders]
    for field in (*CONSIDERATIONS, *CLIMATE_FLAGS):
        values[field] = getattr(contract, field)
    values["reserved_basis"] = contract.reserved_basis or ""
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is not None:
        params = params_of(commitment)
        penalty = params.penalty_per_missing_hour
        values["insertion"] = {
            "target_hours": params.target_hours, "penalty_per_missing_hour": penalty}
    else:
        values["insertion"] = None
    # The buyer's split among the holder and co-holders (sub-contractors' shares are the
    # holder's, on its own page).
    buyer_set = {PartyRole.holder, PartyRole.co_holder}
    values["insertion_shares"] = [
        {"siret": share.organisation.identifier, "target_hours": share.target_hours}
        for share in (commitment.shares if commitment is not None else [])
        if contract.role_of(share.organisation_id) in buyer_set]
    agec = contract.commitment(CommitmentKind.agec_share)
    values["agec"] = params_of(agec).model_dump() if agec is not None else None
    plan = contract.commitment(CommitmentKind.progress_plan)
    values["progress_plan"] = params_of(plan).model_dump() if plan is not None else None
    values["csr_report"] = contract.commitment(CommitmentKind.csr_report) is not None
    values["concession_report"] = contract.commitment(CommitmentKind.concession_report) is not None
    values["carbon_report"] = contract.commitment(CommitmentKind.carbon_report) is not None
    values["decp"] = dict(contract.decp_facts or {})
    return values


_ERROR_KEYS = {"new_holder.siret": "new_holder_siret", "new_holder.name": "new_holder_name",
               "new_holder.size": "new_holder_size",
               "insertion.target_hours": "insertion_target_hours",
               "insertion.penalty_per_missing_hour": "insertion_penalty",
               "agec.categories": "agec_categories",
               "progress_plan.review_frequency": "plan_review_frequency"}


_DECP_INPUTS = {key: name for name, key in {**_DECP_TEXT, **_DECP_YES_NO}.items()} | {
    key: name for name, (key, _) in _DECP_LISTS.items()} | {
    "lieuExecution.code": "decp_lieu_code", "lieuExecution.typeCode": "decp_lieu_type",
    "lieuExecution": "decp_lieu_code"}


def _form_key(key: str) -> str:
    if key.startswith("insertion_shares"):
        return "insertion_shares"
    if key.startswith("decp."):
        parts = key.split(".")[1:]
        return _DECP_INPUTS.get(".".join(parts[:2]), _DECP_INPUTS.get(parts[0], "decp"))
    return _ERROR_KEYS.get(key, key)


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Error keys of ContractIn renamed after the form's inputs (« decp.techniques.technique.0 »
    is the techniques' checkbox group)."""
    renamed: dict[str, str] = {}
    for key, message in errors.items():
        renamed.setdefault(_form_key(key), message)
    return renamed

