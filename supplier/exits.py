"""Exit outcomes of the people hired on a contract (the MEL scheme asks what becomes of them): at
the end of the contract or of a person's mission, the organisation whose filed lines name a
pseudonymous reference, or the facilitator attached to the contract, records one outcome and
date per reference (the latest word stands). The indicators read `POSITIVE` and `KNOWN`.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.clock import today
from portal.errors import Forbidden, Invalid, NotFound
from portal.formatting import day
from portal.models import Commitment, Contract, User
from portal.pagination import Page, named_rows, paginate
from portal.permissions import visible_contracts
from supplier.models import FILED_STATUSES, Declaration, ExitOutcome, InsertionExit, InsertionLine

OUTCOME_LABELS = {
    ExitOutcome.permanent: "CDI",
    ExitOutcome.fixed_term_6m: "CDD de 6 mois ou plus",
    ExitOutcome.training: "Formation",
    ExitOutcome.other_job: "Autre emploi",
    ExitOutcome.none: "Sans emploi ni formation",
    ExitOutcome.unknown: "Inconnue",
}
# The one rule of the « Sorties positives » indicator: a job (CDI, CDD of 6 months or more, any
# other job) or a training; its denominator is every exit whose outcome is known.
POSITIVE = (ExitOutcome.permanent, ExitOutcome.fixed_term_6m, ExitOutcome.training,
            ExitOutcome.other_job)
KNOWN = (*POSITIVE, ExitOutcome.none)
PER_PAGE = 50
NOT_SAVED = "La sortie n'a pas été enregistrée : corrigez les champs signalés."


class ExitIn(BaseModel):
    """One reference's exit as the form sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    beneficiary_ref: str = Field(min_length=1, max_length=40)
    outcome: ExitOutcome
    exited_on: date


def exit_contract(db: Session, contract_id: int, user: User) -> Contract:
    """The contract whose exits ``user`` records: a supplier organisation of the contract (for
    the references of its own lines) or a facilitator attached to it."""
    contract = db.scalar(visible_contracts(user).where(Contract.id == contract_id))
    if contract is None:
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    if not (user.is_supplier or user.is_facilitator):
        raise Forbidden("Seuls le titulaire et le facilitateur du contrat enregistrent les "
                        "sorties des personnes en insertion.")
    return contract


def _references(contract_id: int, user: User) -> Select:
    """The distinct references of the contract's filed lines the user answers for, each with
    the organisation whose lines name it."""
    query = (select(InsertionLine.beneficiary_ref.label("ref"),
                    func.min(Declaration.holder_org_id).label("organisation_id"))
             .join(Declaration, Declaration.id == InsertionLine.declaration_id)
             .join(Commitment, Commitment.id == Declaration.commitment_id)
             .where(Commitment.contract_id == contract_id,
                    Declaration.status.in_(FILED_STATUSES),
                    InsertionLine.beneficiary_ref.is_not(None))
             .group_by(InsertionLine.beneficiary_ref))
    if user.is_supplier:
        query = query.where(Declaration.holder_org_id == user.organisation_id)
    return query


def exit_rows(db: Session, contract: Contract, user: User, *, search: str = "",
              page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the references with their recorded exit (outcome, date), by reference."""
    query_refs = _references(contract.id, user)
    if search:
        query_refs = query_refs.where(InsertionLine.beneficiary_ref.ilike(f"%{search}%"))
    refs = query_refs.subquery()
    query = (select(refs.c.ref, InsertionExit.outcome, InsertionExit.exited_on)
             .outerjoin(InsertionExit, (InsertionExit.contract_id == contract.id)
                        & (InsertionExit.beneficiary_ref == refs.c.ref))
             .order_by(refs.c.ref))
    found = paginate(db, query, page=page, per_page=per_page, scalars=False)
    return Page(named_rows(found.items), found.total, found.number, found.per_page)


def record_exit(db: Session, contract_id: int, *, user: User, beneficiary_ref: str,
                outcome: str, exited_on: date) -> InsertionExit:
    """Records (or corrects) the exit of one reference of the contract; audited."""
    contract = exit_contract(db, contract_id, user)
    found = db.execute(_references(contract.id, user)
                       .where(InsertionLine.beneficiary_ref == beneficiary_ref)).first()
    if found is None:
        raise Invalid("Cette référence ne figure dans aucune ligne déposée de ce contrat"
                      + (" par votre organisation." if user.is_supplier else "."),
                      field_errors={"beneficiary_ref": "Référence inconnue pour ce contrat."})
    if outcome not in OUTCOME_LABELS:
        raise Invalid(NOT_SAVED, field_errors={"outcome": "Choisissez une valeur de la liste."})
    if exited_on < contract.starts_on:
        raise Invalid(NOT_SAVED, field_errors={"exited_on": (
            f"La date de sortie ne peut pas précéder le début du contrat "
            f"({day(contract.starts_on)}).")})
    if exited_on > today():
        raise Invalid(NOT_SAVED, field_errors={"exited_on": (
            "La date de sortie ne peut pas être dans le futur : enregistrez-la une fois la "
            "sortie faite.")})
    row = db.scalar(select(InsertionExit).where(InsertionExit.contract_id == contract.id,
                                                InsertionExit.beneficiary_ref == beneficiary_ref))
    before = (None if row is None
              else f"{OUTCOME_LABELS[ExitOutcome(row.outcome)]} au {day(row.exited_on)}")
    if row is None:
        row = InsertionExit(contract_id=contract.id, beneficiary_ref=beneficiary_ref,
                            organisation_id=found.organisation_id)
        db.add(row)
    row.outcome, row.exited_on, row.recorded_by_id = outcome, exited_on, user.id
    db.flush()
    after = f"{OUTCOME_LABELS[ExitOutcome(outcome)]} au {day(exited_on)}"
    audit(db, user, "insertion_exit", row.id, "record" if before is None else "update",
          comment=f"{beneficiary_ref} : {before + ' → ' if before else ''}{after}")
    return row
