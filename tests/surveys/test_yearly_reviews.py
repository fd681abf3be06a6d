"""Yearly reciprocal reviews on the anniversary of multi-year contracts (MEL scheme)."""

from datetime import date

import pytest
from sqlalchemy import select

from portal import clock
from portal.models import OrgKind, Role
from portal.scheduler import JOBS_BY_NAME
from surveys import results
from surveys.jobs import close_expired_campaigns
from surveys.models import Campaign, Invitation
from tests import factories
from tests.surveys.conftest import at, page_text


def _run(db, name: str, day: date) -> str:
    """A scheduled job as the scheduler runs it, on the morning of ``day``."""
    clock.freeze(at(day, 5))
    summary = JOBS_BY_NAME[name].run(db)
    db.commit()
    return summary


def _reviews(db, contract) -> list[tuple[int, str]]:
    db.expire_all()
    return [(c.anniversary, c.reason) for c in db.scalars(
        select(Campaign).where(Campaign.contract_id == contract.id, Campaign.anniversary > 0)
        .order_by(Campaign.anniversary)).unique()]


@pytest.fixture
def contracts(db):
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Métropole de Lannoy"))
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Voirie du Nord"))
    three_years = factories.make_contract(
        db, buyer, holder.organisation, insertion=None, reference="VOIRIE-3A",
        starts_on=date(2026, 3, 15), ends_on=date(2029, 3, 14))
    one_year = factories.make_contract(
        db, buyer, holder.organisation, insertion=None, reference="VOIRIE-1A",
        starts_on=date(2026, 3, 15), ends_on=date(2027, 3, 14))
    return buyer, holder, three_years, one_year


def test_a_three_year_contract_gets_its_review_on_its_first_anniversary_once(
        client, db, login, post, contracts):
    buyer, holder, three_years, one_year = contracts
    assert _run(db, "launch_yearly_reviews", date(2027, 3, 14)) == "0 revue annuelle lancée"
    assert _reviews(db, three_years) == []

    assert _run(db, "launch_yearly_reviews", date(2027, 3, 15)) == "1 revue annuelle lancée"
    assert _run(db, "launch_yearly_reviews", date(2027, 3, 15)) == "0 revue annuelle lancée"
    assert _run(db, "launch_yearly_reviews", date(2027, 3, 16)) == "0 revue annuelle lancée"
    assert _reviews(db, three_years) == [(1, "anniversary")]
    assert _reviews(db, one_year) == []  # twelve months: its end-of-contract survey only
    review = db.scalar(select(Campaign).where(Campaign.contract_id == three_years.id))
    assert review.due_on == date(2027, 4, 14) and len(review.invitations) == 2
    assert {i.direction for i in review.invitations} == {"buyer_rates_holder",
                                                          "holder_rates_buyer"}

    # Invited the way the end-of-contract surveys are, and named after its year.
    # (the one-year contract ended the day before: its end-of-contract survey comes too)
    assert _run(db, "launch_surveys", date(2027, 3, 15)).startswith("1 campagne lancée, 4 ")
    login(holder)
    notices = page_text(client.get("/notifications"))
    assert ("Revue annuelle 2027 du contrat VOIRIE-3A : donnez votre avis sur l'acheteur "
            "Métropole de Lannoy avant le 14/04/2027.") in notices
    listing = page_text(client.get("/enquetes"))
    assert "VOIRIE-3A — Revue annuelle 2027" in listing
    survey_id = next(i.id for i in review.invitations
                     if i.respondent_org_id == holder.organisation_id)
    assert f'href="/enquetes/{survey_id}"' in client.get("/enquetes").text
    page = page_text(client.get(f"/enquetes/{survey_id}"))
    assert "Revue annuelle 2027 (anniversaire du 15/03/2027)" in page
    assert "(anniversaire du début du contrat)" in page
    answers = {a.position: a.id for a in db.get(Invitation, survey_id).answers}
    response = post(f"/enquetes/{survey_id}", {f"q-{answers[1]}": "4", "action": "save"})
    assert response.status_code == 303

    client.cookies.clear()
    login(buyer)
    contract_page = page_text(client.get(f"/acheteur/contrats/{three_years.id}"))
    assert "Revues annuelles" in contract_page and "Revue annuelle 2027" in contract_page
    assert "anniversaire du 15/03/2027" in contract_page
    # The end-of-contract survey is still to come, launched at the end as before.
    assert "L'enquête sera lancée automatiquement à la fin du contrat (14/03/2029)" \
        in contract_page
    found = client.get(f"/enquetes/resultats/contrats/{three_years.id}?revue=1")
    assert found.status_code == 200
    assert "Résultats de la revue annuelle 2027 — VOIRIE-3A" in page_text(found)
    assert client.get(f"/enquetes/resultats/contrats/{three_years.id}?revue=2"
                      ).status_code == 404
    assert client.get(f"/enquetes/resultats/contrats/{three_years.id}").status_code == 404
    for wrong in ("abc", "0", "101"):
        assert client.get(f"/enquetes/resultats/contrats/{three_years.id}?revue={wrong}"
                          ).status_code == 404


