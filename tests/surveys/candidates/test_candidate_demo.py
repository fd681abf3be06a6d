"""The demo candidate surveys: one shown, one hidden, loaded once however often the demo is."""

from sqlalchemy import func, select

from execution.demo.load import load_demo
from portal.models import User
from surveys.candidates.models import CandidateInvitation, CandidateResponse
from tests.factories import PASSWORD
from tests.surveys.conftest import page_text

CLAIRE = "claire.martin@loire-estuaire.example.fr"


def test_demo_candidate_surveys(client, db, login):
    load_demo(db, password=PASSWORD)
    db.commit()
    responses = db.scalar(select(func.count(CandidateResponse.id)))
    load_demo(db)
    db.commit()
    assert db.scalar(select(func.count(CandidateResponse.id))) == responses == 8
    assert db.scalar(select(func.count(CandidateInvitation.id))) == 10
    login(db.scalar(select(User).where(User.email == CLAIRE)))
    listing = client.get("/enquetes-candidats").text
    assert "LE-2026-003" in listing and "LE-2024-014" in listing
    # Only the closed survey with at least five answers counts (the piscine's six).
    assert "6 réponses" in page_text(client.get("/enquetes-candidats/resultats"))
