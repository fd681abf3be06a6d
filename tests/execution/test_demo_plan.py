"""The progress-plan demo: an accepted plan, a revision under review, updates in every status."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import plan as demo_plan
from portal import clock
from portal.models import Contract
from supplier.models import Declaration, Subject
from supplier.plan import accepted_plan, accepted_versions, action_standings, open_plan


def _load(db):
    demo.load_demo(db)
    organisations = {spec["key"]: demo._organisation(db, spec) for spec in demo.ORGANISATIONS}
    users = {email: demo._user(db, email, name, role, organisations[org], None)
             for email, name, role, org in demo.USERS}
    demo_plan.load(db, organisations, users)
    return organisations, users


def test_demo_plan_tells_its_story_and_loads_once(db):
    organisations, users = _load(db)
    contract = db.scalar(select(Contract).where(Contract.reference == demo_plan.REFERENCE))
    commitment = contract.commitments[0]
    versions = accepted_versions(db, commitment.id)
    assert [(v.number, v.actions) for v in versions] == [(1, 4)]
    revision = open_plan(db, commitment.id)
    assert (revision.status, len(revision.plan_actions)) == ("submitted", 5)
    updates = db.scalars(select(Declaration).where(
        Declaration.commitment_id == commitment.id, Declaration.subject == Subject.period))
    assert Counter(d.status for d in updates) == {
        "validated": 4, "returned": 1, "submitted": 1, "draft": 1, "expected": 5}

    clock.freeze(datetime(2026, 11, 23, 9, tzinfo=UTC))
    _, counts = action_standings(db, commitment.id, accepted_plan(db, commitment.id).id)
    assert counts == {"done": 2, "late": 1, "on_time": 1, "abandoned": 0}

    before = db.scalar(select(func.count()).select_from(Declaration))
    demo_plan.load(db, organisations, users)
    assert db.scalar(select(func.count()).select_from(Declaration)) == before
