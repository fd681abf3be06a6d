"""The demo publishes the métropole's 2025 indicators, once."""

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import publication as demo_publication
from execution.indicators.config import DEFINITIONS
from execution.publication.models import Publication
from portal import identity
from portal.models import User


def test_the_demo_publishes_the_metropole_2025_once(client, db):
    demo.load_demo(db)
    db.commit()
    metropole = identity.find_organisation_by_siret(db, "24440012300018")
    url = f"/publication/{metropole.siret}/2025"
    assert f'href="{url}"' in client.get("/publication").text
    data = client.get(f"{url}.json").json()
    assert data["organisation"]["name"] == metropole.name and data["version"] == 1
    assert [i["id"] for i in data["indicators"]] == [d.id for d in DEFINITIONS]
    hours = data["indicators"][0]
    assert hours["id"] == "insertion_hours" and float(hours["value"]) > 0
    assert client.get(f"{url}/rapport.pdf").content.startswith(b"%PDF-")

    organisations = {spec["key"]: identity.find_organisation_by_siret(db, spec["siret"])
                     for spec in demo.ORGANISATIONS}
    users = {email: db.scalar(select(User).where(User.email == email))
             for email, *_ in demo.USERS}
    demo_publication.load(db, organisations, users)
    db.commit()
    assert db.scalar(select(func.count(Publication.id))) == 1
