"""One way to cut a list into pages: a total, ~50 rows a page, the page asked for kept in range."""

from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 50
MAX_PER_PAGE = 200
T = TypeVar("T")


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
    return min(int(text), 1_000_000) if text.isdigit() and int(text) > 0 else 1


def paginate(db: Session, query: Select, *, page: int, per_page: int = PER_PAGE,
             scalars: bool = True) -> Page:
    """One page of an ordered query and the total; a page past the end shows the last one."""
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(page, max(1, ceil(total / per_page)))
    sliced = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.scalars(sliced) if scalars else db.execute(sliced))
    return Page(items=items, total=total, number=number, per_page=per_page)


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int


def _api_page_request(
        page: Annotated[int, Query(ge=1, le=1_000_000,
                                   description="Page demandée (1 = la première).")] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE,
                                       description="Éléments par page.")] = PER_PAGE,
) -> PageRequest:
    return PageRequest(page=page, per_page=per_page)


# An API list's `?page=&per_page=` parameters, validated (a bad value is a 422 JSON error).
ApiPage = Annotated[PageRequest, Depends(_api_page_request)]


class PageOut(BaseModel, Generic[T]):
    """One page of an API list: the items, the total over all pages and where this page is."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, page: Page, items: list) -> "PageOut":
        return cls(items=items, total=page.total, page=page.number, per_page=page.per_page)
