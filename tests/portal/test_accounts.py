"""Invitations, forgotten passwords and account settings, through HTTP."""

import re
from datetime import timedelta

from sqlalchemy import select

from portal import clock, identity
from portal.mail import OutgoingMail
from portal.models import OrgKind, Role, User
from tests import factories

NEW_PASSWORD = "une phrase de passe solide"


def _link(db, to: str) -> str:
    body = db.scalar(select(OutgoingMail.text_body).where(OutgoingMail.to_address == to)
                     .order_by(OutgoingMail.id.desc()))
    return re.search(r"https?://[^/\s]+(/compte/lien/\S+)", body).group(1)


def test_buyer_invites_a_holder_user_who_sets_a_password_once(client, db, login, post, world):
    login(world.buyer)
    response = post("/comptes/inviter", {"siret": "41852963200014", "name": "Nouvelle PME",
                                         "size": "PME", "email": "Gerant@Nouvelle.example.fr",
                                         "full_name": "Léa Gérante"})
    assert response.status_code == 303
    invited = db.scalar(select(User).where(User.email == "gerant@nouvelle.example.fr"))
    assert invited.organisation.kind == OrgKind.supplier and invited.password_hash is None
    link = _link(db, invited.email)

    client.cookies.clear()
    page = client.get(link)
    assert page.status_code == 200 and "Activer votre compte" in page.text
    response = post(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 303
    assert client.get("/fournisseur").status_code == 200  # logged in
    db.expire_all()
    assert identity.authenticate(db, invited.email, NEW_PASSWORD)

    client.cookies.clear()
    reused = post(link, {"password": "un autre mot de passe", "confirmation":
                         "un autre mot de passe"})
    assert reused.status_code == 410
    assert "Ce lien n'est plus valable" in reused.text.replace("&#39;", "'")


def test_an_expired_invitation_is_refused(client, db, login, post, world):
    login(world.buyer)
    post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                              "email": "tard@example.fr", "full_name": "En Retard"})
    link = _link(db, "tard@example.fr")
    clock.freeze(clock.now() + timedelta(days=8))
    assert client.get(link).status_code == 410
    response = post(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 410


def test_invitation_rules(client, db, login, post, world):
    login(world.holder)
    assert client.get("/comptes/inviter").status_code == 403
    client.cookies.clear()
    login(world.buyer)
    response = post("/comptes/inviter", {"siret": "12345678901234", "name": "X",
                                         "email": "x@example.fr", "full_name": "X"})
    assert response.status_code == 422
    assert "clé de contrôle incorrecte" in response.text
    response = post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                                         "email": world.holder.email, "full_name": "Doublon"})
    assert response.status_code == 422 and "Un compte existe déjà" in response.text


def test_forgotten_password_same_answer_and_single_use_link(client, db, post, world):
    known = post("/mot-de-passe-oublie", {"email": world.holder.email})
    unknown = post("/mot-de-passe-oublie", {"email": "inconnu@example.fr"})
    assert known.status_code == unknown.status_code == 200
    message = "Si un compte actif correspond à cette adresse"
    assert message in known.text and message in unknown.text
    assert db.scalar(select(OutgoingMail).where(
        OutgoingMail.to_address == "inconnu@example.fr")) is None

    link = _link(db, world.holder.email)
    weak = post(link, {"password": "azerty123456", "confirmation": "azerty123456"})
    assert weak.status_code == 422 and "trop courant" in weak.text
    assert post(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
                ).status_code == 303
    db.expire_all()
    assert identity.authenticate(db, world.holder.email, NEW_PASSWORD)
    assert post(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
                ).status_code == 410


def test_a_reset_link_expires(client, db, post, world):
    post("/mot-de-passe-oublie", {"email": world.holder.email})
    link = _link(db, world.holder.email)
    clock.freeze(clock.now() + timedelta(hours=3))
    assert client.get(link).status_code == 410


def test_change_password_and_preferences(client, db, login, post):
    user = factories.make_user(db, Role.buyer)
    login(user)
    wrong = post("/compte/mot-de-passe", {"current": "faux", "password": NEW_PASSWORD,
                                          "confirmation": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Le mot de passe actuel est incorrect." in wrong.text
    short = post("/compte/mot-de-passe", {"current": factories.PASSWORD, "password": "court",
                                          "confirmation": "court"})
    assert short.status_code == 422 and "au moins 12 caractères" in short.text
    assert post("/compte/mot-de-passe", {"current": factories.PASSWORD,
                                         "password": NEW_PASSWORD,
                                         "confirmation": NEW_PASSWORD}).status_code == 303
    assert post("/compte/preferences", {"mail_digest": "on"}).status_code == 303
    db.refresh(user)
    assert not user.mail_alerts and user.mail_digest
