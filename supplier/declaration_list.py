"""Declarations as users look for them among thousands: to review, to file, overdue, returned,
validated; by contract reference, holder or buyer name, and commitment kind; one page at a time.

The buyer's review queue, the holder's to-do list and the API list are this one query with
different filters; what a user may see is decided by `supplier.service.visible_declarations`."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from portal.clock import today
from portal.models import Commitment, CommitmentKind, Contract, ContractParty, Organisation, User
from portal.pagination import PER_PAGE, Page, named_rows, paginate
from supplier.contract_list import MAX_SEARCH
from supplier.models import OPEN_STATUSES, Declaration, FacilitatorOpinion, Status
from supplier.reminder import last_reminder_at
from supplier.service import visible_declarations

DeclarationState = Literal["to_review", "todo", "overdue", "returned", "validated"]
STATES: dict[DeclarationState, str] = {
    "to_review": "À examiner", "todo": "À déclarer sous 30 jours ou en retard",
    "overdue": "En retard", "returned": "Renvoyées pour correction", "validated": "Validées"}
TODO_HORIZON_DAYS = 30
# The facilitator's opinion on a filed declaration ("none": not given yet).
OPINIONS = {"none": "Sans avis", FacilitatorOpinion.compliant: "Conforme",
            FacilitatorOpinion.to_correct: "À corriger",
            FacilitatorOpinion.unverifiable: "Non vérifiable"}


@dataclass(frozen=True)
class DeclarationFilters:
    state: str = ""
    search: str = ""
    commitment: str = ""
    contract_id: int | None = None
    status: str = ""
    buyer_id: int | None = None
    opinion: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str], *, state: str = "") -> "DeclarationFilters":
        """Filters from an address's parameters (``state`` when none is asked for); a value
        outside its list is ignored."""
        asked = str(params.get("state", state)).strip()
        commitment = str(params.get("commitment", "")).strip()
        buyer = str(params.get("acheteur", "")).strip()
        opinion = str(params.get("avis", "")).strip()
        return cls(state=asked if asked in STATES else "",
                   search=str(params.get("q", "")).strip()[:MAX_SEARCH],
                   commitment=commitment if commitment in set(CommitmentKind) else "",
                   buyer_id=int(buyer) if buyer.isascii() and buyer.isdigit()
                   and 0 < int(buyer) < 2**31 else None,
                   opinion=opinion if opinion in OPINIONS else "")

    def as_params(self) -> str:
        # The state is always written: "every state" must survive a page change too.
        values = {"state": self.state or "all", "q": self.search, "commitment": self.commitment,
                  "acheteur": self.buyer_id or "", "avis": self.opinion}
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


def _in_state(state: str, on: date):
    return {
        "to_review": [Declaration.status == Status.submitted],
        # For a supplier, only what its organisation files (see `declarations_query`): the
        # holder's, or a co-holder's or sub-contractor's own share.
        "todo": [Declaration.status.in_(OPEN_STATUSES),
                 Declaration.due_on <= on + timedelta(days=TODO_HORIZON_DAYS)],
        "overdue": [Declaration.is_overdue],
        "returned": [Declaration.status == Status.returned],
        "validated": [Declaration.status == Status.validated],
    }[state]


def declarations_query(user: User, filters: DeclarationFilters, *,
                       on: date | None = None) -> Select[Declaration]:
    # A supplier's to-do list is among the declarations it files (`Declaration.filed_by`): no
    # need to look further.
    to_file = filters.state == "todo" and user.is_supplier
    query = (select(Declaration).where(Declaration.holder_org_id == user.organisation_id)
             if to_file else visible_declarations(user))
    if filters.state:
        query = query.where(*_in_state(filters.state, on or today()))
    if filters.search or filters.commitment or filters.contract_id is not None:
        query = query.join(Declaration.commitment)
    if filters.search:
        query = query.join(Commitment.contract).where(_matching(filters.search))
    if filters.commitment:
        query = query.where(Commitment.kind == filters.commitment)
    if filters.contract_id is not None:
        query = query.where(Commitment.contract_id == filters.contract_id)
    if filters.status:
        query = query.where(Declaration.status == filters.status)
    if filters.buyer_id is not None:
        query = query.where(Declaration.buyer_org_id == filters.buyer_id)
    if filters.opinion:
        query = query.where(Declaration.facilitator_opinion.is_(None) if filters.opinion == "none"
                            else Declaration.facilitator_opinion == filters.opinion)
    return query


def count_declarations(db: Session, user: User, filters: DeclarationFilters) -> int:
    """How many declarations match (a home page's count), in one statement."""
    query = declarations_query(user, filters).with_only_columns(Declaration.id)
    return db.scalar(select(func.count()).select_from(query.subquery())) or 0


# What a list shows of a declaration, in one statement: the organisations' names come from the
# ids each declaration carries, the overdue flag from the model's one rule. Plain rows, not
# entities: a page of fifty is read without building two hundred ORM objects.
_holder, _buyer = aliased(Organisation, name="holder"), aliased(Organisation, name="buyer")
LIST_ROW = (
    Declaration.id, Commitment.contract_id, Commitment.kind, Declaration.subject,
    Declaration.period_start, Declaration.period_end, Declaration.due_on, Declaration.status,
    Declaration.version, Declaration.submitted_at, Declaration.reviewed_at,
    Declaration.review_comment, Declaration.facilitator_opinion,
    Contract.reference.label("contract_reference"), _holder.name.label("holder_name"),
    _buyer.name.label("buyer_name"))


def search_declarations(db: Session, user: User, filters: DeclarationFilters, *,
                        page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the declarations that match, as rows of `LIST_ROW`, ``is_overdue``,
    ``days_late``, ``last_reminder_at`` (see `supplier.reminder`) and ``supplier_comment`` (null
    when ``user`` may not read it). The order is the queue's index order (due date, or
    submission for the review queue), and the page's ids are chosen before anything is joined
    to them: a page of a queue of thousands reads fifty contracts, not all."""
    order: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...] = (
        (Declaration.submitted_at, Declaration.id) if filters.state == "to_review"
        else (Declaration.due_on, Declaration.id))
    if user.is_facilitator:
        # What still waits for its check first (filed, no opinion yet), oldest filing first.
        waiting = and_(Declaration.status == Status.submitted,
                       Declaration.facilitator_opinion.is_(None))
        order = (case((waiting, 0), else_=1), Declaration.submitted_at, Declaration.id)
    ids = paginate(db, declarations_query(user, filters).with_only_columns(Declaration.id)
                   .order_by(*order), page=page, per_page=per_page)
    if not ids.items:
        return ids
    rows = {row.id: row for row in named_rows(db.execute(
        select(*LIST_ROW, Declaration.is_overdue.label("is_overdue"),
               Declaration.days_late.label("days_late"),
               last_reminder_at().label("last_reminder_at"),
               # A draft's comment stays the holder's, like its content.
               case((Declaration.content_shown_clause(user), Declaration.supplier_comment))
               .label("supplier_comment"))
        .join(Declaration.commitment).join(Commitment.contract)
        .join(_buyer, _buyer.id == Declaration.buyer_org_id)
        .outerjoin(_holder, _holder.id == Declaration.holder_org_id)
        .where(Declaration.id.in_(ids.items))))}
    return replace(ids, items=[rows[i] for i in ids.items])
