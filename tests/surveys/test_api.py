"""The surveys API: my invitations, one survey, answers as draft then submitted, bad input."""

from portal.models import Role
from tests import factories
from tests.scale import page_statements
from tests.surveys.conftest import (
    HOLDER_ANSWERS,
    answer_by_position,
    invitation_id,
    launch_surveys,
)


def test_list_read_draft_and_submit(db, api, launched):
    holder = api(launched.holder)
    answer = holder.get("/api/v1/surveys").json()
    assert (answer["total"], answer["page"], answer["per_page"]) == (1, 1, 50)
    listed = answer["items"]
    assert len(listed) == 1
    survey = listed[0]
    assert survey["direction"] == "holder_rates_buyer" and survey["status"] == "draft"
    assert survey["subject"]["name"] == "Ville de Saint-Aubin"
    assert survey["due_on"] == "2026-01-31" and survey["closed"] is False

    detail = holder.get(f"/api/v1/surveys/{survey['id']}").json()
    assert detail["can_answer"] is True and detail["answers_visible"] is True
    assert len(detail["questions"]) == 12
    first, fourth = detail["questions"][0], detail["questions"][3]
    assert first["scale"] == "satisfaction" and first["options"][-1] == {
        "value": "na", "label": "Non concerné"}
    assert [o["value"] for o in fourth["options"]] == ["yes", "no", "unknown"]
    assert detail["counterpart"]["status"] == "draft"

    saved = holder.post(f"/api/v1/surveys/{survey['id']}/answers",
                        json={"answers": {str(first["id"]): 2}})
    assert saved.status_code == 200
    assert saved.json()["status"] == "draft" and saved.json()["questions"][0]["answer"] == 2
    cleared = holder.post(f"/api/v1/surveys/{survey['id']}/answers",
                          json={"answers": {str(first["id"]): None}})
    assert cleared.json()["questions"][0]["answer"] is None

    incomplete = holder.post(f"/api/v1/surveys/{survey['id']}/answers",
                             json={"answers": {str(first["id"]): 4}, "submit": True})
    assert incomplete.status_code == 422
    assert incomplete.json()["detail"] == \
        "Vos réponses ne sont pas déposées : il manque des réponses."
    assert str(first["id"]) not in "".join(incomplete.json()["errors"])  # answered one is fine

    submitted = answer_by_position(holder, survey["id"], HOLDER_ANSWERS)
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["can_answer"] is False
    assert body["submitted_at"].startswith("2026-01-10")
    assert [q["answer"] for q in body["questions"]][8:] == ["na", "yes", 9,
                                                             "Paiements parfois tardifs."]

    again = holder.post(f"/api/v1/surveys/{survey['id']}/answers",
                        json={"answers": {}, "submit": True})
    assert again.status_code == 409
    assert "déjà été déposées" in again.json()["detail"]


def test_bad_values_are_refused_with_french_messages(db, api, launched):
    buyer = api(launched.buyer)
    survey_id = invitation_id(buyer, launched.contract.id, launched.holder.organisation_id)
    ids = {q["position"]: str(q["id"])
           for q in buyer.get(f"/api/v1/surveys/{survey_id}").json()["questions"]}
    url = f"/api/v1/surveys/{survey_id}/answers"
    response = buyer.post(url, json={"answers": {
        ids[1]: 6, ids[2]: True, ids[3]: "4", ids[4]: 4.0, ids[9]: 11, ids[10]: "é" * 2001,
        "999999": 3, "abc": 1}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[f"answers.{ids[1]}"] == "Choisissez une note de 1 à 5 ou « Non concerné »."
    # Booleans, strings and decimals are not notes.
    for position in (2, 3, 4):
        assert errors[f"answers.{ids[position]}"].startswith("Choisissez une note de 1 à 5")
    assert errors[f"answers.{ids[9]}"] == "Choisissez une note de 0 à 10."
    assert errors[f"answers.{ids[10]}"] == \
        "Le commentaire ne peut pas dépasser 2 000 caractères."
    assert errors["answers.999999"] == "Cette question ne fait pas partie de l'enquête."
    assert errors["answers.abc"] == "Cette question ne fait pas partie de l'enquête."
    # Nothing was saved.
    detail = buyer.get(f"/api/v1/surveys/{survey_id}").json()
    assert all(q["answer"] is None for q in detail["questions"])

    assert buyer.post(url, json={"answers": {}, "submit": "yes"}).status_code == 422
    assert buyer.post(url, json={"answers": [], "extra": 1}).status_code == 422
    assert buyer.post(url, json={"answers": {ids[10]: "é" * 2000}}).status_code == 200


def test_the_other_side_reads_but_cannot_answer(db, api, launched):
    buyer, holder = api(launched.buyer), api(launched.holder)
    buyer_survey = invitation_id(buyer, launched.contract.id, launched.holder.organisation_id)
    seen = holder.get(f"/api/v1/surveys/{buyer_survey}")
    assert seen.status_code == 200
    assert seen.json()["can_answer"] is False and seen.json()["answers_visible"] is False
    response = holder.post(f"/api/v1/surveys/{buyer_survey}/answers", json={"answers": {}})
    assert response.status_code == 403
    assert response.json()["detail"] == "Seule l'organisation invitée répond à cette enquête."
    assert buyer_survey not in [s["id"] for s in holder.get("/api/v1/surveys").json()["items"]]


def test_the_list_is_paged_and_refuses_bad_page_sizes(client, db, api, launched):
    launch_surveys(db, launched, 1, 60, holder_org=launched.holder.organisation)
    holder = api(launched.holder)
    first = holder.get("/api/v1/surveys").json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (
        61, 1, 50, 50)
    second = holder.get("/api/v1/surveys?page=2").json()
    assert len(second["items"]) == 11
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    small = holder.get("/api/v1/surveys?per_page=5&page=3").json()
    assert (small["page"], small["per_page"], len(small["items"])) == (3, 5, 5)
    # A page past the end answers the last one, like the pages.
    assert holder.get("/api/v1/surveys?page=999").json()["page"] == 2
    for bad in ("per_page=0", "per_page=1000", "per_page=abc", "page=0", "page=abc"):
        response = holder.get(f"/api/v1/surveys?{bad}")
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/json")
    # Another organisation sees none of them.
    assert api(factories.make_user(db, Role.supplier)).get("/api/v1/surveys").json()[
        "total"] == 0


def test_the_paged_answer_is_documented(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/surveys"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"page", "per_page"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("PageOut_SurveySummaryOut_")
    assert "422" in operation["responses"]


def test_the_list_sends_as_many_statements_for_1_or_61_surveys(client, db, engine, api,
                                                              launched):
    token = api(launched.holder).headers
    client.headers.update(token)
    small = page_statements(client, engine, "/api/v1/surveys", db)
    launch_surveys(db, launched, 1, 60, holder_org=launched.holder.organisation)
    large = page_statements(client, engine, "/api/v1/surveys", db)
    assert len(small) == len(large), (len(small), len(large))
