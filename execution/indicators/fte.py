"""`insertion_fte`: validated insertion hours over the hours of a full-time job of the period.

A year's full time is the buyer's hours per FTE (1 607 by default); a semester's is half of it, a
quarter's a quarter. For all buyers, when some set their own divisor, the figure is the sum over
buyers of each one's hours divided by its own full time (one statement grouped by divisor).
"""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from execution.indicators import queries as q
from execution.indicators.buyer_config import Settings
from execution.indicators.indicator import TENTH, Indicator, during, make, ratio
from portal.formatting import number
from portal.reporting_period import ReportingPeriod


def _full_time(fte_hours: Decimal, period: ReportingPeriod) -> Decimal:
    return fte_hours * period.months / 12


def _full_time_text(fte_hours: Decimal, period: ReportingPeriod, source: str) -> str:
    fte_text = number(fte_hours, 0 if fte_hours == fte_hours.to_integral_value() else 2)
    rule = (f"{fte_text} heures par équivalent temps plein (durée annuelle de travail, "
            f"{source})")
    if period.is_year:
        return rule
    return (f"{number(_full_time(fte_hours, period), 1)} heures, le temps plein de "
            f"{period.months} mois ({rule} × {period.months}/12)")


def fte_indicator(db: Session, scope: q.Scope, settings: Settings, total: Decimal,
                  lines: int) -> Indicator:
    p = scope.period
    if not settings.per_buyer:
        fte_hours = settings.effective.fte_hours
        full_time = _full_time(fte_hours, p)
        return make("insertion_fte", ratio(total, full_time, 1), total, full_time,
                    f"Heures d'insertion validées {during(p)} divisées par "
                    f"{_full_time_text(fte_hours, p, settings.effective.source('fte_hours'))}, "
                    "arrondi à une décimale.", lines, details={"fte_hours": fte_hours})
    default = settings.effective.fte_hours
    by_fte: dict[Decimal, Decimal] = {}
    for own, hours_sum in q.insertion_hours_by_fte(db, scope):
        fte = own if own is not None else default
        by_fte[fte] = by_fte.get(fte, Decimal(0)) + hours_sum
    value = (ratio(total, _full_time(default, p), 1) if not by_fte else sum(
        (h / _full_time(f, p) for f, h in by_fte.items()), Decimal(0)
    ).quantize(TENTH, ROUND_HALF_UP))
    part = "" if p.is_year else f" (au prorata de {p.months} mois sur 12)"
    return make("insertion_fte", value, total, None,
                "Somme, pour chaque organisation acheteuse, de ses heures d'insertion validées "
                f"{during(p)} divisées par ses heures par équivalent temps plein{part} "
                "(paramètres propres à chaque acheteur, voir « paramètres utilisés »), arrondi à "
                "une décimale.", lines, details={"fte_hours": None})
