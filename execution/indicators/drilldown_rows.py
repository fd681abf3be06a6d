"""What a drill-down shows (execution.indicators.drilldown): its rows, ready to print, and
where they sit among all of them when one page was asked for; and the pieces every drill-down
builds its rows with."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_
from sqlalchemy.orm import aliased

from portal.models import Contract, ContractParty, Organisation, PartyRole
from portal.pagination import Page
from portal.periods import period_label
from supplier.kinds import HANDLERS

# Runs a drill-down's statement: every row, or one page of them.
Fetch = Callable[[Select], Iterable]


@dataclass
class Row:
    contract_id: int
    reference: str
    holder: str | None
    declaration_id: int | None = None
    period: str | None = None
    cells: list[str] = field(default_factory=list)


@dataclass
class Drill:
    indicator_id: str
    label: str
    what: str                  # a French sentence: what the list holds
    headers: list[str]         # the columns after Contrat, Titulaire (and Période if any)
    numeric: list[bool]
    rows: list[Row]
    with_period: bool = True
    page: Page | None = None   # when one page of the rows was asked for: where, of how many


YES, NO = "Oui", "Non"


def with_holder(query, *, order_by=(), group_by=()):
    """Adds the holder's name as the last column (outer join: a contract may have lost its
    holder), then the grouping (by the holder's name too) and the order."""
    party, holder = aliased(ContractParty), aliased(Organisation)
    query = (query.add_columns(holder.name)
             .outerjoin(party, and_(party.contract_id == Contract.id,
                                    party.role == PartyRole.holder))
             .outerjoin(holder, holder.id == party.organisation_id))
    if group_by:
        query = query.group_by(*group_by, holder.name)
    return query.order_by(*order_by)


def period_text(start: date, end: date) -> str:
    return period_label(start, end).capitalize()


def yes(flag: bool) -> str:
    return YES if flag else NO


def kind_label(kind: str) -> str:
    """The French name of a kind of commitment (« Heures d'insertion », « Rapport RSE »…)."""
    handler = HANDLERS.get(kind)
    return handler.label if handler is not None else kind
