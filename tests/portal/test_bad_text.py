"""Text PostgreSQL refuses (NUL) or that hides what it is (control characters, bidirectional
overrides) gets a French 422, on pages and in the API, the same on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from portal.models import Contract, Organisation, Role, User
from portal.validation import HIDDEN_MESSAGE, NUL_MESSAGE
from tests import factories
from tests.conftest import csrf_token, visible_text
from tests.execution.test_contracts import FORM


def _french(response) -> str:
    return visible_text(response.text.replace("&#39;", "'"))


def test_a_nul_byte_in_the_login_form_is_refused(client, db):
    user = factories.make_user(db, Role.supplier)
    response = client.post("/connexion", data={"email": user.email + "\x00",
                                               "password": "x", "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "caractère nul" in _french(response)


def test_a_nul_byte_in_a_page_form_and_in_a_search(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, "object": "Gymnase\x00", "holder_id": world.holder.organisation_id})
    assert response.status_code == 422
    assert "caractère nul" in _french(response)
    assert db.scalar(select(Contract).where(Contract.reference == FORM["reference"])) is None
    assert client.get("/acheteur/contrats?q=gym%00").status_code == 422


def test_a_nul_byte_in_a_json_body_is_a_french_422(api, db, world):
    body = factories.contract_data(world.holder.organisation).model_dump(mode="json")
    body["reference"] = "API\x00-1"
    response = api(world.buyer).post("/api/v1/contracts", json=body)
    assert response.status_code == 422
    assert response.json() == {"detail": NUL_MESSAGE, "errors": {"reference": NUL_MESSAGE}}
    token = api(world.buyer).post("/api/v1/auth/token",
                                  json={"email": "a\x00@example.fr", "password": "x"})
    assert token.status_code == 422


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\t", "\x1b"])
def test_hidden_characters_in_a_contract_reference(client, db, api, login, post, world, hidden):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "reference": f"2025{hidden}-TRX", "holder_id": world.holder.organisation_id})
    assert response.status_code == 422
    assert HIDDEN_MESSAGE in _french(response)
    body = factories.contract_data(world.holder.organisation).model_dump(mode="json")
    answer = api(world.buyer).post("/api/v1/contracts", json={**body, "reference": f"A{hidden}B"})
    assert answer.status_code == 422
    assert answer.json()["errors"]["reference"] == HIDDEN_MESSAGE


def test_hidden_characters_in_organisation_and_person_names(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "new_holder_siret": factories.valid_siret(777),
        "new_holder_name": "Bâtir\u202eSA"})
    assert response.status_code == 422
    assert HIDDEN_MESSAGE in _french(response)
    assert db.scalar(select(Organisation).where(Organisation.name.contains("Bâtir"))) is None
    response = post("/comptes/inviter", {
        "organisation_id": world.holder.organisation_id, "email": "nouvelle@example.fr",
        "full_name": "Alice\u2067Admin"})
    assert response.status_code == 422
    assert HIDDEN_MESSAGE in _french(response)
    assert db.scalar(select(User).where(User.email == "nouvelle@example.fr")) is None


def test_marking_a_notification_read_with_an_odd_id(client, db, login, post, world):
    login(world.holder)
    for odd in ("abc", "²", "99999999999999999999", "-1"):
        response = post("/notifications/lues", {"id": odd})
        assert response.status_code == 303, odd
