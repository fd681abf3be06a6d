"""Disputes and mediation through HTTP: the full cycle, who may read a request, bad input."""

import re

import pytest
from sqlalchemy import func, select, update

from execution.mediation.models import MediationAttachment, MediationRequest
from portal import clock
from portal.documents import Document
from portal.mail import OutgoingMail
from portal.models import AuditEvent
from portal.settings import get_settings
from tests.conftest import visible_text
from tests.execution import mediation_world
from tests.execution.mediation_world import at
from tests.pdfs import PDF


@pytest.fixture
def w(db):
    return mediation_world.build(db)


def mails_to(db, user) -> list[OutgoingMail]:
    return list(db.scalars(select(OutgoingMail).where(OutgoingMail.to_address == user.email)
                           .order_by(OutgoingMail.id)))


def request_id(response) -> int:
    return int(re.search(r"/fournisseur/mediation/(\d+)$", response.headers["location"])[1])


def test_the_full_cycle_from_opening_to_closing(client, db, login, post, w):
    clock.freeze(at("2026-03-02"))
    login(w.holder)
    page = client.get(f"/fournisseur/contrats/{w.contract.id}")
    assert f"/fournisseur/contrats/{w.contract.id}/mediation" in page.text
    response = post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                    data={"subject": "Retard de paiement",
                          "description": "La facture de mars n'est pas payée."},
                    files={"piece": ("facture.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    rid = request_id(response)
    # The mediators are told, by mail; the other agents are not.
    mail = mails_to(db, w.mediator)[-1]
    assert "Nouvelle demande de médiation" in mail.subject
    assert f"/acheteur/mediation/{rid}" in mail.text_body
    assert mails_to(db, w.agent) == [] and mails_to(db, w.manager) == []
    attachment = db.scalar(select(MediationAttachment).where(
        MediationAttachment.request_id == rid))
    assert attachment.document.confidential
    assert client.get(f"/mediation/pieces/{attachment.id}").content == PDF

    clock.freeze(at("2026-03-04", 21))
    login(w.mediator)
    listing = visible_text(client.get("/acheteur/mediation").text)
    assert "Retard de paiement" in listing and "En attente du médiateur" in listing
    assert client.get(f"/mediation/pieces/{attachment.id}").status_code == 200
    response = post(f"/acheteur/mediation/{rid}/messages",
                    data={"body": "Le service comptable paie sous huit jours."})
    assert response.status_code == 303
    assert "Réponse du médiateur" in mails_to(db, w.holder)[-1].subject

    clock.freeze(at("2026-03-06"))
    login(w.colleague)  # a colleague of the opener reads and writes too
    page = visible_text(client.get(f"/fournisseur/mediation/{rid}").text)
    assert "Le service comptable paie sous huit jours." in page
    assert "04/03/2026 à 22:00" in page  # the first answer, Paris time
    assert post(f"/fournisseur/mediation/{rid}/messages",
                data={"body": "Merci, nous attendons."}).status_code == 303
    assert "Nouveau message" in mails_to(db, w.mediator)[-1].subject

    clock.freeze(at("2026-03-09"))
    login(w.mediator)
    assert "En attente du médiateur" in visible_text(client.get(f"/acheteur/mediation/{rid}").text)
    response = post(f"/acheteur/mediation/{rid}/cloture",
                    data={"outcome": "accord", "comment": "Facture payée le 8 mars."})
    assert response.status_code == 303
    assert "clôturé" in mails_to(db, w.holder)[-1].text_body
    db.expire_all()
    request = db.get(MediationRequest, rid)
    assert (request.status, request.outcome) == ("closed", "accord")
    assert [e.action for e in db.scalars(select(AuditEvent).where(
        AuditEvent.entity == "mediation_request", AuditEvent.entity_id == rid)
        .order_by(AuditEvent.id))] == ["open", "answer", "reply", "close"]
    # Two and a half days to the first answer, seven to the closing.
    figures = visible_text(client.get("/acheteur/mediation?periode=2026-S1").text)
    assert "Demandes ouvertes 1" in figures and "Demandes clôturées 1" in figures
    assert "Délai moyen de première réponse 2,5 jours (médiane 2,5 jours" in figures
    assert "Délai moyen de clôture 7,0 jours (médiane 7,0 jours" in figures

    # Closed: nobody writes any more (409), the page says so.
    login(w.holder)
    refused = post(f"/fournisseur/mediation/{rid}/messages", data={"body": "Encore un mot"})
    assert refused.status_code == 409
    assert "clôturée" in refused.text and "Encore un mot" not in visible_text(
        client.get(f"/fournisseur/mediation/{rid}").text)
    page = visible_text(client.get(f"/fournisseur/mediation/{rid}").text)
    assert "Accord trouvé" in page and "Facture payée le 8 mars." in page
    login(w.mediator)
    assert post(f"/acheteur/mediation/{rid}/cloture",
                data={"outcome": "desaccord"}).status_code == 409


def test_the_gestionnaire_names_the_mediators_audited(client, db, login, post, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"))
    login(w.agent)
    assert post(f"/acheteur/mediation/{request.id}/cloture",
                data={"outcome": "accord"}).status_code == 403
    assert post(f"/organisation/membres/{w.agent.id}/mediateur",
                data={"mediateur": "oui"}).status_code == 403
    login(w.manager)
    assert "Nommer médiateur" in client.get("/organisation").text
    assert post(f"/organisation/membres/{w.agent.id}/mediateur",
                data={"mediateur": "oui"}).status_code == 303
    assert db.scalar(select(AuditEvent.action).where(
        AuditEvent.entity == "user", AuditEvent.entity_id == w.agent.id)) == "grant_mediator"
    login(w.agent)
    assert "Clôturer la demande" in client.get(f"/acheteur/mediation/{request.id}").text
    # A company has no mediator: it is the other party.
    login(w.holder)
    assert post(f"/organisation/membres/{w.colleague.id}/mediateur",
                data={"mediateur": "oui"}).status_code == 409


def test_without_a_mediator_the_gestionnaires_are_asked_to_name_one(db, w):
    w.mediator.is_mediator = False
    db.commit()
    mediation_world.open_request(db, w, when=at("2026-03-02"))
    assert "aucun médiateur" in mails_to(db, w.manager)[-1].text_body


OUTSIDERS = ["co_holder", "other_supplier", "other_buyer", "facilitator", "admin"]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_only_the_parties_and_the_mediator_see_a_request(client, db, login, post, w, name):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"), with_file=True)
    attachment = request.attachments[0]
    requests_before = db.scalar(select(func.count(AuditEvent.id)))
    login(getattr(w, name))
    for url in (f"/fournisseur/mediation/{request.id}", f"/acheteur/mediation/{request.id}",
                f"/mediation/pieces/{attachment.id}"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/fournisseur/mediation/{request.id}/messages", {"body": "Intrus"}),
                      (f"/acheteur/mediation/{request.id}/messages", {"body": "Intrus"}),
                      (f"/acheteur/mediation/{request.id}/cloture", {"outcome": "accord"})):
        assert post(url, data=data).status_code == 404, url
    # Their own list, when they have one, does not show it; otherwise the list is 404 too.
    for url in ("/fournisseur/mediation", "/acheteur/mediation"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Retard de paiement" not in response.text
    # Nor through the generic download of documents (facilitators: 403 there, as always).
    assert client.get(f"/documents/{attachment.document_id}").status_code in (403, 404)
    assert db.scalar(select(func.count(AuditEvent.id))) == requests_before


def test_the_buyers_agents_are_a_party_they_read_and_write_but_do_not_close(
        client, db, login, post, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"), with_file=True)
    clock.freeze(at("2026-03-03"))
    login(w.agent)
    listing = visible_text(client.get("/acheteur/mediation").text)
    assert "Retard de paiement" in listing
    page = client.get(f"/acheteur/mediation/{request.id}").text
    assert "La facture de mars n'est pas payée." in page.replace("&#39;", "'")
    assert "Clôturer la demande" not in page
    assert client.get(f"/mediation/pieces/{request.attachments[0].id}").content == PDF
    assert post(f"/acheteur/mediation/{request.id}/messages",
                data={"body": "Le mandat part demain."}).status_code == 303
    # Still waiting for the mediator: an agent's word is not the mediator's answer.
    db.refresh(request)
    assert request.status == "open" and request.first_answer_at is None
    assert "Nouveau message de l'acheteur" in mails_to(db, w.holder)[-1].subject
    assert "Nouveau message de l'acheteur" in mails_to(db, w.mediator)[-1].subject
    refused = post(f"/acheteur/mediation/{request.id}/cloture", data={"outcome": "accord"})
    assert refused.status_code == 403 and "Seuls les médiateurs" in refused.text
    db.refresh(request)
    assert request.status == "open"
    login(w.holder)
    thread = visible_text(client.get(f"/fournisseur/mediation/{request.id}").text)
    assert "Le mandat part demain." in thread and "Ville de Naboo, acheteur" in thread


def test_the_buyer_side_never_writes_as_the_supplier_and_back(client, db, login, post, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"))
    login(w.holder)
    assert client.get(f"/acheteur/mediation/{request.id}").status_code == 404
    assert post(f"/acheteur/mediation/{request.id}/cloture",
                data={"outcome": "accord"}).status_code == 404
    login(w.mediator)
    assert client.get(f"/fournisseur/mediation/{request.id}").status_code == 404
    assert client.get(f"/fournisseur/contrats/{w.contract.id}/mediation").status_code == 404


def test_a_request_needs_a_subject_and_keeps_what_was_typed(client, db, login, post, w):
    login(w.holder)
    response = post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                    data={"subject": "  ", "description": "Les pénalités sont injustifiées."})
    assert response.status_code == 422
    assert "Objet : ce champ est obligatoire." in response.text.replace("&#39;", "'")
    assert "Les pénalités sont injustifiées." in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.scalar(select(func.count(MediationRequest.id))) == 0


def test_an_attachment_of_the_wrong_type_is_refused(client, db, login, post, w):
    login(w.holder)
    documents = db.scalar(select(func.count(Document.id)))
    response = post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                    data={"subject": "Pénalités", "description": "Voir la pièce."},
                    files={"piece": ("notes.txt", b"pas un PDF", "application/pdf")})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    assert "n'est pas un document PDF ou PNG ou JPEG valide" in text
    assert "choisissez-le à nouveau" in text and 'value="Pénalités"' in text
    assert "Voir la pièce." in text and 'aria-describedby="piece-error"' in text
    assert db.scalar(select(func.count(MediationRequest.id))) == 0
    assert db.scalar(select(func.count(Document.id))) == documents


def test_an_attachment_too_large_is_refused(client, db, login, post, w, monkeypatch):
    monkeypatch.setattr(get_settings(), "max_upload_bytes", 1024 * 1024)
    login(w.holder)
    response = post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                    data={"subject": "Pénalités", "description": "Voir la pièce."},
                    files={"piece": ("gros.pdf", PDF + b"0" * (1536 * 1024),
                                     "application/pdf")})
    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale de 1 Mo." in response.text
    assert 'value="Pénalités"' in response.text
    assert db.scalar(select(func.count(MediationRequest.id))) == 0


def test_an_empty_answer_and_an_unknown_outcome_are_refused(client, db, login, post, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"))
    login(w.mediator)
    response = post(f"/acheteur/mediation/{request.id}/messages", data={"body": ""})
    assert response.status_code == 422 and "Message : ce champ est obligatoire." in response.text
    response = post(f"/acheteur/mediation/{request.id}/cloture",
                    data={"outcome": "victoire", "comment": "Gardé"})
    assert response.status_code == 422
    assert "Issue : choisissez l'issue de la médiation" in response.text.replace("&#39;", "'")
    assert "Gardé" in response.text
    db.expire_all()
    assert db.get(MediationRequest, request.id).status == "open"


def test_only_an_awardee_opens_a_request_on_its_contract(client, db, login, post, w):
    login(w.other_supplier)
    assert client.get(f"/fournisseur/contrats/{w.contract.id}/mediation").status_code == 404
    assert post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                data={"subject": "S", "description": "D"}).status_code == 404
    # A co-holder opens its own, which its company and the mediators read, not the holder.
    login(w.co_holder)
    response = post(f"/fournisseur/contrats/{w.contract.id}/mediation",
                    data={"subject": "Sous-commande", "description": "Notre part."})
    assert response.status_code == 303
    login(w.holder)
    assert client.get(response.headers["location"]).status_code == 404


def test_the_lists_search_and_filter(client, db, login, w):
    mediation_world.open_request(db, w, when=at("2026-03-02"), subject="Retard de paiement")
    mediation_world.open_request(db, w, when=at("2026-03-03"), subject="Pénalités de retard")
    login(w.mediator)
    text = visible_text(client.get("/acheteur/mediation?q=PÉNALITÉS").text)
    assert "Pénalités de retard" in text and "Retard de paiement" not in text
    text = visible_text(client.get(f"/acheteur/mediation?q={w.contract.reference}").text)
    assert "Pénalités de retard" in text and "Retard de paiement" in text
    assert "Aucune demande" in client.get("/acheteur/mediation?statut=closed").text
    login(w.holder)
    text = visible_text(client.get("/fournisseur/mediation?statut=open").text)
    assert "Pénalités de retard" in text and "Retard de paiement" in text
    fragment = client.get("/fournisseur/mediation?q=paiement", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="results">')


def test_the_api_reads_requests_with_the_same_rule(db, api, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"), with_file=True)
    for user in (w.holder, w.mediator, w.agent):
        listing = api(user).get("/api/v1/mediation-requests?status=open")
        assert listing.status_code == 200
        body = listing.json()
        assert body["total"] == 1 and body["items"][0]["subject"] == "Retard de paiement"
        detail = api(user).get(f"/api/v1/mediation-requests/{request.id}").json()
        assert detail["attachments"] == [f"/mediation/pieces/{request.attachments[0].id}"]
    for user in (w.admin, w.other_supplier, w.other_buyer, w.facilitator):
        assert api(user).get("/api/v1/mediation-requests").json()["total"] == 0
        response = api(user).get(f"/api/v1/mediation-requests/{request.id}")
        assert response.status_code == 404 and "detail" in response.json()
    assert api(w.holder).get("/api/v1/mediation-requests?status=bidon").status_code == 422


def test_two_mediators_closing_at_once_one_gets_a_conflict(client, db, login, post, w):
    request = mediation_world.open_request(db, w, when=at("2026-03-02"))
    login(w.mediator)
    # Another mediator closed it between this page's reading and the click.
    db.execute(update(MediationRequest).where(MediationRequest.id == request.id).values(
        version=MediationRequest.version + 1, status="closed", outcome="desaccord")
        .execution_options(synchronize_session=False))
    response = post(f"/acheteur/mediation/{request.id}/cloture", data={"outcome": "accord"})
    assert response.status_code == 409
    db.expire_all()
    assert db.get(MediationRequest, request.id).outcome == "desaccord"
