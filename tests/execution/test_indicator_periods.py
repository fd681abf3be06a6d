"""Indicators of a semester or a quarter, through the pages, the exports, the API and the CLI, on
a hand-computed example; and the on-time rate decided by the first submission, whatever the
buyer does afterwards (a return, a reopen).

The example (buyer « Département Test », 2025):
- NORD-S1, notified 01/02/2025, 150 000 € HT with a social clause, executed in 2025: Q1
  validated 10 h (a woman), Q2 validated 20 h (a man), Q3 validated 40 h (a woman), Q4 only
  submitted (80 h, never counted);
- NORD-S2, notified 15/09/2025, 120 000 € HT without any consideration, executed from
  01/10/2025: nothing filed;
- NORD-S2B, notified 20/11/2025, 100 000 € HT, no consideration and no insertion commitment.
By hand: hours S1 = 30, S2 = 40, year = 70, T3 = 40; women's share S1 = 10 / 30 = 33,3 %,
S2 = 100,0 %, year = 50 / 70 = 71,4 %; social consideration S1 = 1 / 1 (NORD-S1), S2 = 1 / 2
(NORD-S2 has no flag, but its insertion-hours commitment counts; NORD-S2B does not), T3 = 1 / 1,
year = 2 / 3; contracts with insertion hours active S1 = 1, S2 = 2, year = 2.
"""

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from execution.indicators import config
from execution.review import service as review
from portal import clock
from portal.facilitators import FacilitatorAssignment
from portal.models import OrgKind, Role
from supplier.models import Declaration
from tests import factories
from tests.execution.test_dashboard import text_of


def _validated(db, declaration, holder, buyer, *lines):
    factories.submit(db, declaration, holder, *lines)
    review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
    db.commit()


@pytest.fixture
def world(db):
    clock.freeze(datetime(2026, 2, 15, 9, tzinfo=UTC))
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Département Test"))
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Entreprise Solidaire", size="PME"))
    admin = factories.make_user(db, Role.admin)
    first = factories.make_contract(db, buyer, holder.organisation, reference="NORD-S1",
                                    notified_on=date(2025, 2, 1),
                                    amount_excl_vat=D("150000"), social_clause=True)
    second = factories.make_contract(db, buyer, holder.organisation, reference="NORD-S2",
                                     notified_on=date(2025, 9, 15),
                                     starts_on=date(2025, 10, 1), ends_on=date(2026, 3, 31),
                                     amount_excl_vat=D("120000"))
    factories.make_contract(db, buyer, holder.organisation, reference="NORD-S2B",
                            notified_on=date(2025, 11, 20), starts_on=date(2025, 12, 1),
                            ends_on=date(2026, 6, 30), amount_excl_vat=D("100000"),
                            insertion=None)
    q1, q2, q3, q4 = factories.declarations(db, first)
    _validated(db, q1, holder, buyer, factories.line(sex="F", hours=D("10")))
    _validated(db, q2, holder, buyer, factories.line(sex="M", hours=D("20")))
    _validated(db, q3, holder, buyer, factories.line(sex="F", hours=D("40")))
    factories.submit(db, q4, holder, factories.line(sex="F", hours=D("80")))
    for indicator_id, value in (("social_consideration_share", "40"),
                                ("insertion_hours", "500")):
        config.set_target(db, config.TargetIn(indicator_id=indicator_id, year=2025,
                                              value=value), admin=admin)
    db.commit()
    return SimpleNamespace(buyer=buyer, holder=holder, admin=admin, first=first, second=second)


def figures(api, user, query: str) -> dict[str, dict]:
    response = api(user).get("/api/v1/indicators" + query)
    assert response.status_code == 200, response.text
    return {i["id"]: i for i in response.json()["indicators"]} | {"": response.json()}


def value(indicator: dict) -> D | None:
    return D(indicator["value"]) if indicator["value"] is not None else None


