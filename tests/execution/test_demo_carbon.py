"""The carbon follow-up's demo data: a contract with a carbon clause and validated carbon
declarations, through the real services, loaded once."""

from decimal import Decimal

from sqlalchemy import func, select

from execution.demo import carbon as demo_carbon
from execution.demo import load as demo
from execution.indicators.service import compute_indicators
from portal.models import CommitmentKind, Contract, User
from supplier.kinds.carbon import evidence_of
from supplier.models import Declaration, Status
from tests.supplier.report_helpers import text


def test_demo_carbon_story_and_its_indicator(client, db, login):
    demo.load_demo(db)
    db.commit()
    contract = db.scalar(select(Contract).where(Contract.reference == demo_carbon.REFERENCE))
    assert contract.carbon_clause and contract.global_cost_criterion
    carbon = contract.commitment(CommitmentKind.carbon_report)
    declarations = list(db.scalars(select(Declaration).where(
        Declaration.commitment_id == carbon.id).order_by(Declaration.period_start)))
    assert [d.status for d in declarations[:4]] == [
        Status.validated, Status.validated, Status.returned, Status.submitted]
    assert evidence_of(db, declarations[0].id).document.filename.endswith(".pdf")

    # Validated in 2025: Q1 42,6 + 8,1 + 315,4 and Q2 51,3 + 6,4 + 402,9 = 826,7 tCO2e.
    found = {i.id: i for i in compute_indicators(db, year=2025,
                                                 buyer_org_id=contract.buyer_org_id)}
    assert found["carbon_emissions"].value == Decimal("826.7")
    works = found["carbon_emissions"].breakdowns["nature"][0]
    assert works.extra["code"] == "works" and works.value == Decimal("826.7")

    agent = db.scalar(select(User).where(User.email == demo_carbon.AGENT))
    login(agent, password=demo.DEFAULT_PASSWORD)
    page = text(client.get(f"/acheteur/contrats/{contract.id}"))
    assert "Clause carbone" in page and "Renvoyé pour correction" in page

    # Loading again adds nothing.
    before = db.scalar(select(func.count()).select_from(Declaration))
    demo.load_demo(db)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Declaration)) == before
