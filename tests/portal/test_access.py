"""Who may add whom: buyers, administrators and gestionnaires, through HTTP."""

import re

from sqlalchemy import select

from portal.access import AccessRequest
from portal.mail import OutgoingMail
from portal.models import AuditEvent, Organisation, OrgKind, Role, User
from portal.notifications import Notification
from tests import factories
from tests.conftest import visible_text


def _users_of(db, organisation_id) -> list[str]:
    db.expire_all()
    return sorted(db.scalars(select(User.email).where(User.organisation_id == organisation_id)))


def _mails_to(db, address) -> list[OutgoingMail]:
    return list(db.scalars(select(OutgoingMail).where(OutgoingMail.to_address == address)))


def test_a_buyer_cannot_invite_into_a_supplier_that_holds_none_of_its_contracts(
        client, db, login, post, world):
    # The other buyer's holder, with nobody on the portal yet: not the first buyer's to fill.
    other_buyer = factories.make_user(db, Role.buyer)
    stranger = factories.make_org(db, OrgKind.supplier, name="Entreprise d'un autre acheteur")
    factories.make_contract(db, other_buyer, stranger)
    login(world.buyer)
    page = client.get("/comptes/inviter")
    assert page.status_code == 200
    assert "Entreprise d'un autre acheteur" not in page.text
    assert world.holder.organisation.name in page.text  # the holder of its own contract
    response = post("/comptes/inviter", {"organisation_id": stranger.id,
                                         "email": "intrus@example.fr", "full_name": "Intrus"})
    assert response.status_code == 403
    assert "aucun de vos contrats" in response.text
    assert _users_of(db, stranger.id) == []
    assert db.scalar(select(AccessRequest)) is None


def test_a_buyer_adds_the_first_user_of_a_holder_who_becomes_its_gestionnaire(
        client, db, login, post, world):
    empty_holder = factories.make_org(db, OrgKind.supplier, name="Titulaire sans personne")
    factories.make_contract(db, world.buyer, empty_holder)
    login(world.buyer)
    response = post("/comptes/inviter", {"organisation_id": empty_holder.id,
                                         "email": "premiere@titulaire.example.fr",
                                         "full_name": "Première Personne"})
    assert response.status_code == 303
    invited = db.scalar(select(User).where(User.email == "premiere@titulaire.example.fr"))
    assert invited.organisation_id == empty_holder.id and invited.is_manager
    assert [m.kind for m in _mails_to(db, invited.email)] == ["invitation"]
    assert db.scalar(select(AuditEvent).where(AuditEvent.entity == "user",
                                              AuditEvent.entity_id == invited.id,
                                              AuditEvent.action == "invite")).actor_id \
        == world.buyer.id


def test_a_supplier_that_has_people_gets_a_request_its_gestionnaires_accept(
        client, db, login, post, world):
    manager = world.holder  # the first person of the holder: its gestionnaire
    assert manager.is_manager
    login(world.buyer)
    response = post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                                         "email": "nouveau@titulaire.example.fr",
                                         "full_name": "Nouveau Venu"})
    assert response.status_code == 303
    assert "transmise à ses gestionnaires" in client.get("/comptes/inviter").text
    # Nobody added yet: a request, a notification and a mail to the gestionnaire.
    assert "nouveau@titulaire.example.fr" not in _users_of(db, world.holder.organisation_id)
    request = db.scalar(select(AccessRequest))
    assert (request.status, request.requested_by_id) == ("pending", world.buyer.id)
    told = db.scalar(select(Notification).where(Notification.user_id == manager.id))
    assert "Nouveau Venu" in told.message and told.link == "/organisation#demandes"
    assert [m.kind for m in _mails_to(db, manager.email)] == ["access_request"]

    client.cookies.clear()
    login(manager)
    page = client.get("/organisation")
    assert "Demandes d'ajout en attente (1)" in page.text and "nouveau@titulaire" in page.text
    assert post(f"/organisation/demandes/{request.id}/accepter").status_code == 303
    db.expire_all()
    invited = db.scalar(select(User).where(User.email == "nouveau@titulaire.example.fr"))
    assert invited.organisation_id == world.holder.organisation_id and not invited.is_manager
    assert [m.kind for m in _mails_to(db, invited.email)] == ["invitation"]
    assert request.status == "accepted" and request.decided_by_id == manager.id
    assert db.scalar(select(Notification.message).where(
        Notification.user_id == world.buyer.id)).endswith("une invitation lui a été envoyée.")
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "access_request", AuditEvent.entity_id == request.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["request", "accept"]
    # Answered once: a second answer is refused.
    assert post(f"/organisation/demandes/{request.id}/refuser").status_code == 409


