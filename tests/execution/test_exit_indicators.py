"""« Sorties positives » and « Personnes accompagnées » on a hand-computed example.

Buyer A, contract 1 (holder H1), 2025 quarterly:
  Q1 validated: B-001, B-002; Q2 validated: B-002 again, B-003; Q3 submitted only: B-004.
Buyer A, contract 2 (holder H2): Q1 validated: B-001 (H2's own pseudonym: another person).
Buyer B, contract 3: Q1 validated: B-009.
People accompanied in 2025 for A: H1's B-001, B-002, B-003 and H2's B-001 = 4 (B-004 is not
validated); for all buyers 5.

Exits of A dated 2025: 2 CDI, 1 CDD ≥ 6 months, 1 training, 1 none, 2 unknown → positive 4,
known 5 → 80,0 %; one more CDI dated 2024 is not counted, nor B's exit (« none »), except for
all buyers: 4 / 6 = 66,7 %.
"""

from datetime import date
from decimal import Decimal

import pytest

from execution.indicators.service import compute_indicators
from execution.review import service as review
from portal.models import Role
from supplier.models import InsertionExit
from tests import factories

A_EXITS = [("permanent", "2025-03-01"), ("permanent", "2025-06-30"),
           ("fixed_term_6m", "2025-07-15"), ("training", "2025-09-01"), ("none", "2025-10-01"),
           ("unknown", "2025-11-01"), ("unknown", "2025-12-31"), ("permanent", "2024-12-31")]


def _validated(db, buyer, declaration, holder, *refs):
    factories.submit(db, declaration, holder, *(factories.line(beneficiary_ref=ref)
                                                for ref in refs))
    review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
    db.commit()


@pytest.fixture
def example(db):
    buyer_a, buyer_b = factories.make_user(db, Role.buyer), factories.make_user(db, Role.buyer)
    h1, h2, h3 = (factories.make_user(db, Role.supplier) for _ in range(3))
    c1 = factories.make_contract(db, buyer_a, h1.organisation)
    c2 = factories.make_contract(db, buyer_a, h2.organisation)
    c3 = factories.make_contract(db, buyer_b, h3.organisation)
    q1, q2, q3 = factories.declarations(db, c1)[:3]
    _validated(db, buyer_a, q1, h1, "B-001", "B-002")
    _validated(db, buyer_a, q2, h1, "B-002", "B-003")
    factories.submit(db, q3, h1, factories.line(beneficiary_ref="B-004"))
    _validated(db, buyer_a, factories.declarations(db, c2)[0], h2, "B-001")
    _validated(db, buyer_b, factories.declarations(db, c3)[0], h3, "B-009")
    for n, (outcome, day) in enumerate(A_EXITS):
        db.add(InsertionExit(contract_id=c1.id, organisation_id=h1.organisation_id,
                             beneficiary_ref=f"S-{n}", outcome=outcome,
                             exited_on=date.fromisoformat(day)))
    db.add(InsertionExit(contract_id=c3.id, organisation_id=h3.organisation_id,
                         beneficiary_ref="B-009", outcome="none", exited_on=date(2025, 5, 1)))
    db.commit()
    return buyer_a


def _found(db, buyer_org_id):
    return {i.id: i for i in compute_indicators(db, year=2025, buyer_org_id=buyer_org_id)}


def test_hand_computed_figures_for_the_buyer(db, example):
    found = _found(db, example.organisation_id)
    exits = found["insertion_positive_exits"]
    assert (exits.value, exits.numerator, exits.denominator, exits.records) == (80, 4, 5, 7)
    assert exits.details["unknown"] == 2
    assert "« Inconnue » ne comptent ni au numérateur ni au dénominateur" in exits.sentence
    people = found["insertion_people"]
    assert (people.value, people.records) == (4, 4)


def test_all_buyers_count_every_exit_and_person(db, example):
    found = _found(db, None)
    assert found["insertion_positive_exits"].value == Decimal("66.7")
    assert found["insertion_people"].value == 5


def test_another_year_has_no_share(db, example):
    found = {i.id: i for i in compute_indicators(db, year=2023,
                                                 buyer_org_id=example.organisation_id)}
    assert found["insertion_positive_exits"].value is None
    assert found["insertion_people"].value == 0


def test_the_buyer_reads_them_through_the_api_and_the_dashboard(db, api, client, login, example):
    items = {i["id"]: i for i in api(example).get("/api/v1/indicators?year=2025").json()[
        "indicators"]}
    assert items["insertion_positive_exits"]["label"] == "Sorties positives"
    assert float(items["insertion_positive_exits"]["value"]) == 80
    assert float(items["insertion_people"]["value"]) == 4
    login(example)
    page = client.get("/indicateurs/insertion_positive_exits?annee=2025")
    assert page.status_code == 200 and "Sorties positives" in page.text
