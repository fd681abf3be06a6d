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
    for campaign in db.scalars(select(Campaign)).unique():
        submitted = sorted(i.direction for i in campaign.invitations if i.is_submitted)
        states[campaign.contract.reference, campaign.title] = (
            campaign.reason, campaign.is_closed, submitted)
    states = {(ref if title == "Enquête de fin de contrat" else f"{ref}, {title}"): state
              for (ref, title), state in states.items()}
    assert states == {
        # Closed in 2024 and 2025: the satisfaction indicators of those years rest on them.
        "LE-2023-030": ("ended", True, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2024-040": ("ended", True, ["buyer_rates_holder", "holder_rates_buyer"]),
        # The Maison de l'emploi follows its insertion clause: a third voice.
        "LE-2025-007": ("ended", True, ["buyer_rates_holder", "facilitator_rates_clause",
                                        "holder_rates_buyer"]),
        # The review of the second year of a 2024–2026 contract (its co-holder did not answer).
        "LE-2024-001, Revue annuelle 2026": ("anniversary", True, ["buyer_rates_holder",
                                                                   "holder_rates_buyer"]),
        "LE-2026-011": ("ended", False, ["buyer_rates_holder", "holder_rates_buyer"]),
        "LE-2026-014": ("closed_early", False, ["holder_rates_buyer"]),
        "LE-2026-018": ("ended", False, []),
    }
