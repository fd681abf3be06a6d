"""An indicator's figures as every page, export and report reads them, and the one rounding
rule of its shares (execution.indicators.service computes them)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from execution.indicators.config import BY_ID

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


def make(indicator_id: str, value, numerator, denominator, sentence: str, records: int,
         **extra) -> Indicator:
    definition = BY_ID[indicator_id]
    return Indicator(indicator_id, definition.label, definition.unit, value, numerator,
                     denominator, sentence, records, **extra)