def test_the_second_anniversary_gets_its_own_review_and_none_comes_after_the_end(
        db, contracts):
    _buyer, _holder, three_years, one_year = contracts
    _run(db, "launch_yearly_reviews", date(2027, 3, 15))
    # The job did not run on the second anniversary: the next day catches up.
    assert _run(db, "launch_yearly_reviews", date(2028, 3, 16)) == "1 revue annuelle lancée"
    assert _run(db, "launch_yearly_reviews", date(2028, 3, 17)) == "0 revue annuelle lancée"
    assert _reviews(db, three_years) == [(1, "anniversary"), (2, "anniversary")]
    # 15/03/2029 would be the third anniversary, but the contract ended the day before: its
    # end-of-contract survey is launched instead, beside the reviews.
    assert _run(db, "launch_yearly_reviews", date(2029, 3, 15)) == "0 revue annuelle lancée"
    # (with the one-year contract's, never launched in this test)
    assert _run(db, "launch_surveys", date(2029, 3, 15)).startswith("2 campagnes lancées")
    assert _reviews(db, three_years) == [(1, "anniversary"), (2, "anniversary")]
    assert _reviews(db, one_year) == []
    end = db.scalar(select(Campaign).where(Campaign.contract_id == three_years.id,
                                           Campaign.anniversary == 0))
    assert end.reason == "ended"


def test_a_contract_closed_early_gets_no_more_review(client, db, login, post, contracts):
    buyer, _holder, three_years, _one_year = contracts
    clock.freeze(at(date(2027, 2, 1)))
    login(buyer)
    assert post(f"/acheteur/contrats/{three_years.id}/clore",
                {"version": three_years.version}).status_code == 303
    assert _run(db, "launch_yearly_reviews", date(2027, 3, 15)) == "0 revue annuelle lancée"
    assert _reviews(db, three_years) == []


def test_the_satisfaction_of_the_year_counts_end_of_contract_surveys_only(
        client, db, login, api, contracts):
    buyer, holder, three_years, one_year = contracts
    _run(db, "launch_yearly_reviews", date(2027, 3, 15))  # the three-year contract's review
    _run(db, "launch_surveys", date(2027, 3, 15))  # the one-year contract's end survey
    for user in (buyer, holder):
        client.cookies.clear()
        token_client = api(user)
        surveys = token_client.get("/api/v1/surveys?per_page=50").json()["items"]
        assert {(s["contract_reference"], s["survey"], s["anniversary"]) for s in surveys} == {
            ("VOIRIE-3A", "Revue annuelle 2027", 1),
            ("VOIRIE-1A", "Enquête de fin de contrat", 0)}
        for survey in surveys:
            detail = token_client.get(f"/api/v1/surveys/{survey['id']}").json()
            answers = {str(q["id"]): (8 if q["scale"] == "likelihood" else
                                      "yes" if q["scale"].startswith("yes") else
                                      None if q["scale"] == "text" else 5)
                       for q in detail["questions"]}
            sent = token_client.post(f"/api/v1/surveys/{survey['id']}/answers",
                                     json={"answers": answers, "submit": True})
            assert sent.status_code == 200, sent.text
    clock.freeze(at(date(2027, 5, 1)))
    assert len(close_expired_campaigns(db, date(2027, 5, 1))) == 2
    db.commit()
    figures = results.year_results(db, year=2027, buyer_org_id=buyer.organisation_id)
    # One invitation per direction: the one-year contract's; the review is not counted.
    assert figures["holder_rates_buyer"].figures.invitations == 1
    assert figures["buyer_rates_holder"].figures.invitations == 1
    client.cookies.clear()
    login(buyer)
    review = page_text(client.get(f"/enquetes/resultats/contrats/{three_years.id}?revue=1"))
    assert "Elle n'entre pas dans les indicateurs de satisfaction" in review
    assert "100" in review  # its own figures: every answer 5 on 5


def test_no_review_whose_answering_time_would_run_into_the_end_of_contract_survey(db, contracts):
    buyer, holder, *_ = contracts
    # Answers are due 30 days after the anniversary (15 April 2027): a contract ending before
    # that gets its end-of-contract survey only; one ending after it gets its review too.
    ends_in_answering = factories.make_contract(
        db, buyer, holder.organisation, insertion=None, reference="VOIRIE-13M",
        starts_on=date(2026, 3, 15), ends_on=date(2027, 4, 10))
    ends_after = factories.make_contract(
        db, buyer, holder.organisation, insertion=None, reference="VOIRIE-14M",
        starts_on=date(2026, 3, 15), ends_on=date(2027, 5, 1))

    _run(db, "launch_yearly_reviews", date(2027, 3, 15))

    assert _reviews(db, ends_in_answering) == []
    assert _reviews(db, ends_after) == [(1, "anniversary")]
