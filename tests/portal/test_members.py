"""Gestionnaires manage their organisation's people: invitations, departures, the flag."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal import identity
from portal.errors import Invalid
from portal.models import AuditEvent, OrgKind, Role, User
from supplier.models import Declaration
from tests import factories
from tests.conftest import csrf_token


def _api_token(client, user) -> str:
    return client.post("/api/v1/auth/token", json={
        "email": user.email, "password": factories.PASSWORD}).json()["access_token"]


def test_a_gestionnaire_invites_a_colleague_then_deactivates_them(app, client, db, login, post,
                                                                   world):
    manager = world.holder
    login(manager)
    response = post("/organisation/inviter", {"email": "collegue@titulaire.example.fr",
                                              "full_name": "Paul Collègue"})
    assert response.status_code == 303
    colleague = db.scalar(select(User).where(User.email == "collegue@titulaire.example.fr"))
    assert colleague.organisation_id == manager.organisation_id and not colleague.is_manager
    page = client.get("/organisation").text
    assert "Paul Collègue" in page and "Invitation en attente" in page

    # The colleague joins, files a declaration, logs in on a browser and takes an API token.
    colleague.password_hash = identity.hash_password(factories.PASSWORD)
    db.commit()
    declaration = factories.submit(db, world.declarations[0], colleague)
    token = _api_token(client, colleague)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        browser.post("/connexion", data={"email": colleague.email,
                                         "password": factories.PASSWORD,
                                         "csrf_token": csrf_token(browser)})
        assert browser.get("/fournisseur").status_code == 200

        response = post(f"/organisation/membres/{colleague.id}/desactiver")
        assert response.status_code == 303
        # At once: the session and the token are refused, the password no longer opens.
        assert browser.get("/fournisseur").status_code == 303
        assert client.get("/api/v1/me",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 401
        failed = browser.post("/connexion", data={"email": colleague.email,
                                                  "password": factories.PASSWORD,
                                                  "csrf_token": csrf_token(browser)})
        assert failed.status_code == 401
    # What they filed stays with the organisation, their name on it and in the audit trail.
    db.expire_all()
    assert db.get(Declaration, declaration.id).submitted_by_id == colleague.id
    assert db.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.entity == "declaration", AuditEvent.entity_id == declaration.id,
        AuditEvent.action == "submit")) == colleague.id
    assert db.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.entity == "user", AuditEvent.entity_id == colleague.id,
        AuditEvent.action == "deactivate")) == manager.id
    assert "Désactivé" in client.get("/organisation").text


def test_only_gestionnaires_manage_and_only_their_own_organisation(client, db, login, post,
                                                                   world):
    colleague = factories.make_user(db, Role.supplier, organisation=world.holder.organisation)
    other_manager = factories.make_user(db, Role.supplier)
    login(colleague)
    assert client.get("/organisation").status_code == 200  # sees who is there
    assert post(f"/organisation/membres/{world.holder.id}/desactiver").status_code == 403
    assert post("/organisation/inviter", {"email": "a@example.fr",
                                          "full_name": "A"}).status_code == 403
    client.cookies.clear()
    login(other_manager)
    assert post(f"/organisation/membres/{colleague.id}/desactiver").status_code == 404
    assert world.holder.email not in client.get("/organisation").text
    client.cookies.clear()
    login(world.buyer)  # a buyer has no say in a supplier's people
    assert post(f"/organisation/membres/{colleague.id}/desactiver").status_code == 404
    db.expire_all()
    assert colleague.is_active and world.holder.is_active


def test_the_flag_is_handed_on_and_never_lost(client, db, login, post, world):
    manager = world.holder
    colleague = factories.make_user(db, Role.supplier, organisation=manager.organisation)
    login(manager)
    assert post(f"/organisation/membres/{manager.id}/desactiver").status_code == 409
    last = post(f"/organisation/membres/{manager.id}/gestionnaire", {"gestionnaire": "non"})
    assert last.status_code == 409 and "dernier gestionnaire" in last.text
    assert post(f"/organisation/membres/{colleague.id}/gestionnaire",
                {"gestionnaire": "oui"}).status_code == 303
    assert post(f"/organisation/membres/{manager.id}/gestionnaire",
                {"gestionnaire": "non"}).status_code == 303
    db.expire_all()
    assert colleague.is_manager and not manager.is_manager
    assert post("/organisation/inviter", {"email": "b@example.fr",
                                          "full_name": "B"}).status_code == 403
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity == "user")
                         .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["grant_manager", "revoke_manager"]


def test_when_an_administrator_deactivates_the_last_gestionnaire_another_takes_over(
        client, db, login, post, world):
    admin = factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))
    colleague = factories.make_user(db, Role.supplier, organisation=world.holder.organisation)
    login(admin)
    assert post(f"/admin/comptes/{world.holder.id}/desactiver").status_code == 303
    db.expire_all()
    assert not world.holder.is_active and colleague.is_manager
    assert post(f"/admin/comptes/{world.holder.id}/reactiver").status_code == 303
    db.expire_all()
    assert world.holder.is_active
    with_password = identity.authenticate(db, world.holder.email, factories.PASSWORD)
    assert with_password.id == world.holder.id


def test_a_deactivated_users_pending_invitation_dies(client, db, login, post, world):
    login(world.holder)
    post("/organisation/inviter", {"email": "jamais@example.fr", "full_name": "Jamais Venu"})
    from tests.portal.test_accounts import _link

    link = _link(db, "jamais@example.fr")
    invited = db.scalar(select(User).where(User.email == "jamais@example.fr"))
    assert post(f"/organisation/membres/{invited.id}/desactiver").status_code == 303
    client.cookies.clear()
    assert client.get(link).status_code == 410
    with pytest.raises(Invalid, match=identity.WRONG_CREDENTIALS):
        identity.authenticate(db, "jamais@example.fr", "")


def test_the_people_search_swaps_its_list_under_htmx(client, db, login, world):
    login(world.holder)
    fragment = client.get("/organisation?q=zzz", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert '<div id="people">' in fragment.text and "<h1>" not in fragment.text
    assert "Aucun utilisateur ne correspond à « zzz »." in fragment.text
