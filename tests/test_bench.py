"""The benchmark's generator writes what the pages and the indicators read (bench/, tiny size).

No time is asserted here: the speed targets are printed by `make bench`.
"""

from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import extract, func, select

from bench import generator
from bench.app import BARE_PATH, create_bench_app
from execution.indicators.service import compute_indicators
from portal.models import Commitment, Contract, ContractParty, User
from supplier.models import AgecLine, Declaration, InsertionLine, PlanAction, PlanUpdate
from surveys.models import Answer, Invitation

CONTRACTS, LINES, BUYERS = 30, 600, 3


def _count(db, model, *where):
    return db.scalar(select(func.count()).select_from(model).where(*where))


def _generate(db):
    return generator.generate(db.connection(), contracts=CONTRACTS, lines=LINES, buyers=BUYERS)


def test_generator_writes_the_requested_world(db):
    world = _generate(db)
    assert _count(db, Contract) == CONTRACTS
    assert _count(db, InsertionLine) == LINES
    assert _count(db, Commitment) == 4 * CONTRACTS
    assert world.counts["declaration"] == _count(db, Declaration)
    for model in (AgecLine, PlanAction, PlanUpdate, Invitation, Answer):
        assert _count(db, model) > 0, model
    years = set(db.scalars(select(extract("year", Contract.starts_on)).distinct()))
    assert len(years) >= 4  # trends have several years to show
    assert _count(db, Contract, Contract.buyer_org_id == 1) == CONTRACTS // BUYERS
    # One contract in ten is held by the supplier whose user logs in.
    supplier = db.scalar(select(User).where(User.email == generator.SUPPLIER_EMAIL))
    held = _count(db, ContractParty, ContractParty.organisation_id == supplier.organisation_id)
    assert held == CONTRACTS // 10


def test_indicators_read_the_generated_hours(db):
    _generate(db)
    validated_2025 = db.scalar(
        select(func.sum(InsertionLine.hours))
        .join(Declaration, Declaration.id == InsertionLine.declaration_id)
        .join(Commitment, Commitment.id == Declaration.commitment_id)
        .where(Declaration.status == "validated",
               extract("year", Declaration.period_start) == generator.LAST_YEAR))
    indicators = {i.id: i for i in compute_indicators(db, year=generator.LAST_YEAR,
                                                      buyer_org_id=None)}
    assert validated_2025 > 0
    assert indicators["insertion_hours"].value == validated_2025
    # Surveys count in the year they closed: somewhere in the five years.
    assert any(indicator.records
               for year in range(generator.FIRST_YEAR, generator.LAST_YEAR + 1)
               for indicator in compute_indicators(db, year=year, buyer_org_id=None)
               if indicator.id == "supplier_satisfaction")


def test_generated_users_log_in_and_see_their_contracts(db, client, login):
    _generate(db)
    login(SimpleNamespace(email=generator.BUYER_EMAIL), password=generator.PASSWORD)
    page = client.get("/acheteur/contrats")
    assert page.status_code == 200
    assert "B-00001" in page.text and "B-00002" not in page.text  # buyer 1's contracts only
    client.cookies.clear()
    login(SimpleNamespace(email=generator.SUPPLIER_EMAIL), password=generator.PASSWORD)
    page = client.get("/fournisseur")
    assert page.status_code == 200
    assert "B-00011" in page.text


def test_bench_app_serves_the_portal_and_the_bare_page(db):
    with TestClient(create_bench_app(), base_url="https://testserver") as bench_client:
        assert bench_client.get(BARE_PATH).status_code == 200
        assert bench_client.get("/healthz").json()["status"] == "ok"
