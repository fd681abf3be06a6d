"""Invitations, forgotten passwords and account settings, through HTTP."""

import re
from datetime import timedelta

from sqlalchemy import select

from portal import clock, identity
from portal.accounts import AccountToken
from portal.mail import OutgoingMail
from portal.models import OrgKind, Role, User
from portal.security import token_digest
from tests import factories

NEW_PASSWORD = "une phrase de passe solide"


def _link(db, to: str) -> str:
    body = db.scalar(select(OutgoingMail.text_body).where(OutgoingMail.to_address == to)
                     .order_by(OutgoingMail.id.desc()))
    return re.search(r"https?://[^/\s]+(/compte/lien/\S+)", body).group(1)


def _empty_holder(db, world):
    """A supplier of the buyer's contract with nobody on the portal yet."""
    holder = factories.make_org(db, OrgKind.supplier)
    factories.make_contract(db, world.buyer, holder)
    return holder


def test_an_invited_user_sets_a_password_once_with_a_link_stored_hashed(
        client, db, login, post, world):
    login(world.buyer)
    response = post("/comptes/inviter", {"organisation_id": _empty_holder(db, world).id,
                                         "email": "Gerant@Nouvelle.example.fr",
                                         "full_name": "Léa Gérante"})
    assert response.status_code == 303
    invited = db.scalar(select(User).where(User.email == "gerant@nouvelle.example.fr"))
    assert invited.organisation.kind == OrgKind.supplier and invited.password_hash is None
    link = _link(db, invited.email)
    secret = link.rsplit("/", 1)[1]
    stored = db.scalars(select(AccountToken.token_hash)).all()
    assert secret not in stored and token_digest(secret) in stored

    client.cookies.clear()
    page = client.get(link)
    assert page.status_code == 200 and "Activer votre compte" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
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
    post("/comptes/inviter", {"organisation_id": _empty_holder(db, world).id,
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
    # A buyer chooses among the suppliers of its contracts; it never creates one here.
    response = post("/comptes/inviter", {"siret": "41852963200014", "name": "X",
                                         "email": "x@example.fr", "full_name": "X"})
    assert response.status_code == 422
    assert "Choisissez une entreprise titulaire ou co-traitante" in response.text
    assert 'value="x@example.fr"' in response.text  # what was typed is kept
    response = post("/comptes/inviter", {"organisation_id": _empty_holder(db, world).id,
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
