"""The period an indicator, a page, an export or a publication is about: a calendar year, one of
its two semesters or one of its four quarters (the Nord scheme reports every semester).

Written ``2025``, ``2025-S1`` or ``2025-T3`` in URLs, the API (``?period=``) and file names; read
« 2025 », « 1er semestre 2025 », « 3e trimestre 2025 » on the pages. Declaration periods of a
contract are another thing (portal.periods).
"""

import re
from dataclasses import dataclass
from datetime import date

from portal.periods import add_months

FIRST_YEAR, LAST_YEAR = 2000, 2100
_WRITTEN = re.compile(r"^(\d{4})(?:-([ST])([1-4]))?$")
# Months a part of the year lasts, by the letter that names it.
_MONTHS = {"S": 6, "T": 3}
_PARTS = {"S": 2, "T": 4}


class BadPeriod(ValueError):
    """A period written in none of the forms above; its message is French, for the user."""


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    year: int
    kind: str = "A"  # "A" (année), "S" (semestre) or "T" (trimestre)
    number: int = 1  # which semester or quarter; 1 for a year

    @classmethod
    def of_year(cls, year: int) -> "ReportingPeriod":
        return cls(year)

    @property
    def is_year(self) -> bool:
        return self.kind == "A"

    @property
    def first_day(self) -> date:
        return add_months(date(self.year, 1, 1), (self.number - 1) * self.months)

    @property
    def next_first_day(self) -> date:
        """The day after the period: comparisons are ``first_day <= d < next_first_day``."""
        return add_months(self.first_day, self.months)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next_first_day.toordinal() - 1)

    @property
    def months(self) -> int:
        return _MONTHS.get(self.kind, 12)

    @property
    def slug(self) -> str:
        """As written in URLs and files: ``2025``, ``2025-S1``, ``2025-T3``."""
        return str(self.year) if self.is_year else f"{self.year}-{self.kind}{self.number}"

    @property
    def label(self) -> str:
        """As read on a page: « 2025 », « 1er semestre 2025 », « 3e trimestre 2025 »."""
        if self.is_year:
            return str(self.year)
        rank = "1er" if self.number == 1 else f"{self.number}e"
        part = "semestre" if self.kind == "S" else "trimestre"
        return f"{rank} {part} {self.year}"

    @property
    def during(self) -> str:
        """As a sentence says when: « en 2025 », « au 1er semestre 2025 »."""
        return f"en {self.label}" if self.is_year else f"au {self.label}"

    def __str__(self) -> str:
        return self.slug


def parse_period(text: str) -> ReportingPeriod:
    """``2025``, ``2025-S1`` (or ``s1``), ``2025-T3`` (or ``Q3``) → the period; BadPeriod with
    a French message otherwise."""
    written = (text or "").strip().upper().replace("Q", "T")
    found = _WRITTEN.match(written)
    if found is None:
        raise BadPeriod(f"« {text} » n'est pas une période : écrivez une année (2025), un "
                        "semestre (2025-S1) ou un trimestre (2025-T3).")
    year, kind, number = int(found[1]), found[2] or "A", int(found[3] or 1)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadPeriod(f"L'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
    if kind != "A" and number > _PARTS[kind]:
        raise BadPeriod("Une année a deux semestres (S1, S2) et quatre trimestres (T1 à T4).")
    return ReportingPeriod(year, kind, number)


def period_of(year: int, *, semester: int | None = None,
              quarter: int | None = None) -> ReportingPeriod:
    """The period of the CLI's and the forms' separate fields (at most one of the two parts)."""
    if semester is not None and quarter is not None:
        raise BadPeriod("Choisissez un semestre ou un trimestre, pas les deux.")
    if semester is not None:
        return parse_period(f"{year}-S{semester}")
    if quarter is not None:
        return parse_period(f"{year}-T{quarter}")
    return parse_period(str(year))


class AboutAPeriod:
    """Mixin of the frozen dataclasses that are about a period (the indicator scopes): their
    ``period`` field also takes a bare year, which means that year (callers written before
    periods existed); ``year`` is the period's, for what is set per year (targets, trends)."""

    period: ReportingPeriod

    def __post_init__(self) -> None:
        if isinstance(self.period, int):
            object.__setattr__(self, "period", ReportingPeriod.of_year(self.period))

    @property
    def year(self) -> int:
        return self.period.year
