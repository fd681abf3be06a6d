"""Paged API lists: the `?page=&per_page=` parameters and the `{items, total, page, per_page}`
answer, the same for every list endpoint."""

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from portal.pagination import PER_PAGE, Page

MAX_PER_PAGE = 200
T = TypeVar("T")


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
