"""`GET /api/v1/indicators` and `portal indicators`: who sees which scope, what they answer."""

import json
from datetime import date

import pytest

from portal.models import OrgKind, Role
from tests import factories
from tests.execution import indicator_world as w

IDS = ["insertion_hours", "insertion_fte", "insertion_completion_rate", "insertion_women_share",
       "insertion_by_public", "insertion_contracts", "insertion_people",
       "insertion_positive_exits", "social_consideration_share",
       "environmental_consideration_share", "reserved_contracts", "agec_shares",
       "agec_completion_rate", "supplier_satisfaction", "buyer_satisfaction",
       "on_time_declarations", "review_delay_days", "progress_plans", "sme_holders_share",
       "regional_holders_share", "csr_reports_received", "concession_reports_received",
       "carbon_clause_share", "global_cost_criterion_share", "carbon_emissions"]


def hours_2021(db, buyer, total: str) -> None:
    c = w.contract(db, buyer, w.org(db), starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31))
    d = w.declaration(db, w.insertion(db, c, total), date(2021, 1, 1), date(2021, 12, 31),
                      date(2022, 1, 31))
    w.hours(db, d, "RSA", "F", "26_49", total)


@pytest.fixture
def two_buyers(db):
    """Métropole: 340 723 h in 2021 (212,0 ETP); Ville: 1 607 h (1,0 ETP)."""
    metropole = w.org(db, OrgKind.buyer, postcode="59000", name="Métropole de test")
    ville = w.org(db, OrgKind.buyer, postcode="75001", name="Ville de test")
    hours_2021(db, metropole, "340723")
    hours_2021(db, ville, "1607")
    db.commit()
    return metropole, ville


def by_id(body: dict) -> dict:
    return {i["id"]: i for i in body["indicators"]}


def test_a_buyer_reads_its_own_organisation(db, api, two_buyers):
    metropole, ville = two_buyers
    agent = factories.make_user(db, Role.buyer, metropole)
    response = api(agent).get("/api/v1/indicators?year=2021")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["year"] == 2021 and body["buyer"]["siret"] == metropole.siret
    assert [i["id"] for i in body["indicators"]] == IDS
    fte = by_id(body)["insertion_fte"]
    # 340 723 / 1 607 = 212,02 → 212,0.
    assert (fte["value"], fte["numerator"], fte["denominator"]) == ("212.0", "340723.00",
                                                                   "1607.00")
    assert "1 607 heures" in fte["sentence"].replace("\u202f", " ")
    assert fte["records"] == 1 and fte["target"] is None
    # A zero denominator is null, never 0.
    assert by_id(body)["csr_reports_received"]["value"] is None
    public = by_id(body)["insertion_by_public"]["breakdowns"]["public"]
    assert public == [{"label": "Bénéficiaire du RSA", "value": "340723.00",
                       "numerator": "340723.00", "denominator": "340723.00",
                       "extra": {"code": "RSA", "share": "100.0", "records": 1}}]
    same = api(agent).get(f"/api/v1/indicators?year=2021&buyer_siret={metropole.siret}")
    assert same.status_code == 200 and same.json() == body


def test_a_buyer_cannot_read_another_organisation(db, api, two_buyers):
    metropole, ville = two_buyers
    agent = factories.make_user(db, Role.buyer, metropole)
    response = api(agent).get(f"/api/v1/indicators?year=2021&buyer_siret={ville.siret}")
    assert response.status_code == 403
    assert response.json()["detail"] == ("Vous ne pouvez consulter que les indicateurs de "
                                         "votre organisation.")


def test_the_administrator_reads_all_buyers_or_one(db, api, two_buyers):
    metropole, ville = two_buyers
    admin = factories.make_user(db, Role.admin)
    everyone = api(admin).get("/api/v1/indicators?year=2021")
    assert everyone.status_code == 200 and everyone.json()["buyer"] is None
    # 340 723 + 1 607 = 342 330 h → 213,0 ETP.
    assert by_id(everyone.json())["insertion_hours"]["value"] == "342330.00"
    assert by_id(everyone.json())["insertion_fte"]["value"] == "213.0"
    one = api(admin).get(f"/api/v1/indicators?year=2021&buyer_siret={ville.siret}")
    assert one.json()["buyer"]["name"] == "Ville de test"
    assert by_id(one.json())["insertion_fte"]["value"] == "1.0"
    unknown = api(admin).get("/api/v1/indicators?year=2021&buyer_siret=12345678900000")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Aucun acheteur n'a le SIRET « 12345678900000 »."


def test_suppliers_anonymous_callers_and_bad_years_are_refused(db, api, client, two_buyers):
    supplier = factories.make_user(db, Role.supplier)
    refused = api(supplier).get("/api/v1/indicators?year=2021")
    assert refused.status_code == 403
    assert refused.json()["detail"] == ("Les indicateurs sont réservés aux acheteurs et aux "
                                        "administrateurs.")
    assert client.get("/api/v1/indicators?year=2021").status_code == 401
    admin = api(factories.make_user(db, Role.admin))
    for query in ("?year=1999", "?year=deux-mille", "?year=2021&buyer_siret=" + "1" * 30):
        response = admin.get("/api/v1/indicators" + query)
        assert response.status_code == 422, query
        assert response.json()["detail"] == "Données invalides."
    # Neither a period nor a year: which parameter is missing, in French.
    missing = admin.get("/api/v1/indicators")
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": "Indiquez la période (period=2025-S1) ou l'année (year=2025).",
        "errors": {"period": "Indiquez une période ou une année."}}


def test_the_indicators_endpoint_is_documented(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/indicators"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])


# --- `portal indicators` -----------------------------------------------------------------------

def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_command_prints_a_french_table(db, portal_command, two_buyers):
    metropole, _ = two_buyers
    code, out, err = portal_command("indicators", "--year", "2021", "--buyer", metropole.siret)
    assert (code, err) == (0, "")
    out = plain(out)
    assert f"Indicateurs SPASER 2021 — Métropole de test (SIRET {metropole.siret})" in out
    fte_row = next(line for line in out.splitlines() if "Équivalents temps plein" in line)
    assert "212,0 ETP" in fte_row and "340 723" in fte_row and "1 607" in fte_row
    csr_row = next(line for line in out.splitlines() if "Rapports RSE reçus" in line)
    assert "—" in csr_row
    assert "divisées par 1 607 heures par équivalent temps plein" in out
    code, out, _ = portal_command("indicators", "--year", "2021")
    assert code == 0 and "tous les acheteurs" in out and "213,0 ETP" in plain(out)


def test_the_command_prints_json(db, portal_command, two_buyers):
    metropole, _ = two_buyers
    code, out, _ = portal_command("indicators", "--year", "2021", "--buyer", metropole.siret,
                                  "--json")
    assert code == 0
    body = json.loads(out)
    assert [i["id"] for i in body["indicators"]] == IDS
    assert by_id(body)["insertion_fte"]["value"] == "212.0"


@pytest.mark.parametrize(("args", "message"), [
    (("--buyer", "12345678900000"), "Erreur : Aucun acheteur n'a le SIRET « 12345678900000 »."),
    (("--year", "1999"), "Erreur : l'année doit être comprise entre 2000 et 2100."),
])
def test_the_command_fails_in_one_french_line(db, portal_command, two_buyers, args, message):
    options = {"--year": "2021", **dict(zip(args[::2], args[1::2], strict=True))}
    code, out, err = portal_command("indicators", *(x for kv in options.items() for x in kv))
    assert code == 1 and out == ""
    assert err.strip() == message and len(err.strip().splitlines()) == 1