@pytest.mark.parametrize(("period", "hours", "women", "social", "active"), [
    ("2025-S1", "30", "33.3", ("1", "1", "100.0"), 1),
    ("2025-S2", "40", "100.0", ("1", "2", "50.0"), 2),
    ("2025", "70", "71.4", ("2", "3", "66.7"), 2),
    ("2025-T3", "40", "100.0", ("1", "1", "100.0"), 1),  # NORD-S2 notified in September
])
def test_the_figures_of_a_semester_a_quarter_and_the_year(api, world, period, hours, women,
                                                          social, active):
    found = figures(api, world.buyer, f"?period={period}")
    assert found[""]["period"] == period and found[""]["year"] == 2025
    assert value(found["insertion_hours"]) == D(hours)
    assert value(found["insertion_women_share"]) == D(women)
    share = found["social_consideration_share"]
    assert (share["numerator"], share["denominator"]) == (social[0], social[1])
    assert value(share) == (D(social[2]) if social[2] else None)
    assert value(found["insertion_contracts"]) == active
    # A yearly target stays beside a share; beside a semester's total it would mislead.
    assert value({"value": share["target"]}) == D(40)
    assert (found["insertion_hours"]["target"] is not None) == (period == "2025")


def test_the_api_reads_a_year_as_before_and_refuses_a_bad_period(api, world):
    assert figures(api, world.buyer, "?year=2025")["insertion_hours"]["value"] == "70.00"
    assert figures(api, world.buyer, "?year=2025&period=2025-S2")[""]["period"] == "2025-S2"
    for query, field, message in (
            ("?period=2025-S3", "period",
             "Une année a deux semestres (S1, S2) et quatre trimestres (T1 à T4)."),
            ("?period=S1-2025", "period",
             "« S1-2025 » n'est pas une période : écrivez une année (2025), un "
             "semestre (2025-S1) ou un trimestre (2025-T3)."),
            ("?year=2024&period=2025-S1", "year",
             "L'année 2024 n'est pas celle de la période 2025-S1.")):
        response = api(world.buyer).get("/api/v1/indicators" + query)
        assert response.status_code == 422, query
        assert response.json() == {"detail": message, "errors": {field: message}}


