"""CSV and XLSX exports: contents against the indicators and the crafted dataset, filters,
permissions, and text that must never turn into a spreadsheet formula."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from execution.indicators.exports import csv_cell
from execution.indicators.service import compute_indicators
from portal import clock
from supplier.models import Status
from surveys.jobs import close_expired_campaigns, launch_ended_contracts
from tests import agec_world
from tests.execution.dashboard_world import HOURS, WOMEN_SHARE, make_world
from tests.supplier.plan_helpers import accept_plan, plan_world
from tests.surveys.conftest import LAUNCH_DAY, answer_by_position, at, invitation_id

INDICATOR_HEADERS = ["Identifiant", "Indicateur", "Année", "Périmètre", "Valeur", "Unité",
                     "Numérateur", "Dénominateur", "Objectif", "Enregistrements",
                     "Mode de calcul", "Période"]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.content))


def test_indicators_csv_matches_the_indicators(client, db, login):
    world = make_world(db)
    login(world.buyer)
    response = client.get("/indicateurs/export/indicateurs.csv?annee=2025")
    org = world.buyer.organisation
    assert f'filename="indicateurs-2025-{org.siret}.csv"' in response.headers[
        "content-disposition"]
    rows = read_csv(response)
    assert rows[0] == INDICATOR_HEADERS
    by_id = {row[0]: row for row in rows[1:]}
    # Hand-computed on the crafted dataset.
    assert by_id["insertion_hours"][1:8] == ["Heures d'insertion réalisées", "2025",
                                             "Métropole Test", "55,00", "h", "55,00", ""]
    assert by_id["insertion_women_share"][4:8] == ["63,6", "%", "35,00", "55,00"]
    assert by_id["insertion_completion_rate"][4] == "5,5"
    assert by_id["social_consideration_share"][4:8] == ["100,0", "%", "1", "1"]
    assert by_id["agec_completion_rate"][4] == "—"  # zero denominator
    assert by_id["insertion_hours"][9] == "2"  # two insertion lines
    assert by_id["insertion_hours"][10].startswith("Somme des heures")
    # Every indicator, in the order and with the ids of indicators.md.
    indicators = compute_indicators(db, year=2025, buyer_org_id=org.id)
    assert [row[0] for row in rows[1:]] == [i.id for i in indicators]
    for i in indicators:
        row = by_id[i.id]
        assert row[4] == (csv_cell(i.value, "decimal") if i.value is not None else "—")
        assert row[6:9] == [csv_cell(v, "decimal") for v in (i.numerator, i.denominator,
                                                             i.target)]
        assert row[10] == i.sentence


def test_indicators_xlsx_matches_the_indicators(client, db, login):
    world = make_world(db)
    login(world.buyer)
    workbook = read_xlsx(client.get("/indicateurs/export/indicateurs.xlsx?annee=2025"))
    assert workbook.sheetnames == ["Indicateurs"]
    rows = list(workbook["Indicateurs"].iter_rows(values_only=True))
    assert list(rows[0]) == INDICATOR_HEADERS
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["insertion_hours"][4] == float(HOURS)  # a number, not text
    assert by_id["insertion_women_share"][4] == float(WOMEN_SHARE)
    assert by_id["insertion_women_share"][6:8] == (35, 55)
    assert by_id["agec_completion_rate"][4] == "—"
    indicators = compute_indicators(db, year=2025, buyer_org_id=world.buyer.organisation_id)
    for i in indicators:
        row = by_id[i.id]
        assert row[1] == i.label and row[2] == 2025 and row[9] == i.records
        assert row[4] == (float(i.value) if i.value is not None else "—")
        assert row[10] == i.sentence


def test_breakdowns_and_the_complete_workbook(client, db, login):
    world = make_world(db)
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/ventilations.csv?annee=2025"))
    assert rows[0][:6] == ["Identifiant", "Année", "Périmètre", "Ventilation", "Code", "Libellé"]
    assert ["insertion_by_public", "2025", "Métropole Test", "Sexe", "F", "Femme", "35,00",
            "35,00", "55,00", "63,6", "2025"] in rows
    assert ["insertion_by_public", "2025", "Métropole Test", "Public éligible", "RSA",
            "Bénéficiaire du RSA", "35,00", "35,00", "55,00", "63,6", "2025"] in rows
    workbook = read_xlsx(client.get("/indicateurs/export/classeur.xlsx?annee=2025"))
    assert workbook.sheetnames == ["Indicateurs", "Ventilations", "Heures d'insertion",
                                   "Lignes AGEC", "Actions des plans de progrès",
                                   "Émissions déclarées", "Réponses aux enquêtes",
                                   "Contrats de l'année"]
    assert workbook["Heures d'insertion"].max_row == 3  # header and two validated lines
    assert workbook["Contrats de l'année"].max_row == 2  # header and the one contract


def test_insertion_lines_filtered_like_the_page(client, db, login):
    world = make_world(db)
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/heures-insertion.csv?annee=2025"))
    assert rows[0] == ["Acheteur", "Référence du contrat", "Objet du contrat", "Titulaire",
                       "Début de période", "Fin de période", "Référence du bénéficiaire",
                       "Public éligible", "Sexe", "Tranche d'âge", "Modalité d'exécution",
                       "Heures"]
    # Only the validated quarter: the submitted one (B-003) and the neighbour's (B-999) are out.
    assert rows[1:] == [
        ["Métropole Test", "MEL-2025-01", "Travaux de voirie", "Bâtiment Solidaire",
         "01/01/2025", "31/03/2025", "B-001", "Bénéficiaire du RSA", "Femme", "26 à 49 ans",
         "Embauche directe", "35,00"],
        ["Métropole Test", "MEL-2025-01", "Travaux de voirie", "Bâtiment Solidaire",
         "01/01/2025", "31/03/2025", "B-002",
         "Demandeur d'emploi de longue durée (12 mois et plus)", "Homme", "Moins de 26 ans",
         "Embauche directe", "20,00"]]
    assert len(read_csv(client.get("/indicateurs/export/heures-insertion.csv?annee=2024"))) == 1
    sheet = read_xlsx(client.get("/indicateurs/export/heures-insertion.xlsx?annee=2025")).active
    assert sheet["E2"].value.date() == date(2025, 1, 1) and sheet["L2"].value == 35
    client.cookies.clear()
    login(world.admin)
    everyone = read_csv(client.get("/indicateurs/export/heures-insertion.csv?annee=2025"))
    assert sorted(row[6] for row in everyone[1:]) == ["B-001", "B-002", "B-999"]
    other = world.other_buyer.organisation
    rows = read_csv(client.get(f"/indicateurs/export/heures-insertion.csv?annee=2025"
                               f"&acheteur={other.id}"))
    assert [row[6] for row in rows[1:]] == ["B-999"] and rows[1][0] == "Ville Voisine"


def test_agec_lines_export(client, db, login):
    world = agec_world.make_agec_world(db)
    agec_world.file(db, world, agec_world.Q1_2025,
                    agec_world.line("D2024_TEXTILES", 1000, reuse=100, donation=50,
                                    recycled=300))
    agec_world.file(db, world, agec_world.Q2_2025,
                    agec_world.line("D2024_MOBILIER", 500, reuse=500), status=Status.draft)
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/lignes-agec.csv?annee=2025"))
    assert rows[0][4:] == ["Début de période", "Fin de période", "Code de la catégorie",
                           "Catégorie de produits", "Dépense totale HT (€)",
                           "Réemploi ou réutilisation HT (€)", "Dons HT (€)",
                           "Matières recyclées HT (€)"]
    assert len(rows) == 2  # the draft is not counted
    assert rows[1][4:7] == ["01/01/2025", "31/03/2025", "D2024_TEXTILES"]
    assert rows[1][8:] == ["1000,00", "100,00", "50,00", "300,00"]
    sheet = read_xlsx(client.get("/indicateurs/export/lignes-agec.xlsx?annee=2025")).active
    assert [c.value for c in sheet[2]][8:] == [1000, 100, 50, 300]


def test_plan_actions_export(client, db, login):
    world = plan_world(db)
    accept_plan(db, world)
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/actions-plans.csv?annee=2025"))
    assert rows[0][4:] == ["Action", "Axe", "Intitulé", "Responsable", "Indicateur", "Unité",
                           "Valeur initiale", "Cible", "Échéance", "Dernier statut déclaré",
                           "Dernière valeur déclarée"]
    assert [row[4] for row in rows[1:]] == ["A1", "A2", "A3"]
    assert rows[1][5:] == ["Environnement", "Réduire les déchets de chantier mis en décharge",
                           "Conducteur de travaux", "Déchets enfouis", "t", "120,00", "60,00",
                           "31/03/2025", "Pas encore mise à jour", ""]
    assert len(read_csv(client.get("/indicateurs/export/actions-plans.csv?annee=2024"))) == 1


def test_survey_answers_export(client, db, login, api):
    world = make_world(db)  # a 2025 contract: its survey is launched on 01/01/2026
    clock.freeze(at(LAUNCH_DAY, 5))
    launch_ended_contracts(db, LAUNCH_DAY)
    db.commit()
    clock.freeze(at(date(2026, 1, 10)))
    holder = api(world.holder)
    survey = invitation_id(holder, world.contract.id, world.buyer.organisation_id)
    answers = {p: "na" for p in (3, 5, 6, 7, 8, 9)}
    answers.update({1: 4, 2: 5, 4: "no", 10: "yes", 11: 9, 12: "Un commentaire libre."})
    assert answer_by_position(holder, survey, answers).status_code == 200
    clock.freeze(at(date(2026, 2, 1)))
    close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/reponses-enquetes.csv?annee=2026"))
    assert rows[0][4:] == ["Sens de l'évaluation", "Organisation répondante",
                           "Organisation évaluée", "Déposé le", "N°", "Question", "Échelle",
                           "Valeur", "Réponse"]
    answered = [row for row in rows[1:] if row[5] == "Bâtiment Solidaire"]
    assert [row[8] for row in answered] == [str(n) for n in range(1, 12)]  # no free comment
    first = answered[0]
    assert first[4] == "Titulaire → acheteur" and first[6] == "Métropole Test"
    assert first[7] == "10/01/2026 10:00" and first[11:] == ["4", "4 — Satisfait"]
    assert "Un commentaire libre." not in str(rows)
    assert len(read_csv(client.get("/indicateurs/export/reponses-enquetes.csv?annee=2025"))) == 1


def test_export_permissions(client, db, login):
    world = make_world(db)
    login(world.holder)
    assert client.get("/indicateurs/export/heures-insertion.csv?annee=2025").status_code == 403
    client.cookies.clear()
    login(world.buyer)
    other = world.other_buyer.organisation_id
    assert client.get(f"/indicateurs/export/heures-insertion.csv?annee=2025&acheteur={other}"
                      ).status_code == 403
    assert client.get("/indicateurs/export/inconnu.csv?annee=2025").status_code == 404
    assert client.get("/indicateurs/export/classeur.csv?annee=2025").status_code == 404
    assert client.get("/indicateurs/export/indicateurs.pdf?annee=2025").status_code == 404


def test_text_never_becomes_a_formula(client, db, login):
    world = make_world(db, obj='=HYPERLINK("https://example.com";"Cliquez")')
    login(world.buyer)
    rows = read_csv(client.get("/indicateurs/export/heures-insertion.csv?annee=2025"))
    assert rows[1][2] == "'=HYPERLINK(\"https://example.com\";\"Cliquez\")"
    sheet = read_xlsx(client.get("/indicateurs/export/heures-insertion.xlsx?annee=2025")).active
    assert sheet["C2"].value == '=HYPERLINK("https://example.com";"Cliquez")'
    assert sheet["C2"].data_type == "s"
    assert Decimal(str(sheet["L2"].value)) == Decimal("35")
