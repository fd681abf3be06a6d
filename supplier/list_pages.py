"""What the buyer's and the holder's list pages show, built the same way for both (their routes
differ only by who may open them, the template and the address)."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from portal.labels import KINDS
from portal.models import User
from portal.pagination import page_number
from supplier.compliance.insertion import insertion_progress
from supplier.contract_list import STATES as CONTRACT_STATES
from supplier.contract_list import ContractFilters, contract_rows
from supplier.declaration_list import STATES as DECLARATION_STATES
from supplier.declaration_list import DeclarationFilters, search_declarations


def contracts_context(db: Session, user: User, params: QueryParams, *, action: str) -> dict:
    filters = ContractFilters.from_params(params)
    contracts = contract_rows(db, user, filters, page=page_number(params.get("page")))
    return {"contracts": contracts, "progress": insertion_progress(db, contracts.items),
            "filters": filters, "action": action, "states": CONTRACT_STATES,
            "contract_kinds": KINDS}


def declarations_context(db: Session, user: User, params: Mapping[str, Any], *, action: str,
                         state: str) -> dict:
    """``state`` is the list shown when the address asks for none; ``params`` are the address's
    (or a form's carrying them: a refused « Relancer » shows its list again)."""
    filters = DeclarationFilters.from_params(params, state=state)
    return {"declarations": search_declarations(db, user, filters,
                                                page=page_number(params.get("page"))),
            "filters": filters, "action": action, "states": DECLARATION_STATES}
