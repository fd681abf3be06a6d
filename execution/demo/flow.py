"""Shared steps of the demo stories: plausible dates, and a declaration taken to a status
through the real services (so the audit trail of the demo is a real one)."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from execution.review import service as review
from portal import clock
from portal.models import User
from supplier import service as filing
from supplier.models import Declaration, Status
from supplier.schemas import DeclarationIn


def at(day: date, hour: int = 10) -> datetime:
    """That day at ``hour`` UTC (ten by default: office hours in Paris)."""
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def take_to(db: Session, declaration: Declaration, data: DeclarationIn, status: Status, *,
            filer: User, agent: User, filed_after: int, reviewed_after: int,
            return_comment: str) -> None:
    """Saves ``data`` some days after the period, then submits, returns or validates it."""
    clock.freeze(at(declaration.period_end + timedelta(days=filed_after)))
    filing.save_draft(db, declaration.id, data, user=filer)
    if status == Status.draft:
        return
    filing.submit(db, declaration.id, user=filer, version=declaration.version)
    if status == Status.submitted:
        return
    clock.freeze(at(declaration.period_end + timedelta(days=reviewed_after)))
    if status == Status.returned:
        review.return_to_holder(db, declaration.id, reviewer=agent,
                                version=declaration.version, comment=return_comment)
        return
    review.validate(db, declaration.id, reviewer=agent, version=declaration.version)
