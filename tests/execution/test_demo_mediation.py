"""The demo's mediation: a named mediator, one request closed with an agreement, one waiting
for an answer; loading twice changes nothing."""

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.mediation.models import MediationRequest
from portal.models import User
from tests.conftest import visible_text


def test_the_demo_mediator_reads_an_open_and_a_closed_request(client, db, login):
    logins = demo.load_demo(db)
    demo.load_demo(db)
    db.commit()
    assert ("lucas.fontaine@loire-estuaire.example.fr", "acheteur, médiateur",
            "Métropole de Loire-Estuaire") in logins
    assert sorted(db.scalars(select(MediationRequest.status))) == ["closed", "open"]
    assert db.scalar(select(func.count(MediationRequest.id))) == 2
    mediator = db.scalar(select(User).where(
        User.email == "lucas.fontaine@loire-estuaire.example.fr"))
    login(mediator, password=demo.DEFAULT_PASSWORD)
    page = visible_text(client.get("/acheteur/mediation?periode=2026").text)
    assert "Retard de paiement de la situation de travaux n° 7" in page
    assert "Pénalités appliquées sur les heures" in page
    assert "Demandes ouvertes 2" in page and "Demandes clôturées 1" in page
    agent = db.scalar(select(User).where(User.email == "claire.martin@loire-estuaire.example.fr"))
    login(agent, password=demo.DEFAULT_PASSWORD)
    # An agent of the buyer, a party: reads both, closes neither.
    listing = visible_text(client.get("/acheteur/mediation?periode=2026").text)
    assert "Pénalités appliquées sur les heures" in listing
    opened = db.scalar(select(MediationRequest.id).where(MediationRequest.status == "open"))
    assert "Clôturer la demande" not in client.get(f"/acheteur/mediation/{opened}").text
