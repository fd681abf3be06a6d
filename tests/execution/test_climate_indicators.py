"""The climate indicators on crafted data (issue 17): contracts with a carbon clause, contracts
awarded on a global-cost criterion, and declared emissions by contract nature. Every figure
below is computed by hand from the data of `world`."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from execution.review import service as review
from portal import clock
from portal.models import OrgKind, Role
from supplier import service as filing
from supplier.carbon_schemas import CarbonDeclarationIn
from supplier.models import Status
from tests import factories
from tests.execution.test_dashboard import text_of

D = Decimal


def _contract(db, buyer, holder, reference, nature, amount, notified_on, **fields):
    fields.setdefault("starts_on", date(2025, 1, 1))
    fields.setdefault("ends_on", date(2025, 12, 31))
    return factories.make_contract(db, buyer, holder.organisation, reference=reference,
                                   nature=nature, amount_excl_vat=D(amount),
                                   notified_on=notified_on, insertion=None, **fields)


def _file(db, declaration, holder, buyer, status, **scopes):
    """Files ``scopes`` (tCO2e) and brings the declaration to ``status``."""
    data = CarbonDeclarationIn(version=declaration.version, method="bilan_carbone",
                               **{f"scope{n}_tco2e": D(v) for n, v in scopes.items()})
    filing.submit(db, declaration.id, data, user=holder)
    db.flush()
    if status == Status.validated:
        review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
    elif status == Status.returned:
        review.return_to_holder(db, declaration.id, reviewer=buyer, version=declaration.version,
                                comment="À revoir.")
    db.commit()


@pytest.fixture
def world(db):
    """Buyer A (the instance's 90 000 € threshold) and buyer B; 1 February 2026.

    Contracts of A notified in 2025 (clause carbone « CC », coût global « CG »):
      A-TX   works     200 000 €  CC CG  quarterly carbon declarations
      A-SV   services  100 000 €  CC     yearly carbon declaration
      A-FO   supplies  150 000 €     CG  yearly carbon declaration
      A-PETIT works     50 000 €  CC     (below the threshold: outside the shares)
      A-RIEN services  300 000 €  —
    and A-2024 (services, notified in 2024, CC), outside the 2025 shares.
    B-TX (works, B, 500 000 €, CC) is another buyer's."""
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    holder = factories.make_user(db, Role.supplier)
    buyer_a = factories.make_user(db, Role.buyer,
                                  factories.make_org(db, OrgKind.buyer, name="Ville A"))
    buyer_b = factories.make_user(db, Role.buyer,
                                  factories.make_org(db, OrgKind.buyer, name="Ville B"))
    in_2025 = date(2025, 2, 1)
    c = SimpleNamespace(
        tx=_contract(db, buyer_a, holder, "A-TX", "works", 200_000, in_2025, carbon_clause=True,
                     global_cost_criterion=True, carbon_report=True, frequency="quarterly"),
        sv=_contract(db, buyer_a, holder, "A-SV", "services", 100_000, in_2025,
                     carbon_clause=True, carbon_report=True, frequency="yearly"),
        fo=_contract(db, buyer_a, holder, "A-FO", "supplies", 150_000, in_2025,
                     global_cost_criterion=True, carbon_report=True, frequency="yearly"),
        small=_contract(db, buyer_a, holder, "A-PETIT", "works", 50_000, in_2025,
                        carbon_clause=True),
        none=_contract(db, buyer_a, holder, "A-RIEN", "services", 300_000, in_2025),
        old=_contract(db, buyer_a, holder, "A-2024", "services", 120_000, date(2024, 1, 15),
                      carbon_clause=True, carbon_report=True, frequency="yearly",
                      starts_on=date(2024, 1, 1)),
        b=_contract(db, buyer_b, holder, "B-TX", "works", 500_000, in_2025, carbon_clause=True,
                    carbon_report=True, frequency="yearly"))
    tx = factories.declarations(db, c.tx)
    _file(db, tx[0], holder, buyer_a, Status.validated, **{"1": "10", "2": "2.5"})
    _file(db, tx[1], holder, buyer_a, Status.validated, **{"1": "5", "3": "100"})
    _file(db, tx[2], holder, buyer_a, Status.submitted, **{"1": "1000"})  # not validated
    _file(db, factories.declarations(db, c.sv)[0], holder, buyer_a, Status.validated,
          **{"1": "1.25", "2": "0.75", "3": "20"})
    _file(db, factories.declarations(db, c.fo)[0], holder, buyer_a, Status.returned,
          **{"1": "999"})  # returned: not validated
    old_2024, old_2025 = factories.declarations(db, c.old)
    _file(db, old_2024, holder, buyer_a, Status.validated, **{"1": "50"})  # a 2024 period
    _file(db, old_2025, holder, buyer_a, Status.validated, **{"2": "4"})
    _file(db, factories.declarations(db, c.b)[0], holder, buyer_b, Status.validated,
          **{"1": "77"})
    return SimpleNamespace(holder=holder, buyer_a=buyer_a, buyer_b=buyer_b, c=c)


def _indicators(api, user, **query) -> dict:
    response = api(user).get("/api/v1/indicators", params={"year": 2025, **query})
    assert response.status_code == 200, response.text
    return {i["id"]: i for i in response.json()["indicators"]}


def test_shares_of_contracts_with_a_carbon_clause_or_a_global_cost_criterion(api, world):
    found = _indicators(api, world.buyer_a)
    # Denominator: A-TX, A-SV, A-FO, A-RIEN (90 000 € and more, notified in 2025) = 4,
    # 200 000 + 100 000 + 150 000 + 300 000 = 750 000 €.
    carbon = found["carbon_clause_share"]
    # Carbon clause: A-TX and A-SV = 2 / 4 = 50,0 %; 300 000 / 750 000 = 40,0 % by value.
    assert (carbon["numerator"], carbon["denominator"], carbon["value"]) == ("2", "4", "50.0")
    assert carbon["details"]["amount_share"] == "40.0"
    cost = found["global_cost_criterion_share"]
    # Global cost: A-TX and A-FO = 2 / 4 = 50,0 %; 350 000 / 750 000 = 46,7 % by value.
    assert (cost["numerator"], cost["value"]) == ("2", "50.0")
    assert cost["details"]["amount_share"] == "46.7"
    # The environmental share counts a carbon clause (portal.considerations): A-TX, A-SV.
    assert found["environmental_consideration_share"]["numerator"] == "2"


def test_declared_emissions_by_nature_and_scope(api, world):
    emissions = _indicators(api, world.buyer_a)["carbon_emissions"]
    # Validated declarations whose period starts in 2025, buyer A:
    #   works    A-TX T1 (10 ; 2,5 ; —) + T2 (5 ; — ; 100)  → 15 ; 2,5 ; 100 = 117,5
    #   services A-SV 2025 (1,25 ; 0,75 ; 20) + A-2024's 2025 (— ; 4 ; —) → 1,25 ; 4,75 ; 20 = 26
    #   supplies A-FO returned: nothing → 0
    # (A-TX T3 submitted, A-FO returned, A-2024's 2024 period and B's are left out.)
    assert emissions["value"] == "143.500" and emissions["records"] == 4
    by_nature = {row["extra"]["code"]: row for row in emissions["breakdowns"]["nature"]}
    assert list(by_nature) == ["works", "supplies", "services"]
    assert by_nature["works"]["value"] == "117.500"
    assert (by_nature["works"]["extra"]["scope1_tco2e"], by_nature["works"]["extra"][
        "scope2_tco2e"], by_nature["works"]["extra"]["scope3_tco2e"]) == (
        "15.000", "2.500", "100.000")
    assert by_nature["services"]["value"] == "26.000"
    assert by_nature["services"]["extra"]["scope2_tco2e"] == "4.750"
    assert by_nature["supplies"]["value"] == "0.000" and by_nature["supplies"]["extra"][
        "records"] == 0
    # 117,5 / 143,5 = 81,9 % of the emissions come from works.
    assert by_nature["works"]["extra"]["share"] == "81.9"
    # By scope: 16,25 ; 7,25 ; 120.
    assert [row["value"] for row in emissions["breakdowns"]["scope"]] == [
        "16.250", "7.250", "120.000"]


def test_the_first_semester_and_all_buyers(api, world):
    # First semester of 2025: the periods starting in it are A-TX T1 and T2 and the yearly
    # declarations (a yearly period starts on 1 January): 117,5 + 26 = 143,5 as well.
    found = _indicators(api, world.buyer_a, period="2025-S1")
    assert found["carbon_emissions"]["value"] == "143.500"
    # Second semester: A-TX T3 is submitted only, T4 expected: nothing validated.
    assert _indicators(api, world.buyer_a, period="2025-S2")["carbon_emissions"]["value"] == \
        "0.000"


def test_dashboard_and_drill_down_show_the_same_figures(client, login, world):
    login(world.buyer_a)
    page = text_of(client.get("/indicateurs?annee=2025"))
    assert "Contrats comportant une clause carbone" in page
    assert "Contrats attribués avec un critère de coût global" in page
    assert "Émissions déclarées par nature de contrat" in page
    drill = client.get("/indicateurs/carbon_emissions?annee=2025")
    assert drill.status_code == 200
    shown = text_of(drill)
    # The four validated declarations of 2025 periods, and nothing else.
    assert shown.count("A-TX") == 2 and shown.count("A-SV") == 1 and "A-2024" in shown
    assert "B-TX" not in shown and "A-FO" not in shown and "1 000" not in shown
    assert "Bilan Carbone®" in shown
    clause = text_of(client.get("/indicateurs/carbon_clause_share?annee=2025"))
    # The denominator's four contracts, A-TX and A-SV counted; A-PETIT is below the threshold.
    assert "Clause carbone" in clause and "A-RIEN" in clause and "A-FO" in clause
    assert "A-PETIT" not in clause and "B-TX" not in clause


def test_the_export_lists_the_validated_declarations(client, login, world):
    from tests.execution.test_exports import read_csv

    login(world.buyer_a)
    header, *rows = read_csv(client.get("/indicateurs/export/emissions-carbone.csv?annee=2025"))
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    # A-2024's 2025 period, A-SV 2025, A-TX T1 and T2 (by reference, then period).
    assert [row["Référence du contrat"] for row in rows] == ["A-2024", "A-SV", "A-TX", "A-TX"]
    first_tx = rows[2]
    assert first_tx["Nature"] == "Travaux" and first_tx["Scope 3 (tCO2e)"] == ""
    assert first_tx["Scope 2 (tCO2e)"] == "2,500" and first_tx["Méthode"] == "Bilan Carbone®"
