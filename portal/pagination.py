"""One way to cut a list into pages: a total, ~50 rows a page, the page asked for kept in range."""

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 50


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
