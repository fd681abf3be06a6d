"""The settings demo: the métropole and the département count differently. Hélène Garnier's
indicators count every notified contract of the département with its 35 % target; Claire
Martin's keep the instance's 90 000 € threshold with the métropole's 30 % target; loading twice
changes nothing (one settings row, one target each, one audit event)."""

from html import unescape

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.indicators.buyer_config import BuyerIndicatorSettings
from execution.indicators.config import IndicatorTarget
from portal.models import AuditEvent, User
from tests import factories
from tests.conftest import visible_text


def _user(db, email):
    return db.scalar(select(User).where(User.email == email))


def _figures(api, user):
    response = api(user).get("/api/v1/indicators?year=2025")
    assert response.status_code == 200, response.text
    return {i["id"]: i for i in response.json()["indicators"]}


def test_two_buyers_of_the_demo_count_with_their_own_settings(client, db, login, api):
    demo.load_demo(db, password=factories.PASSWORD)
    demo.load_demo(db)
    db.commit()
    assert db.scalar(select(func.count()).select_from(BuyerIndicatorSettings)) == 1
    assert db.scalar(select(func.count()).select_from(IndicatorTarget)
                     .where(IndicatorTarget.buyer_org_id.is_not(None))) == 2
    assert db.scalar(select(func.count()).select_from(AuditEvent)
                     .where(AuditEvent.entity == "buyer_indicator_settings")) == 1

    helene = _user(db, "helene.garnier@departement-loire-estuaire.example.fr")
    claire = _user(db, "claire.martin@loire-estuaire.example.fr")
    departement = _figures(api, helene)["social_consideration_share"]
    metropole = _figures(api, claire)["social_consideration_share"]
    assert "tous les contrats notifiés" in departement["sentence"]
    assert "90 000" in metropole["sentence"].replace("\u202f", " ").replace("\xa0", " ")
    assert (departement["target"], metropole["target"]) == ("35.00", "30.00")

    login(helene)
    page = unescape(visible_text(client.get("/acheteur/parametres").text))
    assert "propre à l'organisation" in page
