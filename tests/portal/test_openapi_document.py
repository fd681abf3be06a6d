"""/openapi.json as integrators use it: the JSON API and nothing else, each operation under a
short stable id and an ASCII tag (generated clients name their functions and modules after
them), the bearer token declared where it is needed."""

import re

import pytest

# Written out on purpose: renaming one breaks every generated client, so it shows here.
OPERATION_IDS = {
    ("POST", "/api/v1/auth/token"): "auth-token",
    ("GET", "/api/v1/me"): "me-get",
    ("GET", "/api/v1/contracts"): "contracts-list",
    ("POST", "/api/v1/contracts"): "contracts-create",
    ("GET", "/api/v1/contracts/{contract_id}"): "contracts-get",
    ("PUT", "/api/v1/contracts/{contract_id}"): "contracts-update",
    ("GET", "/api/v1/declarations"): "declarations-list",
    ("GET", "/api/v1/declarations/{declaration_id}"): "declarations-get",
    ("PUT", "/api/v1/declarations/{declaration_id}"): "declarations-save",
    ("POST", "/api/v1/declarations/{declaration_id}/submit"): "declarations-submit",
    ("POST", "/api/v1/declarations/{declaration_id}/validate"): "declarations-validate",
    ("POST", "/api/v1/declarations/{declaration_id}/return"): "declarations-return",
    ("POST", "/api/v1/declarations/{declaration_id}/reopen"): "declarations-reopen",
    ("POST", "/api/v1/declarations/{declaration_id}/facilitator-opinion"):
        "declarations-facilitator-opinion",
    ("POST", "/api/v1/declarations/{declaration_id}/lines/{line_id}/check"):
        "declarations-check-line",
    ("GET", "/api/v1/surveys"): "surveys-list",
    ("GET", "/api/v1/surveys/{invitation_id}"): "surveys-get",
    ("POST", "/api/v1/surveys/{invitation_id}/answers"): "surveys-answer",
    ("GET", "/api/v1/indicators"): "indicators-get",
    ("GET", "/api/v1/invoices"): "invoices-list",
    ("GET", "/api/v1/invoices/{invoice_id}"): "invoices-get",
    ("GET", "/api/v1/mediation-requests"): "mediation-requests-list",
    ("GET", "/api/v1/mediation-requests/{request_id}"): "mediation-requests-get",
}
TAGS = ["identity", "contracts", "declarations", "surveys", "indicators", "invoices",
        "mediation"]
KEBAB = re.compile(r"[a-z]+(?:-[a-z]+)*")


@pytest.fixture(scope="module")
def document(app):
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    return {(method.upper(), path): operation
            for path, methods in document["paths"].items()
            for method, operation in methods.items()}


def test_only_the_json_api_is_described_no_page(document):
    operations = _operations(document)
    assert all(path.startswith("/api/v1/") for _method, path in operations)
    for key, operation in operations.items():
        assert "default" not in operation.get("tags", ["default"]), key
        media = {media for answer in operation["responses"].values()
                 for media in answer.get("content", {})}
        assert media == {"application/json"}, key
    # The documentation page is under /api/ but is a page.
    assert "/api/docs" not in document["paths"]


def test_every_operation_has_its_short_stable_id(document):
    found = {key: operation["operationId"] for key, operation in _operations(document).items()}
    assert found == OPERATION_IDS
    assert len(set(found.values())) == len(found)
    assert all(KEBAB.fullmatch(operation_id) for operation_id in found.values())


def test_tags_are_ascii_names_described_in_french(document):
    assert [tag["name"] for tag in document["tags"]] == TAGS
    assert all(tag["description"] for tag in document["tags"])
    used = {tag for operation in _operations(document).values() for tag in operation["tags"]}
    assert used == set(TAGS)
    for operation in _operations(document).values():
        assert len(operation["tags"]) == 1 and operation["summary"]


def test_the_token_is_declared_on_every_operation_but_the_login(document):
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    needing = {key for key, operation in _operations(document).items()
               if operation.get("security") == [{"bearer": []}]}
    assert needing == set(OPERATION_IDS) - {("POST", "/api/v1/auth/token")}


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic abc", "Token abc",
                                    "Bearer inconnu"])
def test_a_missing_or_wrong_token_is_the_portal_s_own_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'accès manquant, invalide ou expiré."}


def test_a_token_is_read_whatever_the_case_of_bearer_and_the_spaces(client, db, api):
    from portal.models import Role
    from tests import factories

    user = factories.make_user(db, Role.buyer)
    token = api(user).headers["Authorization"].split(" ", 1)[1]
    for header in (f"Bearer {token}", f"bearer {token}", f"Bearer   {token}  "):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 200 and response.json()["email"] == user.email