def test_a_gestionnaire_refuses_a_request_with_a_reason(client, db, login, post, world):
    login(world.buyer)
    post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                              "email": "refuse@example.fr", "full_name": "Pas Chez Nous"})
    request = db.scalar(select(AccessRequest))
    # The same request twice is not sent twice.
    again = post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                                      "email": "refuse@example.fr", "full_name": "Pas Chez Nous"})
    assert again.status_code == 422 and "déjà en attente" in again.text
    client.cookies.clear()
    login(world.holder)
    response = post(f"/organisation/demandes/{request.id}/refuser",
                    {"comment": "Cette personne ne travaille pas chez nous."})
    assert response.status_code == 303
    db.expire_all()
    assert request.status == "refused"
    assert db.scalar(select(User).where(User.email == "refuse@example.fr")) is None
    message = db.scalar(select(Notification.message).where(
        Notification.user_id == world.buyer.id))
    assert "a été refusée" in message and "ne travaille pas chez nous" in message
    assert db.scalar(select(AuditEvent.comment).where(
        AuditEvent.entity == "access_request", AuditEvent.action == "refuse")) \
        == "Cette personne ne travaille pas chez nous."


def test_only_the_gestionnaires_of_the_organisation_answer_a_request(
        client, db, login, post, world):
    colleague = factories.make_user(db, Role.supplier, organisation=world.holder.organisation)
    outsider = factories.make_user(db, Role.supplier)
    login(world.buyer)
    post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                              "email": "x@example.fr", "full_name": "X"})
    request = db.scalar(select(AccessRequest))
    client.cookies.clear()
    login(colleague)  # same organisation, not a gestionnaire
    assert "Demandes d'ajout" not in client.get("/organisation").text
    assert post(f"/organisation/demandes/{request.id}/accepter").status_code == 403
    client.cookies.clear()
    login(outsider)  # gestionnaire of another supplier
    assert post(f"/organisation/demandes/{request.id}/accepter").status_code == 404
    client.cookies.clear()
    login(world.buyer)  # the requester itself
    assert post(f"/organisation/demandes/{request.id}/accepter").status_code == 404
    db.expire_all()
    assert request.status == "pending"


def test_a_new_holder_registered_by_siret_with_the_contract_then_its_first_user(
        client, db, login, post, world):
    """Rule (a): the buyer creates the organisation by SIRET for one of its own contracts."""
    login(world.buyer)
    form = {"reference": "NOUV-1", "object": "Nettoyage", "nature": "services",
            "kind": "market", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "frequency": "quarterly", "holder_id": "", "new_holder_siret": "418 529 632 00014",
            "new_holder_name": "Nouvelle PME", "new_holder_size": "PME"}
    response = post("/acheteur/contrats/nouveau", form)
    assert response.status_code == 303, visible_text(response.text)
    created = db.scalar(select(Organisation).where(Organisation.siret == "41852963200014"))
    assert (created.name, created.kind, created.size) == ("Nouvelle PME", "supplier", "PME")
    assert db.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.entity == "organisation", AuditEvent.entity_id == created.id)) == world.buyer.id
    response = post("/comptes/inviter", {"organisation_id": created.id,
                                         "email": "Gerant@Nouvelle.example.fr",
                                         "full_name": "Léa Gérante"})
    assert response.status_code == 303
    invited = db.scalar(select(User).where(User.email == "gerant@nouvelle.example.fr"))
    assert invited.is_manager and invited.password_hash is None


