"""The ECB rate table, kept by the administrators: one rate per half-year, entered from the
official publication (the migration seeds only the confirmed ones of domain.md §3.3)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.payments.models import EcbRate
from execution.payments.rules import half_year_label
from portal.audit import audit
from portal.clock import now
from portal.errors import Forbidden, Invalid
from portal.formatting import plain_number
from portal.models import User
from portal.reporting_period import BadPeriod, parse_period

ADMINS_ONLY = "Seuls les administrateurs du portail saisissent les taux BCE."
HALF_YEAR_HINT = "Semestre attendu sous la forme 2025-S1 ou 2025-S2."


def all_rates(db: Session) -> list[EcbRate]:
    return list(db.scalars(select(EcbRate).order_by(EcbRate.half_year_start.desc())))


def parse_half_year(text: str) -> date:
    try:
        period = parse_period(text.strip()[:20])
    except BadPeriod:
        raise Invalid(HALF_YEAR_HINT, field_errors={"half_year": HALF_YEAR_HINT}) from None
    if period.kind != "S":
        raise Invalid(HALF_YEAR_HINT, field_errors={"half_year": HALF_YEAR_HINT})
    return period.first_day


def parse_rate(text: str) -> Decimal:
    message = "Taux attendu en pourcentage, entre -5 et 20 (par exemple 4,25)."
    try:
        rate = Decimal(plain_number(text or ""))
    except InvalidOperation:
        raise Invalid(message, field_errors={"rate": message}) from None
    if not rate.is_finite() or not Decimal(-5) <= rate <= Decimal(20):
        raise Invalid(message, field_errors={"rate": message})
    return rate.quantize(Decimal("0.01"))


def set_rate(db: Session, *, actor: User, half_year: str, rate: str) -> EcbRate:
    """Enters or corrects a half-year's rate; audited with the value before."""
    if not actor.is_admin:
        raise Forbidden(ADMINS_ONLY)
    start, value = parse_half_year(half_year), parse_rate(rate)
    row = db.scalar(select(EcbRate).where(EcbRate.half_year_start == start))
    before = str(row.rate) if row is not None else None
    if row is None:
        row = EcbRate(half_year_start=start)
        db.add(row)
    row.rate, row.updated_by_id, row.updated_at = value, actor.id, now()
    db.flush()
    audit(db, actor, "ecb_rate", row.id, "update", from_status=before, to_status=str(value),
          comment=half_year_label(start))
    return row
