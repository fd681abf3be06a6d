"""The payment-delay rules of the code de la commande publique, as pure functions (no database).

- The delay runs from receipt of the invoice (R2192-12) to payment, or to today while unpaid,
  less the days the delay was suspended (R2192-27: a request for a missing document).
- Late days are those beyond the buyer's legal maximum (30, 50 or 60 days, R2192-10/11); the
  interest starts to run the day after the maximum expires.
- The rate is the ECB main refinancing rate in force on the first day of the half-year in which
  the interest started to run, plus 8 points (R2192-31): a delay that runs across 1 July keeps
  the rate of the half-year it started in.
- Interest = amount × rate × late days / 365, to the cent with a half cent up (the accounting
  convention, portal.money; the indicators round the same way in SQL); plus a 40 € flat
  recovery fee once late (R2192-32, D2192-35).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from portal.money import cents_half_up

POINTS_ABOVE_ECB = Decimal(8)
FLAT_FEE = Decimal("40.00")
DAYS_A_YEAR = 365


def half_year_start(day: date) -> date:
    """1 January or 1 July of the half-year containing ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_label(start: date) -> str:
    """« 1er semestre 2025 », « 2e semestre 2024 »."""
    return f"{'1er' if start.month == 1 else '2e'} semestre {start.year}"


def interest_start(received_on: date, suspended_days: int, legal_max: int) -> date:
    """The day after the legal maximum (lengthened by the suspension) expires."""
    return received_on + timedelta(days=suspended_days + legal_max + 1)


def missing_rate_message(start: date) -> str:
    return f"taux BCE du {half_year_label(start)} non saisi"


@dataclass(frozen=True)
class Delay:
    days: int                  # delay to payment, or to today while unpaid
    late_days: int             # beyond the legal maximum
    interest_starts_on: date
    rate_half_year: date       # whose ECB rate applies
    rate: Decimal | None       # ECB + 8 points, in percent; None when the ECB rate is missing
    interest: Decimal | None   # due; None when late and the rate is missing
    fee: Decimal               # 40 € once late, else 0
    missing_rate: str | None   # « taux BCE du 1er semestre 2025 non saisi »

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


def delay(*, received_on: date, paid_on: date | None, today: date, suspended_days: int,
          legal_max: int, amount: Decimal, ecb_rates: dict[date, Decimal]) -> Delay:
    """An invoice's delay, interest and fee; ``ecb_rates`` maps a half-year's first day to
    the ECB rate in force on that day (only those entered)."""
    end = paid_on if paid_on is not None else today
    days = (end - received_on).days - suspended_days
    late_days = max(0, days - legal_max)
    start = interest_start(received_on, suspended_days, legal_max)
    half = half_year_start(start)
    ecb = ecb_rates.get(half)
    rate = ecb + POINTS_ABOVE_ECB if ecb is not None else None
    if not late_days:
        return Delay(days, 0, start, half, rate, Decimal("0.00"), Decimal("0.00"), None)
    if rate is None:
        return Delay(days, late_days, start, half, None, None, FLAT_FEE,
                     missing_rate_message(half))
    interest = cents_half_up(amount * rate / 100 * late_days / DAYS_A_YEAR)
    return Delay(days, late_days, start, half, rate, interest, FLAT_FEE, None)