def test_the_dashboard_its_drill_down_and_exports_follow_the_period(client, login, world):
    login(world.buyer)
    page = client.get("/indicateurs?annee=2025&periode=2025-S2")
    assert page.status_code == 200
    text = text_of(page)
    assert "2e semestre 2025 — Département Test" in text
    assert "Indicateurs du 2e semestre 2025" in text
    assert "Parts et taux du 2e semestre 2025" in text and "de l'année" not in text
    assert '<option value="2025-S2" selected>2e semestre</option>' in page.text
    # The links keep the period: drill-downs, exports, completeness.
    assert "/indicateurs/completude?annee=2025&amp;periode=2025-S2" in page.text
    # The year select wins over a part kept from another year: 2024's second semester.
    assert "2e semestre 2024" in text_of(client.get("/indicateurs?annee=2024&periode=2025-S2"))
    assert client.get("/indicateurs?annee=2025&periode=2025-S9").status_code == 404

    drill = text_of(client.get("/indicateurs/insertion_hours?annee=2025&periode=2025-S2"))
    assert "Contrats et déclarations comptés (1)" in drill  # Q3 only, Q4 is not validated
    assert "dont la période commence au 2e semestre 2025" in drill

    export = client.get("/indicateurs/export/indicateurs.csv?annee=2025&periode=2025-S1")
    siret = world.buyer.organisation.siret
    assert f'filename="indicateurs-2025-S1-{siret}.csv"' in export.headers[
        "content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["insertion_hours"][4] == "30,00" and by_id["insertion_hours"][-1] == "2025-S1"
    assert by_id["insertion_women_share"][4] == "33,3"
    lines = client.get("/indicateurs/export/heures-insertion.csv?annee=2025&periode=2025-T3")
    assert len(list(csv.reader(io.StringIO(lines.content.decode("utf-8-sig")),
                               delimiter=";"))) == 2  # the header and Q3's line


def test_the_command_takes_a_semester_and_refuses_a_bad_combination(portal_command, world):
    siret = world.buyer.organisation.siret
    code, out, _ = portal_command("indicators", "--year", "2025", "--semester", "1",
                                  "--buyer", siret, "--json")
    assert code == 0
    printed = json.loads(out)
    assert printed["period"] == "2025-S1" and printed["period_label"] == "1er semestre 2025"
    assert {i["id"]: i["value"] for i in printed["indicators"]}["insertion_hours"] == "30.00"
    code, out, _ = portal_command("indicators", "--year", "2025", "--quarter", "3",
                                  "--buyer", siret)
    assert code == 0 and out.startswith("Indicateurs SPASER 3e trimestre 2025 — ")
    for args, message in ((("--semester", "1", "--quarter", "2"),
                           "Erreur : choisissez un semestre ou un trimestre, pas les deux.\n"),
                          (("--semester", "3"), "Erreur : une année a deux semestres (S1, S2) "
                           "et quatre trimestres (T1 à T4).\n")):
        code, out, err = portal_command("indicators", "--year", "2025", *args)
        assert (code, out, err) == (1, "", message)


# --- On time: the first submission decides ----------------------------------------------------

def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def test_a_return_or_a_reopen_does_not_turn_an_on_time_filing_late(client, api, db, login,
                                                                   world):
    contract = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       reference="NORD-TEMPS")
    first, second = factories.declarations(db, contract)[:2]
    due = first.due_on
    # Filed five days early, returned, filed again ten days late and validated.
    clock.freeze(_at(due - timedelta(days=5)))
    factories.submit(db, first, world.holder)
    filed_at = db.get(Declaration, first.id).first_submitted_at
    clock.freeze(_at(due - timedelta(days=3)))
    review.return_to_holder(db, first.id, reviewer=world.buyer, version=first.version,
                            comment="Une ligne manque.")
    db.commit()
    clock.freeze(_at(due + timedelta(days=10)))
    factories.submit(db, first, world.holder)
    review.validate(db, first.id, reviewer=world.buyer, version=first.version)
    db.commit()
    # The second quarter: filed on its due day (in Paris), validated, then reopened and filed
    # again a month late.
    clock.freeze(_at(second.due_on, 15))
    factories.submit(db, second, world.holder)
    review.validate(db, second.id, reviewer=world.buyer, version=second.version)
    db.commit()
    clock.freeze(_at(second.due_on + timedelta(days=20)))
    review.reopen(db, second.id, reviewer=world.buyer, version=second.version,
                  comment="Heures à corriger.")
    db.commit()
    clock.freeze(_at(second.due_on + timedelta(days=30)))
    factories.submit(db, second, world.holder)
    db.commit()

    db.expire_all()
    assert db.get(Declaration, first.id).first_submitted_at == filed_at
    assert db.get(Declaration, first.id).submitted_at > filed_at
    # Read on 15/02/2026. Due in 2025: NORD-TEMPS Q1 and Q2 (on time), Q3 (never filed);
    # NORD-S1 Q1 to Q3 (first filed on 15/02/2026: late); the Q4s fall due in 2026 → 2 / 6.
    clock.freeze(datetime(2026, 2, 15, 9, tzinfo=UTC))
    on_time = figures(api, world.buyer, "?year=2025")["on_time_declarations"]
    assert (on_time["numerator"], on_time["denominator"]) == ("2", "6")
    # Due in the first semester: the Q1s (NORD-TEMPS on time, NORD-S1 late) → 1 / 2.
    assert first.due_on < date(2025, 7, 1) <= second.due_on
    on_time = figures(api, world.buyer, "?period=2025-S1")["on_time_declarations"]
    assert (on_time["numerator"], on_time["denominator"]) == ("1", "2")
    # The drill-down agrees, row by row: NORD-TEMPS Q1 and Q2 « Oui », with their first and
    # last submissions, Q3 « Non ».
    login(world.buyer)
    drill = client.get("/indicateurs/on_time_declarations?annee=2025&q=nord-temps")
    text = text_of(drill)
    assert "Contrats et déclarations comptés (3 pour « nord-temps »)" in text
    assert drill.text.count("<td>Oui</td>") == 2 and drill.text.count("<td>Non</td>") == 1
    assert f"{due - timedelta(days=5):%d/%m/%Y}" in text
    assert f"{due + timedelta(days=10):%d/%m/%Y}" in text
    everyone = client.get("/indicateurs/on_time_declarations?annee=2025")
    assert everyone.text.count("<td>Oui</td>") == 2 and everyone.text.count("<td>Non</td>") == 4


# --- Completeness -------------------------------------------------------------------------------

