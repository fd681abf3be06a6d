"""Double-blind, and nobody outside the two organisations of an invitation reads it."""

from datetime import date

import pytest

from portal import clock
from portal.models import Role
from surveys.jobs import close_expired_campaigns
from tests import factories
from tests.surveys.conftest import (
    BUYER_ANSWERS,
    HOLDER_ANSWERS,
    answer_by_position,
    at,
    invitation_id,
    page_text,
)


def test_each_side_reads_the_other_only_once_both_have_answered(client, db, login, api,
                                                                launched):
    buyer, holder = api(launched.buyer), api(launched.holder)
    contract_id = launched.contract.id
    holder_survey = invitation_id(holder, contract_id, launched.buyer.organisation_id)
    buyer_survey = invitation_id(buyer, contract_id, launched.holder.organisation_id)

    assert answer_by_position(holder, holder_survey, HOLDER_ANSWERS).status_code == 200
    # The buyer sees that the holder answered, not what.
    seen = buyer.get(f"/api/v1/surveys/{buyer_survey}").json()
    assert seen["counterpart"]["status"] == "submitted"
    assert seen["counterpart"]["answers_visible"] is False
    assert all(q["answer"] is None for q in seen["counterpart"]["questions"])
    direct = buyer.get(f"/api/v1/surveys/{holder_survey}").json()
    assert direct["answers_visible"] is False and direct["questions"][0]["answer"] is None
    login(launched.buyer)
    page = page_text(client.get(f"/enquetes/{holder_survey}"))
    assert "a déposé son évaluation. Vous pourrez la lire une fois vos propres réponses" in page
    assert "Paiements parfois tardifs." not in page
    results = page_text(client.get(f"/enquetes/resultats/contrats/{contract_id}"))
    assert "1 évaluation déposée n'est pas encore comptée ici" in results
    assert "Paiements parfois tardifs." not in results
    export = client.get(f"/enquetes/campagnes/{seen['campaign_id']}/export.csv").text
    assert "Paiements parfois tardifs." not in export
    # A draft is no answer: saving one lifts nothing.
    answer_by_position(buyer, buyer_survey, {1: 5}, submit=False)
    assert buyer.get(f"/api/v1/surveys/{holder_survey}").json()["answers_visible"] is False

    assert answer_by_position(buyer, buyer_survey, BUYER_ANSWERS).status_code == 200
    seen = buyer.get(f"/api/v1/surveys/{buyer_survey}").json()
    assert seen["counterpart"]["answers_visible"] is True
    assert seen["counterpart"]["questions"][11]["answer"] == "Paiements parfois tardifs."
    assert "Paiements parfois tardifs." in page_text(client.get(f"/enquetes/{holder_survey}"))
    results = page_text(client.get(f"/enquetes/resultats/contrats/{contract_id}"))
    assert "Paiements parfois tardifs." in results and "pas encore comptée" not in results
    # And the holder now reads the buyer's evaluation of itself.
    mine = holder.get(f"/api/v1/surveys/{holder_survey}").json()
    assert mine["counterpart"]["answers_visible"] is True
    assert mine["counterpart"]["questions"][9]["answer"] == "Bon travail."


def test_closing_the_campaign_lifts_the_blind_but_never_shows_a_draft(client, db, login, api,
                                                                      launched):
    buyer, holder = api(launched.buyer), api(launched.holder)
    contract_id = launched.contract.id
    holder_survey = invitation_id(holder, contract_id, launched.buyer.organisation_id)
    buyer_survey = invitation_id(buyer, contract_id, launched.holder.organisation_id)
    answer_by_position(holder, holder_survey, HOLDER_ANSWERS)
    answer_by_position(buyer, buyer_survey, {10: "Brouillon jamais déposé."}, submit=False)

    clock.freeze(at(date(2026, 2, 1), 4))
    close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    buyer, holder = api(launched.buyer), api(launched.holder)
    theirs = buyer.get(f"/api/v1/surveys/{holder_survey}").json()
    assert theirs["answers_visible"] is True and theirs["closed"] is True
    assert theirs["questions"][0]["answer"] == 4
    mine = holder.get(f"/api/v1/surveys/{holder_survey}").json()
    assert mine["counterpart"]["status"] == "draft"
    assert mine["counterpart"]["answers_visible"] is False
    assert all(q["answer"] is None for q in mine["counterpart"]["questions"])
    login(launched.holder)
    page = page_text(client.get(f"/enquetes/{buyer_survey}"))
    assert "Brouillon jamais déposé." not in page


@pytest.fixture
def outsiders(db, launched):
    return [factories.make_user(db, Role.supplier), factories.make_user(db, Role.buyer),
            factories.make_user(db, Role.admin)]


def test_nobody_outside_the_two_organisations_reads_a_survey_or_its_results(
        client, db, login, post, api, launched, outsiders):
    contract_id = launched.contract.id
    holder = api(launched.holder)
    holder_survey = invitation_id(holder, contract_id, launched.buyer.organisation_id)
    answer_by_position(holder, holder_survey, HOLDER_ANSWERS)
    buyer = api(launched.buyer)
    buyer_about_co = invitation_id(buyer, contract_id, launched.co_holder.organisation_id)
    campaign_id = buyer.get(f"/api/v1/surveys/{buyer_about_co}").json()["campaign_id"]

    for user in outsiders:
        client.cookies.clear()
        login(user)
        for url in (f"/enquetes/{holder_survey}", f"/enquetes/resultats/contrats/{contract_id}",
                    f"/enquetes/campagnes/{campaign_id}/export.csv"):
            assert client.get(url).status_code == 404, (user.role, url)
        assert post(f"/enquetes/{holder_survey}", {"action": "save"}).status_code == 404
        outsider = api(user)
        assert outsider.get(f"/api/v1/surveys/{holder_survey}").status_code == 404
        assert outsider.post(f"/api/v1/surveys/{holder_survey}/answers",
                             json={"answers": {}}).status_code == 404
        assert outsider.get("/api/v1/surveys").json() == {"items": [], "total": 0, "page": 1,
                                                          "per_page": 50}
    assert client.get(f"/enquetes/resultats/fournisseurs/{launched.holder.organisation_id}"
                      ).status_code in (403, 404)

    # The co-holder is on the contract but not in the holder's pair with the buyer.
    client.cookies.clear()
    login(launched.co_holder)
    assert client.get(f"/enquetes/{holder_survey}").status_code == 404
    assert client.get(f"/enquetes/{buyer_about_co}").status_code == 200
    assert client.get(f"/enquetes/campagnes/{campaign_id}/export.csv").status_code == 404
    results = page_text(client.get(f"/enquetes/resultats/contrats/{contract_id}"))
    assert launched.holder.organisation.name not in results
    assert "Paiements parfois tardifs." not in results
    # Another buyer never sees this supplier's results in its own organisation.
    client.cookies.clear()
    login(outsiders[1])
    assert client.get(f"/enquetes/resultats/fournisseurs/{launched.holder.organisation_id}"
                      ).status_code == 404
