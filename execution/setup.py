"""Contract set-up by buyers: the register's changes plus the declarations they imply."""

from sqlalchemy.orm import Session

from portal import contracts as register
from portal.errors import Conflict
from portal.models import Contract, User
from portal.schemas import ContractIn
from supplier.service import filed_declarations, sync_declarations


def create_contract(db: Session, data: ContractIn, *, buyer: User) -> Contract:
    contract = register.create_contract(db, data, buyer=buyer)
    sync_declarations(db, contract)
    return contract


def update_contract(db: Session, contract_id: int, data: ContractIn, *, buyer: User,
                    version: int) -> Contract:
    current = register.get_contract_for_reviewer(db, contract_id, buyer)
    wanted = register.commitment_params(data)
    dropped = [c.id for c in current.commitments if wanted.get(c.kind) is None]
    if filed_declarations(db, dropped):
        raise Conflict("Des déclarations ont déjà été remplies pour un engagement que vous "
                       "retirez : il ne peut plus être supprimé du contrat.")
    contract = register.update_contract(db, contract_id, data, buyer=buyer, version=version)
    sync_declarations(db, contract)
    return contract