def test_the_completeness_of_a_semester(client, db, login, world):
    login(world.buyer)
    # First semester: NORD-S1's Q1 and Q2 are validated; NORD-S2 starts in October.
    first = text_of(client.get("/indicateurs/completude?annee=2025&periode=2025-S1"))
    assert "1er semestre 2025 — Département Test" in first
    assert ("Engagements attendus 1 Avec toutes leurs déclarations validées 1 Avec au moins une "
            "déclaration manquante 0 Déclarations de la période 2 dont 2 validées") in first
    assert "Tous les engagements de la période ont leurs déclarations validées." in first
    # Second semester: NORD-S1's Q4 is submitted, not validated; NORD-S2's Q4 is not filed.
    page = client.get("/indicateurs/completude?annee=2025&periode=2025-S2")
    second = text_of(page)
    assert ("Engagements attendus 2 Avec toutes leurs déclarations validées 0 Avec au moins une "
            "déclaration manquante 2 Déclarations de la période 3 dont 1 validées") in second
    assert ("Heures d'insertion Heures d'insertion réalisées, Équivalents temps plein" in second
            and "2 0 2 2 Incomplet" in second)
    assert "Engagements sans toutes leurs déclarations validées (2)" in second
    assert "NORD-S1 Entreprise Solidaire Heures d'insertion 2 1 1 1" in second
    assert "NORD-S2 Entreprise Solidaire Heures d'insertion 1 0 0 1" in second
    assert f'href="/acheteur/contrats/{world.first.id}"' in page.text
    # Searched by contract reference, or by the filing organisation's name.
    searched = text_of(client.get("/indicateurs/completude?annee=2025&periode=2025-S2&q=s2"))
    assert "(1 pour « s2 »)" in searched and "NORD-S1 " not in searched
    assert "(2 pour « solidaire »)" in text_of(client.get(
        "/indicateurs/completude?annee=2025&periode=2025-S2&q=solidaire"))
    # The dashboard links to it, for the period shown.
    assert "/indicateurs/completude?annee=2025&amp;periode=2025-S2" in client.get(
        "/indicateurs?annee=2025&periode=2025-S2").text


def test_the_completeness_page_is_the_buyer_sides_own(client, db, login, world):
    url = "/indicateurs/completude?annee=2025&periode=2025-S2"
    other = factories.make_user(db, Role.buyer, factories.make_org(db, OrgKind.buyer))
    facilitator = factories.make_user(db, Role.facilitator,
                                      factories.make_org(db, OrgKind.facilitator))
    for user, status in ((world.holder, 403), (facilitator, 403)):
        client.cookies.clear()
        login(user)
        assert client.get(url).status_code == status
    client.cookies.clear()
    login(other)
    assert "NORD-S" not in client.get(url).text  # its own organisation: nothing of ours
    refused = client.get(f"{url}&acheteur={world.buyer.organisation_id}")
    assert refused.status_code == 403
    assert "Vous ne pouvez consulter que les indicateurs de votre organisation." in refused.text
    client.cookies.clear()
    login(world.admin)
    chosen = text_of(client.get(f"{url}&acheteur={world.buyer.organisation_id}"))
    assert "NORD-S1" in chosen and "Département Test" in chosen
    assert "NORD-S2" in text_of(client.get(url))  # every buyer organisation


def test_the_facilitator_reads_the_insertion_indicators_of_a_semester(client, db, login, world):
    facilitator = factories.make_user(db, Role.facilitator,
                                      factories.make_org(db, OrgKind.facilitator))
    db.add(FacilitatorAssignment(facilitator_org_id=facilitator.organisation_id,
                                 buyer_org_id=world.buyer.organisation_id,
                                 contract_id=world.first.id))
    db.commit()
    login(facilitator)
    page = client.get("/facilitateur/indicateurs?annee=2025&periode=2025-S2")
    text = text_of(page)
    assert "Indicateurs d'insertion 2e semestre 2025" in text
    assert "Heures d'insertion réalisées 40,00 h" in text
    assert '<option value="2025-S2" selected>2e semestre</option>' in page.text
    assert "Heures d'insertion réalisées 70,00 h" in text_of(
        client.get("/facilitateur/indicateurs?annee=2025"))
    assert client.get("/facilitateur/indicateurs?annee=2025&periode=2025-T5").status_code == 404
