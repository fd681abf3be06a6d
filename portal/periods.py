"""Declaration periods: calendar months, quarters or years cut to the contract's dates."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from portal.models import Frequency

_MONTHS_PER_PERIOD = {Frequency.monthly: 1, Frequency.quarterly: 3, Frequency.yearly: 12}
_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer (31 January
    + 1 month: 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of(start: date, months: int) -> date:
    """The last day of a duration of ``months`` months from ``start`` (12 months from
    1 January: 31 December); a duration of 0 ends where it starts."""
    return start if months == 0 else add_months(start, months) - timedelta(days=1)


def months_between(start: date, end: date) -> int:
    """Whole months from the first day to the last, a month begun counting as one
    (1 January – 31 December: 12): the inverse of ``last_day_of``."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return max(1, months + (1 if after.day > start.day else 0))


def periods(starts_on: date, ends_on: date, frequency: str, *, due_days: int) -> list[Period]:
    """The periods covering [starts_on, ends_on], aligned on calendar months, quarters or years."""
    step = _MONTHS_PER_PERIOD[Frequency(frequency)]
    first_month = (starts_on.month - 1) // step * step + 1
    cursor = date(starts_on.year, first_month, 1)
    result = []
    while cursor <= ends_on:
        following = add_months(cursor, step)
        start = max(cursor, starts_on)
        end = min(following - timedelta(days=1), ends_on)
        result.append(Period(start, end, end + timedelta(days=due_days)))
        cursor = following
    return result


def period_label(start: date, end: date) -> str:
    """A French label: « mars 2025 », « 2e trimestre 2025 », « année 2025 » or the two dates."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{_FRENCH_MONTHS[start.month - 1]} {start.year}"
        if months == 3 and start.month % 3 == 1:
            quarter = (start.month - 1) // 3 + 1
            return f"{quarter}{'er' if quarter == 1 else 'e'} trimestre {start.year}"
        if months == 12 and start.month == 1:
            return f"année {start.year}"
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
