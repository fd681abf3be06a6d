"""Amounts of money and hours are kept to the hundredth, as the database stores them
(``Numeric(…, 2)``): the one quantum and the one rounding, in Python and in SQL."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import BigInteger, ColumnElement, cast, func

CENT = Decimal("0.01")


def cents(value: Decimal | int | float | str | None) -> Decimal:
    """A value to the hundredth (half to even, Decimal's default). Read through ``str``: SQLite
    sums ``Numeric`` as floating point (42.5 where PostgreSQL gives 42.50), and a sum over no
    row (NULL) is zero."""
    return Decimal(str(value if value is not None else 0)).quantize(CENT)


def cents_half_up(value: Decimal) -> Decimal:
    """An amount computed by a rule (late-payment interest) to the hundredth, half a cent
    up: the accounting convention, and what ``whole_half_up`` gives in SQL, so a page and an
    indicator never differ by a cent. ``cents`` keeps half to even for what it reads back."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def whole_half_up(value) -> ColumnElement:
    """SQL: ``value`` to the nearest whole number, a half up (the SQL twin of
    ``cents_half_up``, applied to a count of cents). PostgreSQL's ``round(numeric)`` and
    SQLite's ``round`` both round a half away from zero, which is half up on the non-negative
    amounts it is used for."""
    return func.round(value)


# An API or form value answered the same on both databases: « 42.50 », never « 42.5 ».
Cents = Annotated[Decimal, AfterValidator(cents)]


def in_cents(value) -> ColumnElement[int]:
    """SQL: an amount as a whole number of cents, for exact integer arithmetic on both
    databases (``Numeric`` division differs between them)."""
    return cast(func.round(value * 100), BigInteger)


def from_cents(count: int | Decimal | None) -> Decimal:
    """What `in_cents` counted, back to an amount (NULL, over no row, is zero)."""
    return Decimal(count or 0) * CENT


def json_number(value: Decimal | int | None) -> int | float | None:
    """An amount as a JSON number for the open-data files: whole amounts as integers
    (1250000), others as the float whose shortest spelling is the amount (1250000.5). A
    Numeric(14, 2) has at most 14 significant digits, which a float's repr gives back exactly,
    so no artefact (0.1 + 0.2) can appear."""
    if value is None:
        return None
    amount = cents(value)
    return int(amount) if amount == amount.to_integral_value() else float(amount)
