"""Payment indicators of the confirmed invoices received in a year: mean and median delay and share
paid within the legal maximum (all three over the settled invoices: paid, or already late),
interest and fees due against paid, in total, by buyer and by holder size (TPE and PME first).
One SQL statement per breakdown, whatever the number of invoices: the median is the mean of the
middle row(s) of a row_number window, which SQLite and PostgreSQL both compute (no
percentile_cont on SQLite)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from execution.indicators.indicator import ratio, tenth
from execution.indicators.queries import SME_SIZES, count_if
from execution.payments import sql as payment_sql
from execution.payments.models import EcbRate, Invoice, InvoiceStatus
from execution.payments.rules import FLAT_FEE
from portal.clock import today
from portal.models import Organisation, OrgSize
from portal.money import cents, from_cents
from portal.sql import ranked_by

BUYER = aliased(Organisation, name="buyer_org")
SEPARATOR = "|"
SIZE_ORDER = [OrgSize.tpe, OrgSize.pme, OrgSize.eti, OrgSize.ge]
SIZE_LABELS = {OrgSize.tpe: "TPE", OrgSize.pme: "PME", OrgSize.eti: "ETI",
               OrgSize.ge: "Grande entreprise", None: "Taille inconnue"}


@dataclass(frozen=True)
class PaymentFigures:
    label: str
    invoices: int
    mean_days: Decimal | None  # over the settled invoices, as the on-time share
    median_days: Decimal | None
    on_time: int  # paid within the legal maximum
    late: int
    settled: int  # paid, or late already: whether it was paid on time is known
    interest_due: Decimal
    interest_unknown: int  # late invoices whose half-year rate is not entered
    interest_paid: Decimal
    fees_due: Decimal
    fees_paid: Decimal

    @property
    def on_time_share(self) -> Decimal | None:
        """Unpaid invoices still within the maximum are not counted yet, either way."""
        return ratio(self.on_time, self.settled)


def _rows(db: Session, key, label_of, *, year: int, buyer_org_id: int | None,
          order=None) -> list[PaymentFigures]:
    on = today()
    delay = payment_sql.delay_days(on)
    late = payment_sql.is_late(on)
    base = (select(key.label("key"), delay.label("delay"), late.label("late"),
                   payment_sql.interest_cents(on).label("interest"),
                   EcbRate.id.is_(None).label("no_rate"),
                   Invoice.interest_paid_eur.label("paid"), Invoice.fee_paid.label("fee_paid"),
                   Invoice.paid_on.is_not(None).label("is_paid"),
                   or_(late, Invoice.paid_on.is_not(None)).label("settled"))
            .join(Organisation, Organisation.id == Invoice.supplier_org_id)
            .join(BUYER, BUYER.id == Invoice.buyer_org_id)
            .outerjoin(EcbRate, payment_sql.rate_join())
            .where(Invoice.status == InvoiceStatus.confirmed,
                   Invoice.received_on >= date(year, 1, 1),
                   Invoice.received_on < date(year + 1, 1, 1)))
    if buyer_org_id is not None:
        base = base.where(Invoice.buyer_org_id == buyer_org_id)
    rows = base.subquery()
    # Mean and median over the settled invoices only (ranked apart from the others): an
    # unpaid invoice still within the maximum would pull them down with a delay still growing.
    ranked, middle = ranked_by(rows, "delay", within=("key", "settled"))
    is_late = ranked.c.late == literal(True)
    settled = ranked.c.settled == literal(True)
    query = (select(ranked.c.key, func.count(), func.avg(case((settled, ranked.c.delay))),
                    func.avg(case((and_(settled, middle), ranked.c.delay))),
                    count_if(and_(~is_late, ranked.c.is_paid == literal(True))),
                    count_if(is_late),
                    count_if(or_(is_late, ranked.c.is_paid == literal(True))),
                    func.sum(case((is_late, ranked.c.interest), else_=0)),
                    count_if(and_(is_late, ranked.c.no_rate == literal(True))),
                    func.sum(ranked.c.paid),
                    count_if(and_(is_late, ranked.c.fee_paid == literal(True))))
             .group_by(ranked.c.key))
    found = [PaymentFigures(
        label_of(key), int(count), tenth(mean), tenth(median), int(on_time), int(n_late),
        int(settled), from_cents(cast_int(interest)), int(unknown), cents(paid),
        FLAT_FEE * int(n_late), FLAT_FEE * int(fees_paid))
        for key, count, mean, median, on_time, n_late, settled, interest, unknown, paid, fees_paid
        in db.execute(query)]
    return sorted(found, key=order) if order else found


def cast_int(value) -> int:
    return int(Decimal(str(value))) if value is not None else 0



def total(db: Session, *, year: int, buyer_org_id: int | None) -> PaymentFigures:
    found = _rows(db, literal(1), lambda _key: "Toutes les factures", year=year,
                  buyer_org_id=buyer_org_id)
    return found[0] if found else PaymentFigures("Toutes les factures", 0, None, None, 0, 0, 0,
                                                 Decimal("0.00"), 0, Decimal("0.00"),
                                                 Decimal("0.00"), Decimal("0.00"))


def by_size(db: Session, *, year: int, buyer_org_id: int | None) -> list[PaymentFigures]:
    """TPE and PME first: they suffer most from late payment."""
    rank = {SIZE_LABELS[size]: n for n, size in enumerate([*SIZE_ORDER, None])}
    return _rows(db, Organisation.size, lambda size: SIZE_LABELS.get(size, str(size)),
                 year=year, buyer_org_id=buyer_org_id, order=lambda f: rank.get(f.label, 9))


def sme_only(db: Session, *, year: int, buyer_org_id: int | None) -> PaymentFigures | None:
    """TPE and PME together, the headline of the size breakdown."""
    found = _rows(db, cast(Organisation.size.in_(SME_SIZES), Integer),
                  lambda key: "TPE et PME" if key else "Autres", year=year,
                  buyer_org_id=buyer_org_id)
    return next((f for f in found if f.label == "TPE et PME"), None)


def by_buyer(db: Session, *, year: int, buyer_org_id: int | None) -> list[PaymentFigures]:
    # Keyed by name and id: two organisations of the same name stay two lines.
    key = BUYER.name.concat(SEPARATOR).concat(cast(BUYER.id, String))
    return _rows(db, key, lambda named: named.rsplit(SEPARATOR, 1)[0], year=year,
                 buyer_org_id=buyer_org_id, order=lambda f: f.label.lower())