def test_a_bad_new_holder_siret_is_shown_on_the_contract_form(client, db, login, post, world):
    login(world.buyer)
    form = {"reference": "NOUV-2", "object": "Nettoyage", "nature": "services",
            "kind": "market", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "frequency": "quarterly", "holder_id": "", "new_holder_siret": "12345678901234",
            "new_holder_name": "Mauvais SIRET"}
    response = post("/acheteur/contrats/nouveau", form)
    assert response.status_code == 422
    assert 'id="new_holder_siret-error"' in response.text
    assert "clé de contrôle incorrecte" in response.text
    assert 'value="Mauvais SIRET"' in response.text  # what was typed is kept
    both = post("/acheteur/contrats/nouveau", {**form, "holder_id": world.holder.organisation_id,
                                               "new_holder_siret": "41852963200014"})
    assert both.status_code == 422 and "l&#39;un ou l&#39;autre" in both.text


def test_administrators_add_the_first_agent_of_a_buyer_organisation_or_ask(
        client, db, login, post, world):
    admin = factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))
    supplier = world.holder.organisation
    login(admin)
    page = client.get("/comptes/inviter")
    assert world.buyer.organisation.name in page.text and supplier.name not in page.text
    # A new buyer organisation by SIRET: its first agent is its gestionnaire.
    response = post("/comptes/inviter", {"siret": "21590350100017", "name": "Ville de Lille",
                                         "email": "agent@lille.example.fr",
                                         "full_name": "Agent Lillois"})
    assert response.status_code == 303
    first = db.scalar(select(User).where(User.email == "agent@lille.example.fr"))
    assert first.organisation.kind == "buyer" and first.role == "buyer" and first.is_manager
    # A buyer organisation with agents: a request to its gestionnaires.
    response = post("/comptes/inviter", {"organisation_id": world.buyer.organisation_id,
                                         "email": "renfort@example.fr", "full_name": "Renfort"})
    assert response.status_code == 303
    request = db.scalar(select(AccessRequest))
    assert request.organisation_id == world.buyer.organisation_id
    # Never into a supplier.
    assert post("/comptes/inviter", {"organisation_id": supplier.id, "email": "y@example.fr",
                                     "full_name": "Y"}).status_code == 403


def test_buyer_agents_of_an_organisation_are_managed_by_its_gestionnaires(
        client, db, login, post, world):
    agent = factories.make_user(db, Role.buyer, organisation=world.buyer.organisation)
    assert world.buyer.is_manager and not agent.is_manager
    login(agent)
    assert client.get("/organisation/inviter").status_code == 403
    assert post("/organisation/inviter", {"email": "z@example.fr", "full_name": "Z"}
                ).status_code == 403
    client.cookies.clear()
    login(world.buyer)
    response = post("/organisation/inviter", {"email": "collegue@metropole.example.fr",
                                              "full_name": "Collègue Acheteur"})
    assert response.status_code == 303
    colleague = db.scalar(select(User).where(User.email == "collegue@metropole.example.fr"))
    assert colleague.role == "buyer" and colleague.organisation_id == world.buyer.organisation_id


def test_the_invite_page_searches_and_lists_what_the_inviter_may_use(
        client, db, login, world):
    for n in range(3):
        holder = factories.make_org(db, OrgKind.supplier, name=f"Menuiserie {n}")
        factories.make_contract(db, world.buyer, holder)
    login(world.buyer)
    page = client.get("/comptes/inviter", params={"q": "menuiserie"})
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page.text)
    assert [o.split(" (")[0] for o in options] == ["Menuiserie 0", "Menuiserie 1",
                                                   "Menuiserie 2"]
    with_people = client.get("/comptes/inviter").text
    assert "a déjà des utilisateurs : demande à ses gestionnaires" in with_people
