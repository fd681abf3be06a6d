"""The contract register as a user searches it: by reference, object, holder name or SIRET,
state, year of execution, kind, commitment kind and "behind on insertion", one page at a time.

The same filters serve the buyer's and the holder's pages and the API; what a user may see is
decided by `portal.permissions.visible_contracts`, never here."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from portal.clock import today
from portal.labels import KINDS
from portal.models import (
    Commitment,
    CommitmentKind,
    Contract,
    ContractParty,
    ContractStatus,
    Organisation,
    PartyRole,
    User,
)
from portal.pagination import MAX_SEARCH, PER_PAGE, Page, named_rows, paginate
from portal.permissions import visible_contracts
from supplier.compliance.insertion import standing

ContractState = Literal["current", "upcoming", "ended", "closed"]
STATES: dict[ContractState, str] = {
    "current": "En cours d'exécution", "upcoming": "À venir", "ended": "Terminés",
    "closed": "Clos par anticipation"}


@dataclass(frozen=True)
class ContractFilters:
    search: str = ""
    state: str = ""
    year: int | None = None
    kind: str = ""
    commitment: str = ""
    behind: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "ContractFilters":
        """Filters from an address's parameters; a value outside its list is ignored (the page
        shows every contract rather than an error for a hand-edited address)."""
        year = str(params.get("year", "")).strip()
        return cls(
            search=str(params.get("q", "")).strip()[:MAX_SEARCH],
            state=_one_of(params.get("state"), STATES),
            year=int(year) if year.isascii() and year.isdigit()
            and 1990 <= int(year) <= 2100 else None,
            kind=_one_of(params.get("kind"), KINDS),
            commitment=_one_of(params.get("commitment"), set(CommitmentKind)),
            behind=str(params.get("behind", "")) in ("1", "on", "true"))

    @property
    def active(self) -> bool:
        return self != ContractFilters()

    def as_params(self) -> str:
        """The filters as an address's query string, for the page links."""
        values = {"q": self.search, "state": self.state, "year": self.year or "",
                  "kind": self.kind, "commitment": self.commitment,
                  "behind": "1" if self.behind else ""}
        return urlencode({k: v for k, v in values.items() if v})


def _one_of(value, allowed) -> str:
    text = str(value or "").strip()
    return text if text in allowed else ""


def _matching(search: str):
    words = search.lower()
    # A SIRET is looked for when the search is one, typed with or without spaces.
    digits = search.replace(" ", "")
    holder = (select(ContractParty.id)
              .join(Organisation, Organisation.id == ContractParty.organisation_id)
              .where(ContractParty.contract_id == Contract.id,
                     or_(func.lower(Organisation.name).contains(words, autoescape=True),
                         *([Organisation.siret.contains(digits, autoescape=True)]
                           if digits.isdigit() and len(digits) >= 3 else []))))
    return or_(func.lower(Contract.reference).contains(words, autoescape=True),
               func.lower(Contract.object).contains(words, autoescape=True),
               exists(holder))


def _in_state(state: str, on: date):
    end, closed = Contract.end_date, Contract.status == ContractStatus.closed
    # A contract closed early has ended, even on the day it was closed.
    return {"current": and_(Contract.starts_on <= on, end >= on, ~closed),
            "upcoming": and_(Contract.starts_on > on, ~closed),
            "ended": or_(end < on, closed),
            "closed": closed}[state]


def _has_commitment(kind: str):
    return exists(select(Commitment.id).where(Commitment.contract_id == Contract.id,
                                              Commitment.kind == kind))


def _behind(on: date):
    s = standing(on)
    # Only a contract in execution can be behind (`standing`: ended is achieved or missed, not
    # started is not started): the date test first spares the status of every other contract.
    return and_(_in_state("current", on), exists(select(Commitment.id).where(
        Commitment.contract_id == Contract.id,
        Commitment.kind == CommitmentKind.insertion_hours, s.status == "behind")))


def contracts_query(user: User, filters: ContractFilters, *,
                    on: date | None = None) -> Select[Contract]:
    on = on or today()
    query = visible_contracts(user)
    if filters.search:
        query = query.where(_matching(filters.search))
    if filters.state:
        query = query.where(_in_state(filters.state, on))
    if filters.year:
        query = query.where(Contract.starts_on <= date(filters.year, 12, 31),
                            Contract.end_date >= date(filters.year, 1, 1))
    if filters.kind:
        query = query.where(Contract.kind == filters.kind)
    if filters.commitment:
        query = query.where(_has_commitment(filters.commitment))
    if filters.behind:
        query = query.where(_behind(on))
    return query


ORDER = (Contract.ends_on.desc(), Contract.reference, Contract.id)


def search_contracts(db: Session, user: User, filters: ContractFilters = ContractFilters(), *,
                     page: int = 1, per_page: int = PER_PAGE,
                     with_commitments: bool = False) -> Page:
    """One page of the contracts the user may see that match, latest end first, as entities
    with their parties (and their commitments when asked) loaded in one more statement each:
    what the API shows of them."""
    loads = [selectinload(Contract.parties)]
    if with_commitments:
        loads.append(selectinload(Contract.commitments))
    query = contracts_query(user, filters).options(*loads).order_by(*ORDER)
    return paginate(db, query, page=page, per_page=per_page)


# What a list page shows of a contract, in one statement: plain rows, not entities with their
# parties and organisations (a page of fifty builds fifty rows, not two hundred objects).
_buyer, _holder = aliased(Organisation, name="buyer"), aliased(Organisation, name="holder")
_holding = aliased(ContractParty, name="holding")
LIST_ROW = (Contract.id, Contract.reference, Contract.object, Contract.kind, Contract.starts_on,
            Contract.end_date.label("end_date"), Contract.status,
            _buyer.name.label("buyer_name"), _holder.name.label("holder_name"))


def contract_rows(db: Session, user: User, filters: ContractFilters = ContractFilters(), *,
                  page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The same page as `search_contracts`, as rows of `LIST_ROW`; the page's ids are chosen
    before anything is joined to them."""
    ids = paginate(db, contracts_query(user, filters).with_only_columns(Contract.id)
                   .order_by(*ORDER), page=page, per_page=per_page)
    if not ids.items:
        return ids
    rows = {row.id: row for row in named_rows(db.execute(
        select(*LIST_ROW).join(_buyer, _buyer.id == Contract.buyer_org_id)
        .outerjoin(_holding, and_(_holding.contract_id == Contract.id,
                                  _holding.role == PartyRole.holder))
        .outerjoin(_holder, _holder.id == _holding.organisation_id)
        .where(Contract.id.in_(ids.items))))}
    return replace(ids, items=[rows[i] for i in ids.items])
