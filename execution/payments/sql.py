"""The rules of execution.payments.rules said in SQL, for the lists' filters and the
indicators (SQLite and PostgreSQL alike): one expression per figure, never a loop over rows."""

from datetime import date

from sqlalchemy import ColumnElement, case, func, literal

from execution.payments.models import EcbRate, Invoice
from execution.payments.rules import DAYS_A_YEAR, POINTS_ABOVE_ECB
from portal.money import whole_half_up
from portal.sql import days_between


def delay_days(today: date) -> ColumnElement[int]:
    """Receipt to payment (to ``today`` while unpaid), less the suspended days."""
    end = func.coalesce(Invoice.paid_on, literal(today))
    return days_between(end, Invoice.received_on) - Invoice.suspended_days


def late_days(today: date) -> ColumnElement[int]:
    beyond = delay_days(today) - Invoice.legal_delay_days
    return case((beyond > 0, beyond), else_=0)


def is_late(today: date) -> ColumnElement[bool]:
    return delay_days(today) > Invoice.legal_delay_days


def interest_cents(today: date) -> ColumnElement:
    """The interest due in whole cents, NULL when the half-year's ECB rate is missing; use
    with an outer join of EcbRate on the invoice's half-year (``rate_join``). Rounded half up,
    as the invoice page rounds it (portal.money)."""
    rate = EcbRate.rate + POINTS_ABOVE_ECB
    return whole_half_up(Invoice.amount_incl_vat * rate * late_days(today) / DAYS_A_YEAR)


def rate_join():
    return EcbRate.half_year_start == Invoice.rate_half_year
