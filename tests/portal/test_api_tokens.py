"""Personal API tokens, and what ends sessions and tokens: password change and reset."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal import clock
from portal.auth import SESSION_COOKIE
from portal.models import AuthToken, Role
from portal.security import token_digest
from tests import factories
from tests.conftest import csrf_token

NEW_PASSWORD = "une phrase de passe solide"


def _create_token(client, post, name="ERP comptable", days="90") -> str:
    page = post("/compte/jetons", {"name": name, "days": days})
    assert page.status_code == 200, page.text
    return re.search(r'id="secret" type="text" readonly value="([^"]+)"', page.text).group(1)


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_a_personal_token_is_shown_once_stored_hashed_and_acts_as_its_user(
        client, db, login, post, world):
    login(world.holder)
    secret = _create_token(client, post)
    assert secret.startswith("par_")
    row = db.scalar(select(AuthToken).where(AuthToken.kind == "personal"))
    assert row.token_hash == token_digest(secret) and secret not in row.token_hash
    assert row.expires_at.date() == (clock.now() + timedelta(days=90)).date()
    page = client.get("/compte/jetons").text
    assert "ERP comptable" in page and secret not in page and "jamais" in page

    me = client.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200 and me.json()["email"] == world.holder.email
    db.expire_all()
    assert row.last_used_at is not None
    assert "jamais" not in client.get("/compte/jetons").text


def test_a_token_has_exactly_the_permissions_of_its_user(client, db, login, post, world):
    factories.submit(db, world.declarations[0], world.holder)
    other = factories.make_user(db, Role.supplier)
    login(other)
    secret = _create_token(client, post)
    headers = _bearer(secret)
    assert client.get("/api/v1/declarations", headers=headers).json()["items"] == []
    declaration = world.declarations[0]
    assert client.get(f"/api/v1/declarations/{declaration.id}",
                      headers=headers).status_code == 404
    assert client.post(f"/api/v1/declarations/{declaration.id}/submit", headers=headers,
                       json={"version": declaration.version}).status_code == 404
    # The holder's own token sees its declarations.
    client.cookies.clear()
    login(world.holder)
    own = client.get("/api/v1/declarations",
                     headers=_bearer(_create_token(client, post))).json()["items"]
    assert declaration.id in [d["id"] for d in own]


def test_a_revoked_or_expired_token_is_refused(client, db, login, post, world):
    login(world.holder)
    revoked, expiring = _create_token(client, post, "A"), _create_token(client, post, "B", "30")
    token_id = db.scalar(select(AuthToken.id).where(AuthToken.name == "A"))
    assert post(f"/compte/jetons/{token_id}/revoquer").status_code == 303
    assert client.get("/api/v1/me", headers=_bearer(revoked)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(expiring)).status_code == 200
    clock.freeze(clock.now() + timedelta(days=31))
    response = client.get("/api/v1/me", headers=_bearer(expiring))
    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton d'accès manquant, invalide ou expiré."


def test_tokens_are_personal_and_checked(client, db, login, post, world):
    login(world.holder)
    _create_token(client, post, "Le mien")
    token_id = db.scalar(select(AuthToken.id).where(AuthToken.name == "Le mien"))
    bad = post("/compte/jetons", {"name": "  ", "days": "7"})
    assert bad.status_code == 422
    assert "Donnez un nom au jeton" in bad.text and "durée de validité" in bad.text
    client.cookies.clear()
    login(factories.make_user(db, Role.supplier))
    assert "Le mien" not in client.get("/compte/jetons").text
    assert post(f"/compte/jetons/{token_id}/revoquer").status_code == 404
    assert db.get(AuthToken, token_id) is not None


def test_a_password_change_ends_every_other_session_and_token(app, client, db, login, post,
                                                                world):
    user = world.holder
    api_token = client.post("/api/v1/auth/token", json={
        "email": user.email, "password": factories.PASSWORD}).json()["access_token"]
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as other_browser:
        other_browser.post("/connexion", data={"email": user.email,
                                               "password": factories.PASSWORD,
                                               "csrf_token": csrf_token(other_browser)})
        assert other_browser.get("/fournisseur").status_code == 200
        login(user)
        personal = _create_token(client, post)
        response = post("/compte/mot-de-passe", {"current": factories.PASSWORD,
                                                 "password": NEW_PASSWORD,
                                                 "confirmation": NEW_PASSWORD})
        assert response.status_code == 303
        assert client.get("/fournisseur").status_code == 200  # this browser stays in
        assert other_browser.get("/fournisseur").status_code == 303  # the other is out
    assert client.get("/api/v1/me", headers=_bearer(api_token)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(personal)).status_code == 401


def test_a_password_reset_ends_every_session_and_token(client, db, login, post, world):
    user = world.holder
    login(user)
    stolen_session = client.cookies[SESSION_COOKIE]
    personal = _create_token(client, post)
    client.cookies.clear()
    post("/mot-de-passe-oublie", {"email": user.email})
    from tests.portal.test_accounts import _link

    assert post(_link(db, user.email), {"password": NEW_PASSWORD,
                                        "confirmation": NEW_PASSWORD}).status_code == 303
    assert client.get("/fournisseur").status_code == 200  # the new session
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen_session, domain="testserver")
    assert client.get("/fournisseur").status_code == 303
    assert client.get("/api/v1/me", headers=_bearer(personal)).status_code == 401
