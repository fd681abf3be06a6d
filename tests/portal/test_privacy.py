"""Personal data of users: the copy a person downloads, the erasure of a departed person."""

import json

import pytest
from sqlalchemy import select

from portal import identity
from portal.errors import Invalid
from portal.mail import OutgoingMail
from portal.models import AuditEvent, AuthToken, OrgKind, Role, User
from portal.notifications import Notification, notify
from supplier.models import Declaration
from tests import factories


@pytest.fixture
def admin(db):
    return factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))


def test_the_export_holds_my_data_and_nobody_elses(client, db, login, post, world):
    colleague = factories.make_user(db, Role.supplier, organisation=world.holder.organisation,
                                    full_name="Collègue Discret")
    mine = factories.submit(db, world.declarations[0], world.holder)
    factories.submit(db, world.declarations[1], colleague)
    notify(db, world.holder, key="test:1", kind="reminder", message="Votre rappel", link=None)
    notify(db, colleague, key="test:2", kind="reminder", message="Le rappel du collègue",
           link=None)
    db.commit()
    login(world.holder)
    post("/compte/jetons", {"name": "Mon script", "days": "30"})
    response = client.get("/compte/donnees")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["account"]["email"] == world.holder.email
    assert data["account"]["is_manager"] is True
    assert data["organisation"]["siret"] == world.holder.organisation.siret
    token_id = db.scalar(select(AuthToken.id).where(AuthToken.name == "Mon script"))
    events = {(e["entity"], e["entity_id"], e["action"]) for e in data["audit_events"]}
    assert {("declaration", mine.id, "submit"), ("auth_token", token_id, "create")} <= events
    assert ("declaration", world.declarations[1].id, "submit") not in events
    assert [n["message"] for n in data["notifications"]] == ["Votre rappel"]
    assert [t["name"] for t in data["api_tokens"]] == ["Mon script"]
    text = json.dumps(data)
    for foreign in (colleague.email, "Collègue Discret", "Le rappel du collègue",
                    world.buyer.email, "password", "token_hash"):
        assert foreign not in text


def test_erasure_keeps_the_declarations_and_their_audit_trail(client, db, login, post, admin,
                                                              world):
    leaver = factories.make_user(db, Role.supplier, organisation=world.holder.organisation,
                                 email="depart@titulaire.example.fr", full_name="Jeanne Départ")
    declaration = factories.submit(db, world.declarations[0], leaver)
    notify(db, leaver, key="test:erase", kind="reminder", message="Bonjour Jeanne Départ",
           link=None, mail_template="alert", context={"subject": "Rappel"})
    db.commit()
    login(admin)
    page = client.get(f"/admin/comptes/{leaver.id}")
    assert page.status_code == 200 and "Jeanne Départ" in page.text
    unconfirmed = post(f"/admin/comptes/{leaver.id}/effacer")
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.text
    assert post(f"/admin/comptes/{leaver.id}/effacer",
                {"confirmation": "oui"}).status_code == 303

    db.expire_all()
    erased = db.get(User, leaver.id)
    assert erased.full_name == f"Compte effacé n° {leaver.id}"
    assert "depart" not in erased.email and erased.password_hash is None
    assert not erased.is_active and erased.erased_at is not None
    with pytest.raises(Invalid):
        identity.authenticate(db, "depart@titulaire.example.fr", factories.PASSWORD)
    # What the organisation filed stays, signed by the pseudonym; the trail too.
    kept = db.get(Declaration, declaration.id)
    assert kept.status == "submitted" and kept.submitted_by_id == leaver.id
    assert "submit" in db.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "declaration", AuditEvent.entity_id == declaration.id,
        AuditEvent.actor_id == leaver.id)).all()
    assert db.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "erase")) == admin.id
    # What was only the person's is gone.
    assert db.scalar(select(Notification).where(Notification.user_id == leaver.id)) is None
    assert db.scalar(select(AuthToken).where(AuthToken.user_id == leaver.id)) is None
    mails = db.scalars(select(OutgoingMail)).all()
    assert all("depart@" not in m.to_address and "Jeanne" not in m.text_body for m in mails)
    # The buyer still reviews what the departed person filed.
    client.cookies.clear()
    login(world.buyer)
    review = client.get(f"/acheteur/declarations/{declaration.id}")
    assert review.status_code == 200 and "B-001" in review.text


def test_only_administrators_erase_and_never_themselves(client, db, login, post, admin, world):
    login(world.holder)
    assert post(f"/admin/comptes/{world.buyer.id}/effacer",
                {"confirmation": "oui"}).status_code == 403
    client.cookies.clear()
    login(admin)
    assert post(f"/admin/comptes/{admin.id}/effacer", {"confirmation": "oui"}).status_code == 409
    assert post("/admin/comptes/99999999999/effacer", {"confirmation": "oui"}).status_code == 404
    db.expire_all()
    assert world.buyer.erased_at is None and admin.erased_at is None
