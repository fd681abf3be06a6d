"""French formats for numbers, money, shares and dates, as Jinja filters."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def _half_up(value: Decimal | float | int, decimals: int) -> Decimal:
    # Formatting rounds half to even; French administrative figures round half up (31,45 → 31,5).
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def _french(value: Decimal, decimals: int) -> str:
    # The fr_FR conventions (CLDR): thousands grouped by a narrow no-break space, a decimal
    # comma. Python's own grouping does the work: list pages format thousands of figures, and
    # this costs a tenth of a general-purpose locale library's call.
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return _french(_half_up(value, decimals), decimals)


def hours(value: Decimal | float | int | None) -> str:
    """Hours with decimals only when needed: « 1 250 h », « 12,5 h »."""
    if value is None:
        return "—"
    decimals = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    text = number(value, decimals)
    return (text.rstrip("0").rstrip(",") if decimals else text) + "\u00a0h"


def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return _french(_half_up(value, 2), 2) + "\u00a0€ HT"


def share(value: Decimal | float | None) -> str:
    """A percentage with one decimal: « 31,4 % »; « — » when there is no denominator."""
    if value is None:
        return "—"
    return _french(_half_up(value, 1), 1) + "\u00a0%"


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
    return value.strftime("%d/%m/%Y")


FILTERS = {"number": number, "hours": hours, "money": money, "share": share, "day": day}
