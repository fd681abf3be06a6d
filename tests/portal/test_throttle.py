"""Guessing is slowed down: after a few failed logins (or reset and invitation requests) the
account or the address waits, longer each time; the state is in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from portal.models import Role
from portal.settings import get_settings
from tests import factories
from tests.conftest import csrf_token, visible_text

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    clock.freeze(START)
    moments = {"now": START}

    def advance(**delta):
        moments["now"] += timedelta(**delta)
        clock.freeze(moments["now"])
    return advance


def _login(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(client)})


def test_failed_logins_then_a_wait_shown_on_the_login_page(client, db, frozen):
    user = factories.make_user(db, Role.supplier)
    for _ in range(5):
        assert _login(client, user.email, "mauvais").status_code == 401
    # Even the right password waits: the account is not guessed meanwhile.
    blocked = _login(client, user.email, factories.PASSWORD)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "60"
    assert "Trop de tentatives : par sécurité, réessayez dans 1 minute." in visible_text(
        blocked.text)
    assert f'value="{user.email}"' in blocked.text
    frozen(seconds=61)
    assert _login(client, user.email, "mauvais").status_code == 401
    # The wait doubles.
    again = _login(client, user.email, factories.PASSWORD)
    assert again.status_code == 429 and "dans 2 minutes" in visible_text(again.text)
    frozen(seconds=121)
    assert _login(client, user.email, factories.PASSWORD).status_code == 303


def test_a_successful_login_resets_the_account(client, db, frozen):
    user = factories.make_user(db, Role.supplier)
    for _ in range(4):
        assert _login(client, user.email, "mauvais").status_code == 401
    assert _login(client, user.email, factories.PASSWORD).status_code == 303
    client.cookies.clear()
    for _ in range(5):
        assert _login(client, user.email, "mauvais").status_code == 401
    assert _login(client, user.email, "mauvais").status_code == 429


def test_the_address_is_throttled_across_accounts(client, db, frozen, monkeypatch):
    monkeypatch.setattr(get_settings(), "throttle_free_per_address", 3)
    for n in range(3):
        assert _login(client, f"inconnu{n}@example.fr", "x").status_code == 401
    response = _login(client, factories.make_user(db, Role.buyer).email, factories.PASSWORD)
    assert response.status_code == 429


def test_the_api_token_login_answers_429_in_json(client, db, frozen):
    user = factories.make_user(db, Role.buyer)
    body = {"email": user.email, "password": "mauvais"}
    for _ in range(5):
        response = client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 401
        assert response.json()["detail"]
    blocked = client.post("/api/v1/auth/token", json={**body, "password": factories.PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": "Trop de tentatives : par sécurité, réessayez dans 1 "
                                        "minute."}
    assert blocked.headers["Retry-After"] == "60"
    frozen(minutes=2)
    assert client.post("/api/v1/auth/token",
                       json={**body, "password": factories.PASSWORD}).status_code == 200


def test_password_reset_requests_are_throttled_per_target(client, db, frozen):
    user = factories.make_user(db, Role.supplier)

    def ask(email):
        return client.post("/mot-de-passe-oublie",
                           data={"email": email, "csrf_token": csrf_token(client)})
    for _ in range(5):
        assert ask(user.email).status_code == 200
    refused = ask(user.email)
    assert refused.status_code == 429
    assert "Trop de tentatives" in visible_text(refused.text)
    assert ask("autre@example.fr").status_code == 200
    frozen(minutes=2)
    assert ask(user.email).status_code == 200


def test_invitations_are_throttled_even_when_refused(client, db, login, post, frozen):
    manager = login(factories.make_user(db, Role.supplier))
    taken = factories.make_user(db, Role.supplier)
    for _ in range(5):
        response = post("/organisation/inviter", {"email": taken.email, "full_name": "X"})
        assert response.status_code == 422
    refused = post("/organisation/inviter", {"email": taken.email, "full_name": "X"})
    assert refused.status_code == 429
    assert "Trop de tentatives" in visible_text(refused.text)
    assert post("/organisation/inviter", {"email": "nouveau@example.fr", "full_name": "Nouveau"}
                ).status_code == 303
    assert manager.organisation_id
