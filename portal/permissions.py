"""Who may see and change which contract: one place, used by every page and API endpoint."""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.models import Contract, ContractParty, PartyRole, User


def supplier_contract_ids(user: User, *, holder_only: bool = False) -> Select:
    query = select(ContractParty.contract_id).where(
        ContractParty.organisation_id == user.organisation_id)
    if holder_only:
        query = query.where(ContractParty.role == PartyRole.holder)
    return query


def visible_contracts(user: User) -> Select[Contract]:
    """Contracts the user may read: its buyer organisation's, the ones it holds, or all (admin)."""
    query = select(Contract)
    if user.is_admin:
        return query
    if user.is_buyer:
        return query.where(Contract.buyer_org_id == user.organisation_id)
    return query.where(Contract.id.in_(supplier_contract_ids(user)))


def get_visible_contract(db: Session, contract_id: int, user: User) -> Contract:
    contract = db.scalar(visible_contracts(user).where(Contract.id == contract_id))
    if contract is None:
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    return contract


def is_reviewer(user: User, contract: Contract) -> bool:
    """Only the buyer organisation's agents review and change a contract."""
    return user.is_buyer and user.organisation_id == contract.buyer_org_id


def is_filer(user: User, contract: Contract) -> bool:
    """Only the holder's users file and submit declarations."""
    holder = contract.holder
    return user.is_supplier and holder is not None and holder.id == user.organisation_id
