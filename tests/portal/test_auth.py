"""Login, logout, sessions, CSRF, API tokens."""

from portal.auth import SESSION_COOKIE
from portal.models import Role
from tests import factories
from tests.conftest import csrf_token


def test_login_opens_a_secure_session_and_lands_on_the_role_home(client, db):
    user = factories.make_user(db, Role.supplier)
    response = client.post("/connexion", data={"email": user.email.upper(),
                                               "password": factories.PASSWORD,
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["location"] == "/fournisseur"
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    assert client.get("/fournisseur").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_french_answer(client, db):
    user = factories.make_user(db)
    wrong = client.post("/connexion", data={"email": user.email, "password": "pas le bon",
                                            "csrf_token": csrf_token(client)})
    unknown = client.post("/connexion", data={"email": "personne@example.fr",
                                              "password": "pas le bon",
                                              "csrf_token": csrf_token(client)})
    assert wrong.status_code == unknown.status_code == 401
    message = "Adresse e-mail ou mot de passe incorrect."
    assert message in wrong.text and message in unknown.text
    assert f'value="{user.email}"' in wrong.text  # what was typed is kept
    assert SESSION_COOKIE not in client.cookies


def test_inactive_user_cannot_log_in(client, db):
    user = factories.make_user(db)
    user.is_active = False
    db.commit()
    response = client.post("/connexion", data={"email": user.email,
                                               "password": factories.PASSWORD,
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 401


def test_logout_ends_the_session_on_the_server(client, db, login, post):
    login(factories.make_user(db))
    stolen = client.cookies[SESSION_COOKIE]
    assert post("/deconnexion").status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen, domain="testserver")
    response = client.get("/fournisseur")
    assert response.status_code == 303 and response.headers["location"].startswith("/connexion")


def test_pages_need_a_login(client):
    response = client.get("/acheteur/contrats")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/acheteur/contrats"


def test_login_returns_to_the_page_asked_but_never_to_another_site(client, db):
    user = factories.make_user(db, Role.buyer)
    data = {"email": user.email, "password": factories.PASSWORD}
    assert client.post("/connexion", data={**data, "next": "/acheteur/contrats",
                                           "csrf_token": csrf_token(client)}
                       ).headers["location"] == "/acheteur/contrats"
    # Logging in gave a new token.
    assert client.post("/connexion", data={**data, "next": "//evil.example/x",
                                           "csrf_token": csrf_token(client)}
                       ).headers["location"] == "/acheteur"


def test_a_form_without_csrf_token_is_refused(client, db, login, world):
    login(world.holder)
    declaration = world.declarations[0]
    response = client.post(f"/fournisseur/declarations/{declaration.id}",
                           data={"version": declaration.version, "action": "save"})
    assert response.status_code == 403
    assert "Le formulaire a expiré ou ne vient pas du portail" in response.text
    wrong = client.post(f"/fournisseur/declarations/{declaration.id}",
                        data={"version": declaration.version, "csrf_token": "forged"})
    assert wrong.status_code == 403
    db.refresh(declaration)
    assert declaration.status == "expected"


def test_the_login_form_itself_needs_the_csrf_token(client, db):
    user = factories.make_user(db)
    response = client.post("/connexion", data={"email": user.email,
                                               "password": factories.PASSWORD})
    assert response.status_code == 403


def test_api_token_login_and_me(client, db, api):
    user = factories.make_user(db, Role.buyer)
    me = api(user).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json() == {"id": user.id, "email": user.email, "full_name": user.full_name,
                         "role": "buyer", "organisation_id": user.organisation_id}


def test_api_refuses_bad_credentials_and_missing_tokens(client, db):
    user = factories.make_user(db)
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "x"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Adresse e-mail ou mot de passe incorrect."
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_session_cookie_is_not_an_api_token(client, db, login):
    login(factories.make_user(db))
    assert client.get("/api/v1/me").status_code == 401


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
