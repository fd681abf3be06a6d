"""Which facilitator organisation works for which buyer organisation: on all its contracts with
an insertion commitment (contract_id None) or on the contracts named, one row each. Only
administrators attach and detach (audited); a buyer reads its own."""

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, aliased

from portal import identity
from portal.audit import audit
from portal.errors import Conflict, Invalid, NotFound
from portal.facilitators import FacilitatorAssignment
from portal.models import Commitment, CommitmentKind, Contract, Organisation, OrgKind, User
from portal.pagination import Page, contains_text, paginate, search_words


def facilitator_organisations(db: Session) -> list[Organisation]:
    """The facilitator organisations of the instance (a few per territory), by name."""
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrgKind.facilitator)
                           .order_by(Organisation.name, Organisation.id)))


def _query():
    # The contract's reference shown with a row that names one (outer join: None for "all").
    return (select(FacilitatorAssignment, Contract.reference)
            .outerjoin(Contract, Contract.id == FacilitatorAssignment.contract_id))


def _ordered(query):
    facilitator = aliased(Organisation)
    buyer = aliased(Organisation)
    return (query.join(facilitator, facilitator.id == FacilitatorAssignment.facilitator_org_id)
            .join(buyer, buyer.id == FacilitatorAssignment.buyer_org_id)
            .order_by(facilitator.name, buyer.name, Contract.reference.is_not(None),
                      Contract.reference, FacilitatorAssignment.id), facilitator, buyer)


def assignments(db: Session, *, search: str = "", page: int = 1) -> Page:
    """One page of every assignment (administrators), by facilitator, buyer or contract
    reference; items are (assignment, contract reference or None)."""
    query, facilitator, buyer = _ordered(_query())
    if words := search_words(search):
        query = query.where(contains_text(words, facilitator.name, buyer.name,
                                          Contract.reference))
    return paginate(db, query, page=page, scalars=False)


def buyer_assignments(db: Session, buyer_org_id: int, *, page: int = 1) -> Page:
    """The facilitators that work for one buyer organisation (its agents read them)."""
    query, _facilitator, _buyer = _ordered(_query().where(
        FacilitatorAssignment.buyer_org_id == buyer_org_id))
    return paginate(db, query, page=page, scalars=False)


def attached_buyers(db: Session, facilitator_org_id: int) -> list[Organisation]:
    """The buyer organisations a facilitator organisation works for (its filters)."""
    attached = exists().where(FacilitatorAssignment.facilitator_org_id == facilitator_org_id,
                              FacilitatorAssignment.buyer_org_id == Organisation.id)
    return list(db.scalars(select(Organisation).where(attached).order_by(Organisation.name)))


def _organisation(db: Session, organisation_id: int | None, kind: OrgKind, field: str,
                  message: str) -> Organisation:
    organisation = db.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or organisation.kind != kind:
        raise Invalid(message, field_errors={field: message})
    return organisation


def _insertion_contract(db: Session, buyer: Organisation, reference: str) -> Contract:
    contract = db.scalar(select(Contract).where(Contract.buyer_org_id == buyer.id,
                                                Contract.reference == reference))
    if contract is None:
        message = f"{buyer.name} n'a pas de contrat de référence « {reference} »."
        raise Invalid(message, field_errors={"reference": message})
    insertion = select(Commitment.id).where(Commitment.contract_id == contract.id,
                                            Commitment.kind == CommitmentKind.insertion_hours)
    if db.scalar(insertion) is None:
        message = f"Le contrat « {reference} » n'a pas d'engagement d'heures d'insertion."
        raise Invalid(message, field_errors={"reference": message})
    return contract


def attach(db: Session, *, admin: User, facilitator_org_id: int | None, buyer_siret: str,
           reference: str = "") -> FacilitatorAssignment:
    """Attaches the facilitator organisation to the buyer organisation: to all its contracts
    with an insertion commitment, or (``reference``) to that contract only."""
    facilitator = _organisation(db, facilitator_org_id, OrgKind.facilitator, "facilitator_id",
                                "Choisissez un facilitateur de la clause sociale.")
    found = identity.find_organisation_by_siret(db, buyer_siret) if buyer_siret.strip() else None
    buyer = _organisation(db, found.id if found else None, OrgKind.buyer, "buyer_siret",
                          "Indiquez le SIRET d'une organisation acheteuse du portail.")
    contract = _insertion_contract(db, buyer, reference.strip()) if reference.strip() else None
    existing = select(FacilitatorAssignment.contract_id).where(
        FacilitatorAssignment.facilitator_org_id == facilitator.id,
        FacilitatorAssignment.buyer_org_id == buyer.id)
    taken = set(db.scalars(existing))
    if None in taken:
        raise Conflict(f"{facilitator.name} suit déjà tous les contrats de {buyer.name}.")
    if contract is not None and contract.id in taken:
        raise Conflict(f"{facilitator.name} suit déjà le contrat « {contract.reference} ».")
    if contract is None:
        # All the contracts: the rows naming some of them say nothing more.
        db.execute(delete(FacilitatorAssignment).where(
            FacilitatorAssignment.facilitator_org_id == facilitator.id,
            FacilitatorAssignment.buyer_org_id == buyer.id))
    assignment = FacilitatorAssignment(facilitator_org_id=facilitator.id, buyer_org_id=buyer.id,
                                       contract_id=contract.id if contract else None)
    db.add(assignment)
    db.flush()
    audit(db, admin, "facilitator_assignment", assignment.id, "attach",
          comment=f"{facilitator.name} → {buyer.name}"
          + (f", contrat {contract.reference}" if contract else ", tous les contrats"))
    return assignment


def detach(db: Session, *, admin: User, assignment_id: int) -> FacilitatorAssignment:
    """Ends an assignment: the facilitator's people no longer read those contracts."""
    assignment = db.get(FacilitatorAssignment, assignment_id)
    if assignment is None:
        raise NotFound("Ce rattachement n'existe pas ou a déjà été retiré.")
    audit(db, admin, "facilitator_assignment", assignment.id, "detach",
          comment=f"{assignment.facilitator.name} → {assignment.buyer.name}")
    db.delete(assignment)
    db.flush()
    return assignment
