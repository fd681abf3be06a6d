"""The plausibility and exits demo: a flagged quarter answered and awaiting review, exit
outcomes of the ended contract LE-2025-007; loading it twice changes nothing."""

from collections import Counter

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import plausibility as demo_plausibility
from portal.models import AuditEvent, Contract
from supplier import plausibility
from supplier.models import Declaration, InsertionExit


def _counts(db):
    return (db.scalar(select(func.count()).select_from(InsertionExit)),
            db.scalar(select(func.count()).select_from(AuditEvent)))


def test_demo_flags_and_exits_tell_their_story_and_load_once(db):
    demo.load_demo(db)
    flagged = db.scalar(select(Declaration).where(Declaration.pace_comment.is_not(None)))
    assert flagged.status == "submitted"
    assert flagged.contract.reference == demo_plausibility.FLAGGED[0]
    flags = plausibility.of_declaration(db, flagged)
    assert [(f.beneficiary_ref, bool(f.comment)) for f in flags.lines] == [("B26-301", True)]
    assert flags.pace is not None and flags.pace.comment == demo_plausibility.PACE_COMMENT

    contract = db.scalar(select(Contract).where(Contract.reference == "LE-2025-007"))
    outcomes = Counter(db.scalars(select(InsertionExit.outcome)
                                  .where(InsertionExit.contract_id == contract.id)))
    assert outcomes == {"permanent": 2, "training": 2, "fixed_term_6m": 1, "none": 1,
                        "other_job": 1, "unknown": 1}

    before = _counts(db)
    demo.load_demo(db)
    db.expire_all()
    assert _counts(db) == before
