"""Scores, NPS and response rates on hand-computed examples; the indicators' figures."""

from datetime import date
from decimal import Decimal

from portal import clock
from portal.models import Role
from surveys.jobs import close_expired_campaigns, launch_ended_contracts
from surveys.results import satisfaction
from tests import factories
from tests.surveys.conftest import (
    BUYER_ANSWERS,
    LAUNCH_DAY,
    answer_by_position,
    at,
    invitation_id,
    page_text,
)


def test_contract_results_side_by_side(client, db, login, api, launched):
    buyer, holder = api(launched.buyer), api(launched.holder)
    contract_id = launched.contract.id
    holder_org, co_org = launched.holder.organisation_id, launched.co_holder.organisation_id
    # Buyer → holder: 1–5 answers 5 4 4 3 (na) 5 4 2; 0–10: 9 (a promoter).
    answer_by_position(buyer, invitation_id(buyer, contract_id, holder_org),
                       {1: 5, 2: 4, 3: 4, 4: 3, 5: "na", 6: 5, 7: 4, 8: 2, 9: 9})
    # Buyer → co-holder: seven 3s and one « Non concerné »; 0–10: 7 (passive).
    answer_by_position(buyer, invitation_id(buyer, contract_id, co_org),
                       {**{p: 3 for p in range(1, 8)}, 8: "na", 9: 7, 10: "Correct."})
    # Holder → buyer: 1–5 answers 4 4 5 3 2 (na) 5 4; 0–10: 10; no / yes. The co-holder never
    # answers.
    answer_by_position(holder, invitation_id(holder, contract_id, launched.buyer.organisation_id),
                       {1: 4, 2: 4, 3: 5, 4: "no", 5: 3, 6: 2, 7: "na", 8: 5, 9: 4, 10: "yes",
                        11: 10})

    login(launched.buyer)
    page = page_text(client.get(f"/enquetes/resultats/contrats/{contract_id}"))
    # Buyer → suppliers: 27 + 21 = 48 over 14 scored answers; (48/14 − 1) / 4 × 100
    # = (48 − 14) × 25 / 14 = 60.71 → 60,7. NPS: 1 promoter, 0 detractor out of 2 = +50.
    # Response rate 2 / 2.
    assert "60,7 / 100 Score de satisfaction, sur 14 réponses de 1 à 5" in page
    assert "+50,0 NPS, sur 2 réponses de 0 à 10" in page
    assert "100,0 % Taux de réponse : 2 évaluations déposées sur 2" in page
    # Per question: question 1 = 5 and 3 → mean 4,0, score 75,0; question 8 = 2 and n/a.
    assert "1. Qualité globale des prestations ou fournitures 2 moyenne 4,0 / 5, score 75,0" in page
    assert ("8. Force de proposition et innovation 2 moyenne 2,0 / 5, score 25,0 / 100 ; "
            "1 « Non concerné »") in page
    assert "Correct." in page
    # Holder → buyer: 4+4+5+3+2+5+4 = 27 over 7; (27 − 7) × 25 / 7 = 71.43 → 71,4; NPS +100;
    # response rate 1 / 2 = 50 %.
    assert "71,4 / 100 Score de satisfaction, sur 7 réponses de 1 à 5" in page
    assert "+100,0 NPS, sur 1 réponse de 0 à 10" in page
    assert "50,0 % Taux de réponse : 1 évaluation déposée sur 2" in page
    assert "Oui : 0 · Non : 1 · Je ne sais pas : 0" in page

    # The supplier-wide view of the buyer: only the holder's pair.
    page = page_text(client.get(f"/enquetes/resultats/fournisseurs/{holder_org}"))
    # (5+4+4+3+5+4+2 = 27 over 7) → (27 − 7) × 25 / 7 = 71,4 as well, NPS +100 (one 9).
    assert "Tous les contrats de Ville de Saint-Aubin avec cette entreprise : 1 enquête" in page
    assert page.count("71,4 / 100") == 2

    # The co-holder reads its own pair only: the buyer's evaluation of it once closed.
    client.cookies.clear()
    login(launched.co_holder)
    page = page_text(client.get(f"/enquetes/resultats/contrats/{contract_id}"))
    assert "1 évaluation déposée n'est pas encore comptée ici" in page
    assert "0 % Taux de réponse : 0 évaluation déposée sur 1" in page


