"""Who may see and change which contract: one place, used by every page and API endpoint."""

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.facilitators import FacilitatorAssignment
from portal.models import Commitment, CommitmentKind, Contract, ContractParty, PartyRole, User


def supplier_contract_ids(user: User, *, holder_only: bool = False) -> Select:
    query = select(ContractParty.contract_id).where(
        ContractParty.organisation_id == user.organisation_id)
    if holder_only:
        query = query.where(ContractParty.role == PartyRole.holder)
    return query


def _assignment_covers(buyer_org_id, contract_id) -> ColumnElement[bool]:
    """An assignment covers a contract: it names the contract's buyer and the contract, or
    every contract of that buyer (contract_id None)."""
    assignment = FacilitatorAssignment
    return and_(assignment.buyer_org_id == buyer_org_id,
                or_(assignment.contract_id.is_(None), assignment.contract_id == contract_id))


def attached_facilitators(buyer_org_id: int, contract_id: int) -> Select:
    """The facilitator organisations attached to a contract (ids)."""
    return select(FacilitatorAssignment.facilitator_org_id).where(
        _assignment_covers(buyer_org_id, contract_id))


def facilitated_contract_ids(facilitator_org_id: int) -> Select:
    """The contracts a facilitator organisation works on: those with an insertion commitment
    of the buyers it is attached to, all of them or only the contracts named."""
    assignment = FacilitatorAssignment
    return (select(Contract.id)
            .join(assignment, _assignment_covers(Contract.buyer_org_id, Contract.id))
            .join(Commitment, and_(Commitment.contract_id == Contract.id,
                                   Commitment.kind == CommitmentKind.insertion_hours))
            .where(assignment.facilitator_org_id == facilitator_org_id))


def visible_contracts(user: User) -> Select[Contract]:
    """Contracts the user may read: its buyer organisation's, the ones it holds, the ones its
    facilitator organisation works on, or all (admin)."""
    query = select(Contract)
    if user.is_admin:
        return query
    if user.is_buyer:
        return query.where(Contract.buyer_org_id == user.organisation_id)
    if user.is_facilitator:
        return query.where(Contract.id.in_(facilitated_contract_ids(user.organisation_id)))
    return query.where(Contract.id.in_(supplier_contract_ids(user)))


def reads_insertion_only(user: User, contract: Contract) -> bool:
    """A facilitator and a sub-contractor read a contract's insertion commitment, not its AGEC
    categories, plans or reports (DESIGN.md §1; a sub-contractor works on the hours only)."""
    return user.is_facilitator or (
        user.is_supplier and contract.role_of(user.organisation_id) == PartyRole.subcontractor)


def get_visible_contract(db: Session, contract_id: int, user: User) -> Contract:
    contract = db.scalar(visible_contracts(user).where(Contract.id == contract_id))
    if contract is None:
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    return contract


def is_reviewer(user: User, contract: Contract) -> bool:
    """Only the buyer organisation's agents review and change a contract."""
    return user.is_buyer and user.organisation_id == contract.buyer_org_id


def is_filer(user: User, contract: Contract) -> bool:
    """Whether ``user`` is one of the holder's users: it answers for the contract (proposes
    its progress plan, gets its attestation, declares its sub-contractors). Who files one
    declaration is the organisation it carries: `supplier.models.Declaration.filed_by`."""
    holder = contract.holder
    return user.is_supplier and holder is not None and holder.id == user.organisation_id
