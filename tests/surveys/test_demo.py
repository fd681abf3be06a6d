"""The demo surveys: a campaign in every state, loaded once however often the demo is."""

from sqlalchemy import func, select

from execution.demo import surveys as demo_surveys
from execution.demo.load import ORGANISATIONS, load_demo
from portal import identity
from portal.models import User
from surveys.models import Answer, Campaign


def _load(db):
    load_demo(db)
    organisations = {spec["key"]: identity.find_organisation_by_siret(db, spec["siret"])
                     for spec in ORGANISATIONS}
    users = {u.email: u for u in db.scalars(select(User))}
    demo_surveys.load(db, organisations, users)
    db.commit()


def test_demo_campaigns_in_every_state(db):
    _load(db)
    answers = db.scalar(select(func.count(Answer.id)))
    _load(db)
    assert db.scalar(select(func.count(Answer.id))) == answers
    states = {}
    for campaign in db.scalars(select(Campaign)):
        submitted = sorted(i.direction for i in campaign.invitations if i.is_submitted)
        states[campaign.contract.reference] = (campaign.reason, campaign.is_closed, submitted)
    assert states == {
        # Closed in 2024 and 2025: the satisfaction indicators of those years rest on them.
        "LE-2023-030": ("ended", True, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2024-040": ("ended", True, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2025-007": ("ended", True, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2026-011": ("ended", False, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2026-014": ("closed_early", False, ["holder_rates_buyer"]),
        "LE-2026-018": ("ended", False, []),
    }
