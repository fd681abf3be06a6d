"""One way to cut a list into pages (a total, ~50 rows a page, the page asked for kept in range)
and to search it (what the search box asks for, how a row matches it)."""

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import Session

PER_PAGE = 50
MAX_SEARCH = 100


def search_words(raw: str | None) -> str:
    """What a list's search box asks for: spaces collapsed, lower case, MAX_SEARCH characters
    at most; "" when nothing is asked."""
    return " ".join(str(raw or "").split()).lower()[:MAX_SEARCH]


def contains_text(words: str, *columns) -> ColumnElement[bool]:
    """Rows where one of ``columns`` contains ``words`` whatever the case (``%`` and ``_`` are
    plain characters there)."""
    return or_(*(func.lower(column).contains(words, autoescape=True) for column in columns))


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str | int | None) -> int:
    """The page asked for in the address; anything odd is the first page."""
    text = str(raw or "").strip()
    return min(int(text), 1_000_000) if text.isascii() and text.isdigit() and int(text) > 0 else 1


def paginate(db: Session, query: Select, *, page: int, per_page: int = PER_PAGE,
             scalars: bool = True) -> Page:
    """One page of an ordered query and the total; a page past the end shows the last one."""
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(page, max(1, ceil(total / per_page)))
    sliced = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.scalars(sliced) if scalars else db.execute(sliced))
    return Page(items=items, total=total, number=number, per_page=per_page)


def named_rows(rows: Iterable[Row]) -> list[tuple]:
    """Result rows as plain named tuples: a template reads their fields several times a row,
    and a named tuple's field costs a fifth of a database row's."""
    rows = list(rows)
    if not rows:
        return []
    make = _row_type(tuple(rows[0]._fields))
    return [make(*row) for row in rows]


@lru_cache(maxsize=32)
def _row_type(fields: tuple[str, ...]):
    return namedtuple("ListRow", fields)
