"""The annual SPASER report (page, commentary, PDF, command) and the end-of-contract report."""

import html
import logging
import re
import sys
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from portal.cli import app as cli
from portal.cli import main
from portal.models import OrgKind, Role
from surveys import service as surveys
from surveys.models import Direction, LaunchReason
from tests import factories
from tests.conftest import visible_text
from tests.execution.report_world import BUYER_NAME, HOLDER_NAME, build, page_count, pdf_text
from tests.execution.test_exports import read_csv, read_xlsx

runner = CliRunner()


@pytest.fixture
def report_world(db):
    return build(db)


def annual_pdf(client, query="annee=2025"):
    response = client.get(f"/rapports/annuel.pdf?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    return response.content


def test_annual_report_carries_indicators_charts_and_contracts(client, login, report_world,
                                                               caplog):
    login(report_world.buyer)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = annual_pdf(client)
    # WeasyPrint reports missing fonts and unsupported CSS through logging, not warnings.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    text = pdf_text(content)
    assert page_count(content) >= 4
    assert "Rapport annuel SPASER 2025" in text
    assert BUYER_NAME in text
    # Indicators with their values, targets column and how they are computed.
    assert "Heures d'insertion réalisées" in text
    assert "200,00 h" in text  # 120 h + 80 h validated; the submitted 40 h do not count
    assert "Somme des heures des lignes d'insertion des déclarations validées" in text
    assert "Part de féminisation des heures d'insertion" in text and "60,0 %" in text
    # The charts (SVG text) and their tables.
    assert "Heures d'insertion par public éligible" in text
    assert "Bénéficiaire du RSA" in text and "120,00 h (60,0 %)" in text
    assert "Heures d'insertion réalisées par année" in text
    # The contracts of the year, summarised; the list itself is the annex.
    assert ("1 contrat en cours d'exécution pendant l'année, pour un montant total de "
            "250 000,00 € HT et 200,00 h d'insertion validées en 2025") in text
    assert "Travaux 1 250 000,00 € HT 200,00 h" in text  # by nature
    assert "Contrats qui le comportent Heures d'insertion 1" in text  # by commitment
    assert ("INS-2025-01 Réhabilitation du groupe scolaire Jules-Ferry " + HOLDER_NAME
            + " 200,00 h") in text  # the contracts with the most hours
    assert "« contrats-2025 » (CSV ou XLSX)" in text


def test_a_year_without_data_prints_dashes_not_zero_percent(client, login, report_world):
    login(report_world.buyer)
    text = pdf_text(annual_pdf(client, "annee=2019"))
    assert "Rapport annuel SPASER 2019" in text
    assert "—" in text and "0 contrat en cours" in text


def test_commentary_written_on_the_page_appears_in_the_report(client, login, post,
                                                              report_world):
    login(report_world.buyer)
    page = client.get("/rapports/annuel?annee=2025")
    assert page.status_code == 200
    assert "Rapport annuel SPASER 2025" in visible_text(page.text)
    assert 'href="/rapports/annuel.pdf?annee=2025' in page.text
    response = post("/rapports/annuel?annee=2025", {
        "text_social": "La clause d'insertion a permis 200 heures de travail.",
        "text_outlook": "Étendre la clause aux marchés de nettoyage en 2026.",
        **{f"version_{key}": "" for key in ("overview", "social", "environmental",
                                           "suppliers", "outlook")}})
    assert response.status_code == 303, response.text
    page = html.unescape(visible_text(client.get("/rapports/annuel?annee=2025").text))
    assert "La clause d'insertion a permis 200 heures de travail." in page
    assert "Commentaire enregistré" in page
    text = pdf_text(annual_pdf(client))
    assert "La clause d'insertion a permis 200 heures de travail." in text
    assert "Étendre la clause aux marchés de nettoyage en 2026." in text
    assert "Commentaire de l'acheteur" in text
    # Another year's report has its own commentary.
    assert "200 heures de travail" not in pdf_text(annual_pdf(client, "annee=2024"))


def _form(page_html: str, **texts: str) -> dict[str, str]:
    """The commentary form as the page gives it (its versions), with some texts typed."""
    versions = dict(re.findall(r'name="(version_\w+)" value="(\d*)"', page_html))
    return {**versions, **{f"text_{k}": v for k, v in texts.items()}}


def test_two_agents_editing_at_once_do_not_overwrite_each_other(client, db, login, post,
                                                                report_world):
    colleague = factories.make_user(db, Role.buyer, report_world.buyer.organisation)
    login(report_world.buyer)
    assert post("/rapports/annuel?annee=2025", _form(
        client.get("/rapports/annuel?annee=2025").text, social="Premier texte.")
    ).status_code == 303
    stale_page = client.get("/rapports/annuel?annee=2025").text
    login(colleague)
    assert post("/rapports/annuel?annee=2025", _form(
        client.get("/rapports/annuel?annee=2025").text, social="Texte du collègue.")
    ).status_code == 303
    login(report_world.buyer)
    response = post("/rapports/annuel?annee=2025", _form(stale_page, social="Mon texte."))
    assert response.status_code == 409
    assert "modifié entre-temps par un autre agent" in visible_text(response.text)
    assert "Mon texte." in response.text  # what was typed is kept
    assert "Texte du collègue." in pdf_text(annual_pdf(client))


def test_too_long_commentary_is_refused_with_the_field_marked(client, login, post,
                                                              report_world):
    login(report_world.buyer)
    response = post("/rapports/annuel?annee=2025",
                    _form(client.get("/rapports/annuel?annee=2025").text,
                          overview="x" * 10_001))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "10000 caractères au plus" in visible_text(response.text)


def test_the_pdf_summarises_the_contracts_and_the_annex_lists_them_all(client, db, login,
                                                                       report_world):
    buyer, holder = report_world.buyer, report_world.holder.organisation
    for n, nature in ((2, "services"), (3, "services")):
        factories.make_contract(db, buyer, holder, reference=f"SRV-2025-0{n}", nature=nature,
                                object=f"=HYPERLINK(\"http://x\";\"Nettoyage {n}\")",
                                amount_excl_vat=Decimal("40000"), notified_on=date(2025, 2, 1))
    login(buyer)
    page = client.get("/rapports/annuel?annee=2025")
    assert 'href="/rapports/annuel-contrats.csv?annee=2025' in page.text
    assert 'href="/rapports/annuel-contrats.xlsx?annee=2025' in page.text
    text = pdf_text(annual_pdf(client))
    assert "3 contrats en cours d'exécution pendant l'année" in text
    assert "Services 2 80 000,00 € HT 0,00 h" in text
    assert "Travaux 1 250 000,00 € HT 200,00 h" in text
    # Only contracts with validated hours are named in the PDF: the others are in the annex.
    assert "INS-2025-01" in text and "SRV-2025-02" not in text
    rows = read_csv(client.get("/rapports/annuel-contrats.csv?annee=2025"))
    assert rows[0][:4] == ["Acheteur", "Référence du contrat", "Objet du contrat", "Titulaire"]
    assert [r[1] for r in rows[1:]] == ["INS-2025-01", "SRV-2025-02", "SRV-2025-03"]
    assert rows[1] == [BUYER_NAME, "INS-2025-01", "Réhabilitation du groupe scolaire Jules-Ferry",
                       HOLDER_NAME, "Marché public", "Travaux", "250000,00", "10/01/2025",
                       rows[1][8], rows[1][9], "Clause sociale", "200,00"]
    # A text cell never becomes a formula (the rule of every export).
    assert rows[2][2] == "'=HYPERLINK(\"http://x\";\"Nettoyage 2\")" and rows[2][-1] == ""
    workbook = read_xlsx(client.get("/rapports/annuel-contrats.xlsx?annee=2025"))
    sheet = workbook["Contrats de l'année"]
    assert sheet.max_row == 4 and sheet["B2"].value == "INS-2025-01"
    assert sheet["L2"].value == 200 and sheet["G2"].value == 250000


def test_suppliers_may_not_read_the_annual_report(client, login, report_world):
    login(report_world.holder)
    assert client.get("/rapports/annuel?annee=2025").status_code == 403
    assert client.get("/rapports/annuel.pdf?annee=2025").status_code == 403
    assert client.get("/rapports/annuel-contrats.csv?annee=2025").status_code == 403


def test_a_buyer_reads_only_its_own_organisation(client, db, login, report_world):
    other = factories.make_user(db, Role.buyer)
    login(other)
    text = pdf_text(annual_pdf(client))
    assert BUYER_NAME not in text and "INS-2025-01" not in text
    assert len(read_csv(client.get("/rapports/annuel-contrats.csv?annee=2025"))) == 1  # header
    response = client.get(f"/rapports/annuel.pdf?annee=2025&acheteur="
                          f"{report_world.buyer.organisation_id}")
    assert response.status_code == 403


def test_the_administrator_chooses_the_organisation(client, db, login, report_world):
    login(factories.make_user(db, Role.admin))
    page = client.get("/rapports/annuel?annee=2025")
    assert "Toutes les organisations" in page.text and BUYER_NAME in page.text
    assert "Toutes les organisations acheteuses" in pdf_text(annual_pdf(client))
    text = pdf_text(annual_pdf(
        client, f"annee=2025&acheteur={report_world.buyer.organisation_id}"))
    assert BUYER_NAME in text and "INS-2025-01" in text
    assert client.get("/rapports/annuel.pdf?annee=2025&acheteur=999999").status_code == 404


# --- portal report annual -----------------------------------------------------------------------

def test_the_command_writes_the_report(report_world, tmp_path):
    target = tmp_path / "rapport.pdf"
    siret = report_world.buyer.organisation.siret
    result = runner.invoke(cli, ["report", "annual", "--year", "2025", "--buyer", siret,
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"écrit dans {target}" in result.output
    text = pdf_text(target.read_bytes())
    assert BUYER_NAME in text and "Heures d'insertion" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2025", "--buyer", "21590350100017", "-o", "{tmp}/r.pdf"],
     "aucune organisation acheteuse n'a le SIRET « 21590350100017 »"),
    (["--year", "1999", "-o", "{tmp}/r.pdf"], "l'année doit être comprise entre 2000 et 2100"),
    (["--year", "2025", "-o", "{tmp}/absent/r.pdf"], "impossible d'écrire"),
])
def test_the_command_fails_in_one_french_line(report_world, tmp_path, monkeypatch, capsys,
                                              args, message):
    monkeypatch.setattr(sys, "argv", ["portal", "report", "annual",
                                      *(a.replace("{tmp}", str(tmp_path)) for a in args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    lines = capsys.readouterr().err.strip().splitlines()
    assert exit_.value.code == 1
    assert len(lines) == 1 and lines[0].startswith("Erreur : ") and message in lines[0]


# --- End-of-contract report ---------------------------------------------------------------------

def _answered_survey(db, world):
    """Both sides answer every question of the default banks, then the survey closes."""
    campaign = surveys.launch_campaign(db, world.contract, reason=LaunchReason.manual,
                                       by=world.buyer)
    for invitation in campaign.invitations:
        user = world.buyer if invitation.direction == Direction.buyer_rates_holder \
            else world.holder
        answers = {}
        for answer in invitation.answers:
            answers[answer.id] = {"satisfaction": 4, "likelihood": 9, "yes_no": "yes",
                                  "yes_no_unknown": "no", "text": "Très bon chantier."
                                  }[answer.scale]
        surveys.save_answers(db, invitation.id, answers, user=user, submit=True)
    surveys.close_campaign(db, campaign)
    db.commit()


def test_end_of_contract_report_compares_commitments_and_achievements(client, db, login,
                                                                      report_world):
    _answered_survey(db, report_world)
    login(report_world.buyer)
    page = client.get(f"/acheteur/contrats/{report_world.contract.id}")
    link = f"/acheteur/contrats/{report_world.contract.id}/rapport.pdf"
    assert f'href="{link}"' in page.text
    response = client.get(link)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Rapport de fin d'exécution — contrat INS-2025-01" in text
    assert BUYER_NAME in text and HOLDER_NAME in text
    assert "Heures d'insertion" in text
    assert "1 000,00 h engagement du contrat" in text and "200,00 h réalisées et validées" in text
    assert "Objectif non atteint" in text and "Il manque 800,00 h" in text
    assert "Bénéficiaire du RSA" in text  # hours by eligible public
    # Both sides' survey results.
    assert "Évaluation du titulaire par l'acheteur" in text
    assert "Évaluation de l'acheteur par le titulaire" in text
    assert "75,0 / 100" in text and "+100,0" in text and "Très bon chantier." in text


def test_end_of_contract_report_without_survey_says_so(client, login, report_world):
    login(report_world.buyer)
    text = pdf_text(client.get(
        f"/acheteur/contrats/{report_world.contract.id}/rapport.pdf").content)
    assert "Aucune enquête de fin de contrat n'a été lancée" in text


def test_only_the_buyer_organisation_gets_the_contract_report(client, db, login, report_world):
    url = f"/acheteur/contrats/{report_world.contract.id}/rapport.pdf"
    login(factories.make_user(db, Role.buyer, factories.make_org(db, OrgKind.buyer)))
    assert client.get(url).status_code == 404
    login(report_world.holder)
    assert client.get(url).status_code == 403
