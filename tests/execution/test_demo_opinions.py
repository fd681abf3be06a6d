"""The facilitator's demo: her opinion in every state on the métropole's insertion hours."""

from collections import Counter

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import opinions
from portal.facilitators import FacilitatorAssignment
from portal.models import AuditEvent, User
from supplier.models import Declaration, InsertionLine


def _state(db):
    opinions_given = Counter((d.status, d.facilitator_opinion) for d in db.scalars(
        select(Declaration).where(Declaration.facilitator_by_id.is_not(None))))
    return (opinions_given, db.scalar(select(func.count()).select_from(AuditEvent)),
            db.scalar(select(func.count()).select_from(FacilitatorAssignment)),
            db.scalar(select(func.count()).select_from(InsertionLine)
                      .where(InsertionLine.checked_at.is_not(None))))


def test_demo_opinions_in_every_state_and_loaded_once(db):
    demo.load_demo(db)
    given, _audits, assignments, _checked = first = _state(db)
    assert assignments == 1
    assert given[("submitted", "to_correct")] == 1
    assert given[("submitted", "unverifiable")] == 1
    assert given[("returned", "to_correct")] == 1
    assert given[("validated", "compliant")] > 10
    # One filed declaration awaits her opinion, a line already checked.
    ines = db.scalar(select(User).where(User.email == opinions.FACILITATOR))
    waiting = db.scalars(select(Declaration).where(
        Declaration.status == "submitted", Declaration.facilitator_opinion.is_(None))
        .join(InsertionLine)
        .where(InsertionLine.checked_by_id == ines.id)).unique().all()
    assert len(waiting) == 1
    # Every opinion on a validated declaration came before its validation.
    assert all(d.facilitator_at < d.reviewed_at for d in db.scalars(
        select(Declaration).where(Declaration.status == "validated",
                                  Declaration.facilitator_by_id.is_not(None))))
    demo.load_demo(db)
    assert _state(db) == first