def test_satisfaction_indicators_read_the_surveys_closed_in_the_year(client, db, login, api):
    buyer_user = factories.make_user(db, Role.buyer)
    other_buyer = factories.make_user(db, Role.buyer)
    holders = [factories.make_user(db, Role.supplier) for _ in range(4)]
    for n, holder in enumerate(holders):
        factories.make_contract(db, buyer_user, holder.organisation, insertion=None,
                                reference=f"IND-{n}")
    factories.make_contract(db, other_buyer, holders[0].organisation, insertion=None,
                            reference="AUTRE")
    clock.freeze(at(LAUNCH_DAY))
    launch_ended_contracts(db, LAUNCH_DAY)
    db.commit()
    clock.freeze(at(date(2026, 1, 20)))
    # Holders → buyer, 0–10: 10, 9, 5 (two promoters, one detractor); the fourth never answers.
    # 1–5 answers: 5 and 4, then 3 and 3, then 1 and « Non concerné ».
    for holder, likely, sats in zip(holders, (10, 9, 5), ((5, 4), (3, 3), (1, "na")),
                                    strict=False):
        client_ = api(holder)
        survey = next(s["id"] for s in client_.get("/api/v1/surveys").json()["items"]
                      if s["contract_reference"].startswith("IND-"))
        answers = {p: "na" for p in (3, 5, 6, 7, 8, 9)}
        answers.update({1: sats[0], 2: sats[1], 4: "unknown", 10: "no", 11: likely})
        assert answer_by_position(client_, survey, answers).status_code == 200

    open_year = satisfaction(db, direction="holder_rates_buyer", year=2026,
                             buyer_org_id=buyer_user.organisation_id)
    assert open_year.invitations == 0 and open_year.score is None  # nothing closed yet

    clock.freeze(at(date(2026, 2, 1)))
    close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    figures = satisfaction(db, direction="holder_rates_buyer", year=2026,
                           buyer_org_id=buyer_user.organisation_id)
    # Scored: 5 4 3 3 1 → sum 16 over 5; (16 − 5) × 25 / 5 = 55,0.
    assert figures.score == Decimal("55.0") and figures.scored == 5
    # NPS: (2 promoters − 1 detractor) / 3 = 33,3; response rate 3 / 4 = 75 %.
    assert figures.nps == Decimal("33.3") and figures.likelihood == 3
    assert figures.response_rate == Decimal("75.0")
    assert (figures.invitations, figures.submitted) == (4, 3)
    # Buyer → holders: nobody answered: rates at 0 %, no score, no NPS (— on the pages).
    rated = satisfaction(db, direction="buyer_rates_holder", year=2026,
                         buyer_org_id=buyer_user.organisation_id)
    assert rated.response_rate == Decimal("0.0") and rated.score is None and rated.nps is None
    # Another year, or another organisation: zero denominators, None figures.
    assert satisfaction(db, direction="holder_rates_buyer", year=2025,
                        buyer_org_id=None).response_rate is None
    other = satisfaction(db, direction="holder_rates_buyer", year=2026,
                         buyer_org_id=other_buyer.organisation_id)
    assert (other.invitations, other.submitted, other.score) == (1, 0, None)
    everyone = satisfaction(db, direction="holder_rates_buyer", year=2026, buyer_org_id=None)
    assert (everyone.invitations, everyone.submitted) == (5, 3)

    login(buyer_user)
    page = page_text(client.get("/enquetes/resultats?annee=2026"))
    assert "55,0 / 100" in page and "+33,3" in page and "75,0 %" in page
    assert "Satisfaction des fournisseurs (évaluation de l'acheteur)" in page
    page = page_text(client.get("/enquetes/resultats?annee=2025"))
    assert "— Score de satisfaction, sur 0 réponse" in page
    client.cookies.clear()
    login(holders[0])
    assert client.get("/enquetes/resultats?annee=2026").status_code == 403


