"""The mediation indicators of a buyer organisation over a reporting period, as SQL aggregates:
requests opened and closed in the period, and the mean and median days to the first answer
(requests first answered in the period) and to the closing (requests closed in the period).

Durations are exact (fractional days between the two instants), rounded to a tenth for show.
The median is the middle row(s) of a row_number window: the same statement on SQLite and
PostgreSQL."""

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from execution.indicators.indicator import tenth
from execution.indicators.queries import count_if, day_number
from execution.mediation.models import MediationRequest
from portal.formatting import PARIS
from portal.reporting_period import ReportingPeriod
from portal.sql import ranked_by


@dataclass(frozen=True)
class Durations:
    count: int = 0
    mean_days: Decimal | None = None
    median_days: Decimal | None = None


@dataclass(frozen=True)
class MediationFigures:
    period: ReportingPeriod
    opened: int
    closed: int
    first_answer: Durations
    closing: Durations


def _bounds(period: ReportingPeriod) -> tuple[datetime, datetime]:
    """The period's first and next first instants in Paris, as the users live them."""
    return (datetime.combine(period.first_day, time(0), tzinfo=PARIS),
            datetime.combine(period.next_first_day, time(0), tzinfo=PARIS))



def _durations(db: Session, end_column, start: datetime, end: datetime,
               buyer_org_id: int | None) -> dict[int, Durations]:
    """By buyer organisation: count, mean and median of (end_column - opened_at) in days, over
    the requests whose ``end_column`` falls in [start, end); one statement."""
    delays = (select(MediationRequest.buyer_org_id.label("buyer"),
                     (day_number(db, end_column) - day_number(db, MediationRequest.opened_at))
                     .label("days"))
              .where(end_column >= start, end_column < end))
    if buyer_org_id is not None:
        delays = delays.where(MediationRequest.buyer_org_id == buyer_org_id)
    ranked, middle = ranked_by(delays.subquery(), "days", within="buyer")
    rows = db.execute(select(ranked.c.buyer, func.count(ranked.c.days), func.avg(ranked.c.days),
                             func.avg(case((middle, ranked.c.days))))
                      .group_by(ranked.c.buyer))
    return {buyer: Durations(int(count), tenth(mean), tenth(median))
            for buyer, count, mean, median in rows}


def figures_by_buyer(db: Session, period: ReportingPeriod,
                     buyer_org_id: int | None = None) -> dict[int, MediationFigures]:
    """The figures of every buyer organisation with a request opened, answered or closed in
    the period (or of ``buyer_org_id`` alone); three statements whatever their number."""
    start, end = _bounds(period)
    opened_in = (MediationRequest.opened_at >= start) & (MediationRequest.opened_at < end)
    closed_in = (MediationRequest.closed_at >= start) & (MediationRequest.closed_at < end)
    counts = select(MediationRequest.buyer_org_id, count_if(opened_in), count_if(closed_in)
                    ).group_by(MediationRequest.buyer_org_id)
    if buyer_org_id is not None:
        counts = counts.where(MediationRequest.buyer_org_id == buyer_org_id)
    answers = _durations(db, MediationRequest.first_answer_at, start, end, buyer_org_id)
    closings = _durations(db, MediationRequest.closed_at, start, end, buyer_org_id)
    found = {}
    for buyer, opened, closed in db.execute(counts):
        if opened or closed or buyer in answers:
            found[buyer] = MediationFigures(period, int(opened), int(closed),
                                            answers.get(buyer, Durations()),
                                            closings.get(buyer, Durations()))
    return found


def mediation_figures(db: Session, buyer_org_id: int,
                      period: ReportingPeriod) -> MediationFigures:
    return figures_by_buyer(db, period, buyer_org_id).get(
        buyer_org_id, MediationFigures(period, 0, 0, Durations(), Durations()))
