"""An indicator as every page, export and file reads it (its value, numerator, denominator,
how it is computed), the rounding of its ratios and how a period is said in its sentences."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from execution.indicators.config import BY_ID
from portal.formatting import hours, money, number, share
from portal.reporting_period import ReportingPeriod

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


@dataclass
class BreakdownRow:
    """One line of a breakdown (insertion hours by public, AGEC by category, …)."""

    label: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Indicator:
    id: str                      # the ids of indicators.md, also used in exports
    label: str                   # the French label of indicators.md
    unit: str                    # "h", "ETP", "%", "nombre", "€", "jours", "score", "NPS"
    value: Decimal | None        # None when the denominator is zero: shown "—"
    numerator: Decimal | None
    denominator: Decimal | None
    sentence: str                # how it is computed, in French, with the divisor used
    records: int                 # how many records it rests on
    target: Decimal | None = None
    breakdowns: dict[str, list[BreakdownRow]] = field(default_factory=dict)
    # Extra figures shown beside the value (e.g. the amount for a share in value, the median).
    details: dict[str, object] = field(default_factory=dict)


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 100,
          quantum: Decimal = TENTH) -> Decimal | None:
    """numerator / denominator × scale, half up; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(quantum, ROUND_HALF_UP)


def tenth(value: Decimal | float | int | str | None) -> Decimal | None:
    """A figure read from SQL (a mean, a median of days) to a tenth, half up; None stays None.
    Through str: a float average is taken as it prints, not as its binary expansion."""
    return None if value is None else Decimal(str(value)).quantize(TENTH, ROUND_HALF_UP)


def make(indicator_id: str, value, numerator, denominator, sentence: str, records: int,
         **extra) -> Indicator:
    definition = BY_ID[indicator_id]
    return Indicator(indicator_id, definition.label, definition.unit, value, numerator,
                     denominator, sentence, records, **extra)


def display(value: Decimal | None, unit: str) -> str:
    """An indicator's value as the French pages show it (« 212,0 ETP », « 31,4 % », « — »)."""
    if value is None:
        return "—"
    return {"h": lambda: hours(value), "%": lambda: share(value),
            "ETP": lambda: f"{number(value, 1)}\u00a0ETP",
            "jours": lambda: f"{number(value, 1)}\u00a0j",
            "score": lambda: f"{number(value, 1)}\u00a0/\u00a0100",
            "tCO2e": lambda: f"{number(value, 1)}\u00a0tCO2e",
            "€": lambda: money(value)}.get(unit, lambda: number(value))()


def during(period: ReportingPeriod | int) -> str:
    """« en 2025 », « au 1er semestre 2025 » (a bare year for the trends)."""
    return (period if isinstance(period, ReportingPeriod)
            else ReportingPeriod.of_year(period)).during


def reporting_period(year: int | None, period: ReportingPeriod | None) -> ReportingPeriod:
    """The period asked: ``period``, or the whole ``year`` (the callers written before
    periods)."""
    if period is not None:
        return period
    if year is None:
        raise TypeError("compute_indicators needs a period or a year")
    return ReportingPeriod.of_year(year)