def test_csv_export_of_a_campaign(client, db, login, api, launched):
    buyer = api(launched.buyer)
    survey = invitation_id(buyer, launched.contract.id, launched.holder.organisation_id)
    answer_by_position(buyer, survey, BUYER_ANSWERS)
    campaign_id = buyer.get(f"/api/v1/surveys/{survey}").json()["campaign_id"]
    login(launched.buyer)
    response = client.get(f"/enquetes/campagnes/{campaign_id}/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="enquete-ESP-VERTS-25.csv"' in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Contrat;Sens de l'évaluation;Organisation répondante;"
                        "Organisation évaluée;Déposée le;N°;Question;Échelle;Valeur;Réponse")
    assert len(lines) == 1 + 10  # one submitted invitation of ten questions
    assert lines[1] == ("ESP-VERTS-25;Acheteur → titulaire;Ville de Saint-Aubin;"
                        "Paysages Durables;10/01/2026 à 10:00;1;"
                        "Qualité globale des prestations ou fournitures;"
                        "Satisfaction de 1 à 5 (ou « Non concerné »);4;4 — Satisfait")
    assert lines[5].endswith(";5;Mise en œuvre de la clause d'insertion, si le contrat en "
                             "comporte une;Satisfaction de 1 à 5 (ou « Non concerné »);;"
                             "Non concerné")
    assert lines[9].endswith(";Probabilité de 0 à 10;8;8 / 10")
    assert lines[10].endswith(";Commentaire libre;Texte libre (2 000 caractères au plus);;"
                              "Bon travail.")
    client.cookies.clear()
    login(launched.holder)
    assert client.get(f"/enquetes/campagnes/{campaign_id}/export.csv").status_code == 404


def test_the_csv_export_never_turns_an_answer_into_a_formula(client, db, login, api, launched):
    buyer = api(launched.buyer)
    survey = invitation_id(buyer, launched.contract.id, launched.holder.organisation_id)
    answer_by_position(buyer, survey, {**BUYER_ANSWERS, 10: '=HYPERLINK("http://x.example")'})
    campaign_id = buyer.get(f"/api/v1/surveys/{survey}").json()["campaign_id"]
    login(launched.buyer)
    lines = client.get(f"/enquetes/campagnes/{campaign_id}/export.csv").content.decode(
        "utf-8-sig").splitlines()
    assert lines[10].endswith(';;"\'=HYPERLINK(""http://x.example"")"')


def test_the_indicator_tables_read_an_average_and_a_number_of_answers(client, db, login, api,
                                                                       launched):
    """Satisfaction is an average: the dashboard, the indicator's page and the annual PDF show
    the score and how many answers it rests on, never the sum of points behind it (500 for 7
    answers); the exports keep that sum for whoever recomputes."""
    from surveys.jobs import close_expired_campaigns as close
    from tests.execution.report_world import pdf_text
    from tests.execution.test_exports import read_csv

    holder = api(launched.holder)
    # 4 4 5 3 2 (na) 5 4: 27 over 7 scored answers; (27 − 7) × 25 = 500 points → 71,4 / 100.
    answer_by_position(holder, invitation_id(holder, launched.contract.id,
                                             launched.buyer.organisation_id),
                       {1: 4, 2: 4, 3: 5, 4: "no", 5: 3, 6: 2, 7: "na", 8: 5, 9: 4, 10: "yes",
                        11: 10})
    clock.freeze(at(date(2026, 2, 1)))
    close(db, date(2026, 2, 1))
    db.commit()
    login(launched.buyer)

    page = page_text(client.get("/indicateurs?annee=2026"))
    row = page[page.index("Satisfaction des fournisseurs (évaluation de l'acheteur)"):]
    row = row[:row.index("Satisfaction des acheteurs")]
    assert row.endswith("71,4 / 100 — 71,4 / 100 en moyenne 7 réponses 1 ")  # …, records
    assert "500" not in row
    detail = page_text(client.get("/indicateurs/supplier_satisfaction?annee=2026"))
    assert "Numérateur 71,4 / 100 en moyenne Dénominateur 7 réponses" in detail
    # Nobody rated the holders: no score, and the count agrees with zero.
    assert "Satisfaction des acheteurs (évaluation des titulaires)" in page
    assert "— — — 0 réponse" in page

    pdf = pdf_text(client.get("/rapports/annuel.pdf?annee=2026").content)
    assert "71,4 / 100 — 71,4 / 100 en moyenne 7 réponses" in pdf
    assert "0 réponse" in pdf

    rows = read_csv(client.get("/indicateurs/export/indicateurs.csv?annee=2026"))
    header, *lines = rows
    exported = dict(zip(header, next(r for r in lines if r[0] == "supplier_satisfaction"),
                        strict=True))
    assert (exported["Valeur"], exported["Numérateur"], exported["Dénominateur"]) == (
        "71,4", "500", "7")
