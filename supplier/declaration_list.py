"""Declarations as users look for them among thousands: to review, to file, overdue, returned,
validated; by contract reference, holder or buyer name, and commitment kind; one page at a time.

The buyer's review queue, the holder's to-do list and the API list are this one query with
different filters; what a user may see is decided by `supplier.service.visible_declarations`."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from portal.clock import today
from portal.models import Commitment, CommitmentKind, Contract, ContractParty, Organisation, User
from portal.pagination import PER_PAGE, Page, paginate
from portal.permissions import supplier_contract_ids
from supplier.contract_list import MAX_SEARCH
from supplier.models import OPEN_STATUSES, Declaration, Status
from supplier.service import visible_declarations

DeclarationState = Literal["to_review", "todo", "overdue", "returned", "validated"]
STATES: dict[DeclarationState, str] = {
    "to_review": "À examiner", "todo": "À déclarer sous 30 jours ou en retard",
    "overdue": "En retard", "returned": "Renvoyées pour correction", "validated": "Validées"}
TODO_HORIZON_DAYS = 30


@dataclass(frozen=True)
class DeclarationFilters:
    state: str = ""
    search: str = ""
    commitment: str = ""
    contract_id: int | None = None
    status: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str], *, state: str = "") -> "DeclarationFilters":
        """Filters from an address's parameters (``state`` when none is asked for); a value
        outside its list is ignored."""
        asked = str(params.get("state", state)).strip()
        commitment = str(params.get("commitment", "")).strip()
        return cls(state=asked if asked in STATES else "",
                   search=str(params.get("q", "")).strip()[:MAX_SEARCH],
                   commitment=commitment if commitment in set(CommitmentKind) else "")

    def as_params(self) -> str:
        # The state is always written: "every state" must survive a page change too.
        values = {"state": self.state or "all", "q": self.search, "commitment": self.commitment}
        return urlencode({k: v for k, v in values.items() if v})


def _matching(search: str):
    words = search.lower()
    party = (select(ContractParty.id)
             .join(Organisation, Organisation.id == ContractParty.organisation_id)
             .where(ContractParty.contract_id == Contract.id,
                    func.lower(Organisation.name).contains(words, autoescape=True)))
    buyer = (select(Organisation.id).where(Organisation.id == Contract.buyer_org_id,
                                           func.lower(Organisation.name).contains(
                                               words, autoescape=True)))
    return or_(func.lower(Contract.reference).contains(words, autoescape=True),
               exists(party), exists(buyer))


def _in_state(user: User, state: str, on: date):
    return {
        "to_review": [Declaration.status == Status.submitted],
        "todo": [Declaration.status.in_(OPEN_STATUSES),
                 Declaration.due_on <= on + timedelta(days=TODO_HORIZON_DAYS),
                 # Only the holder files: a co-holder has nothing to do here.
                 *([Contract.id.in_(supplier_contract_ids(user, holder_only=True))]
                   if user.is_supplier else [])],
        "overdue": [Declaration.is_overdue],
        "returned": [Declaration.status == Status.returned],
        "validated": [Declaration.status == Status.validated],
    }[state]


def declarations_query(user: User, filters: DeclarationFilters, *,
                       on: date | None = None) -> Select[tuple[Declaration]]:
    query = visible_declarations(user).join(Commitment.contract)
    if filters.state:
        query = query.where(*_in_state(user, filters.state, on or today()))
    if filters.search:
        query = query.where(_matching(filters.search))
    if filters.commitment:
        query = query.where(Commitment.kind == filters.commitment)
    if filters.contract_id is not None:
        query = query.where(Contract.id == filters.contract_id)
    if filters.status:
        query = query.where(Declaration.status == filters.status)
    return query


def search_declarations(db: Session, user: User, filters: DeclarationFilters, *,
                        page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the declarations that match, with their contract and its parties loaded
    (nothing is fetched row by row when a list shows them)."""
    order = ((Declaration.submitted_at, Declaration.id) if filters.state == "to_review"
             else (Declaration.due_on, Contract.reference, Declaration.id))
    query = (declarations_query(user, filters)
             .options(contains_eager(Declaration.commitment).contains_eager(Commitment.contract)
                      .selectinload(Contract.parties))
             .order_by(*order))
    return paginate(db, query, page=page, per_page=per_page)
