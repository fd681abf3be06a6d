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


def test_demo_fills_the_metropoles_2025_accounts_once(client, db, login):
    from execution.agec import declaration_file
    from execution.agec.models import BuyerAgecTotal

    _load(db)
    _load(db)
    agent = db.scalar(select(User).where(User.email == demo_agec.AGENT))
    rows = db.scalars(select(BuyerAgecTotal).where(
        BuyerAgecTotal.buyer_org_id == agent.organisation_id)).all()
    assert {(r.year, r.category_code, r.version) for r in rows} == {
        (2025, code, 1) for code in demo_agec.ACCOUNTS}
    lines = declaration_file.declaration_rows(db, agent.organisation, 2025)
    assert [line[3] for line in lines][:2] == ["Produits textiles à l'exception des équipements "
                                               "de protection individuels",
                                               "Matériel informatique et téléphonie"]
    assert lines[1][4:8] == ["412650.00", "63180.00", "4200.00", "18940.00"]
    login(agent, password=demo.DEFAULT_PASSWORD)
    page = visible_text(client.get("/donnees-ouvertes/agec?annee=2025").text)
    assert "Télécharger le fichier de déclaration AGEC 2025" in page
