"""The AGEC demo: both decrees, every status, loaded twice without change."""

from sqlalchemy import func, select

from execution.demo import agec as demo_agec
from execution.demo import load as demo
from portal.models import Contract, Organisation, User
from supplier.models import AgecLine, Declaration, Status
from tests.conftest import visible_text


def _load(db):
    demo.load_demo(db)
    organisations = {spec["key"]: db.scalar(select(Organisation).where(
        Organisation.siret == spec["siret"])) for spec in demo.ORGANISATIONS}
    users = {email: db.scalar(select(User).where(User.email == email))
             for email, *_ in demo.USERS}
    demo_agec.load(db, organisations, users)
    db.commit()


def test_demo_covers_both_decrees_and_every_status(client, db, login):
    _load(db)
    _load(db)
    contract = db.scalar(select(Contract).where(Contract.reference == demo_agec.REFERENCE))
    declarations = db.scalars(select(Declaration).where(
        Declaration.commitment_id == contract.commitments[0].id)).all()
    assert len(declarations) == 12
    assert {d.status for d in declarations} == set(Status)
    codes = set(db.scalars(select(AgecLine.category_code).join(Declaration).where(
        Declaration.commitment_id == contract.commitments[0].id)))
    assert codes == set(demo_agec.CATEGORIES)
    assert db.scalar(select(func.count()).select_from(Contract).where(
        Contract.reference == demo_agec.REFERENCE)) == 1
    login(db.scalar(select(User).where(User.email == demo_agec.AGENT)),
          password=demo.DEFAULT_PASSWORD)
    page = visible_text(client.get(f"/acheteur/contrats/{contract.id}").text)
    assert "Année 2023 — décret n° 2021-254" in page
    assert "Année 2025 — décret n° 2024-134" in page
