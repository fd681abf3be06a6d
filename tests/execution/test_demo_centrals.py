"""The central's demo: the métropole buys for two communes, one of which uses its first
insertion contract for 60 000 €; Claire Martin chooses the consolidation on the dashboard,
and loading twice changes nothing."""

from sqlalchemy import select

from execution.demo import load as demo
from portal.centrals import CentralContractUse, CentralMembership
from portal.models import User
from tests import factories
from tests.conftest import visible_text


def test_the_metropole_is_a_central_of_two_communes_once(client, db, login):
    demo.load_demo(db, password=factories.PASSWORD)
    demo.load_demo(db)
    memberships = db.scalars(select(CentralMembership).order_by(CentralMembership.id)).all()
    assert [(m.central.name, m.member.name) for m in memberships] == [
        ("Métropole de Loire-Estuaire", "Commune de Rezé-Estuaire"),
        ("Métropole de Loire-Estuaire", "Commune de Couëron-Estuaire")]
    uses = db.scalars(select(CentralContractUse).order_by(CentralContractUse.id)).all()
    assert [str(u.amount_excl_vat) for u in uses] == ["60000.00", "None"]
    db.commit()
    login(db.scalar(select(User).where(User.email == "claire.martin@loire-estuaire.example.fr")))
    page = visible_text(client.get("/indicateurs").text)
    assert "Par centrale d" in page and "Centrale + membres (consolidé)" in page
    assert client.get("/indicateurs?perimetre=centrale").status_code == 200
