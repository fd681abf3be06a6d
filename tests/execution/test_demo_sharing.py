"""The sharing demo: LE-2024-001's insertion hours shared with its co-holder, which files its
own, and a sub-contracted SIAE named on the holder's lines; loaded once."""

from collections import Counter

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import sharing as demo_sharing
from portal.models import Contract, PartyRole
from supplier.models import Declaration, InsertionLine


def test_demo_sharing_tells_its_story_and_loads_once(db):
    demo.load_demo(db)
    contract = db.scalar(select(Contract).where(Contract.reference == demo_sharing.REFERENCE))
    commitment = contract.commitments[0]
    co_holder = contract.co_holders[0]
    assert {s.organisation_id: s.target_hours for s in commitment.shares} == {
        contract.holder.id: 3000, co_holder.id: 1200}
    own = db.scalars(select(Declaration).where(Declaration.commitment_id == commitment.id,
                                               Declaration.holder_org_id == co_holder.id))
    statuses = Counter(d.status for d in own)
    assert (statuses["validated"], statuses["submitted"]) == (4, 1)
    regie = contract.subcontractors[0]
    assert regie.name == "Régie de quartier Nantes Nord"
    assert contract.role_of(regie.id) == PartyRole.subcontractor
    assert db.scalar(select(func.count()).select_from(InsertionLine)
                     .where(InsertionLine.subcontractor_org_id == regie.id)) > 0

    before = db.scalar(select(func.count()).select_from(Declaration))
    demo.load_demo(db)
    assert db.scalar(select(func.count()).select_from(Declaration)) == before
