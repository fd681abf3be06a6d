"""What a drill-down shows (execution.indicators.drilldown): its rows, ready to print, and
where they sit among all of them when one page was asked for."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select

from portal.pagination import Page

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
