"""The facilitator's checks of an insertion declaration, and the buyer's and the holder's side
of them, through HTTP."""

from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.facilitators import FacilitatorAssignment
from portal.mail import OutgoingMail
from portal.models import AuditEvent, OrgKind, Role
from portal.notifications import Notification
from supplier.models import Status
from tests import factories
from tests.conftest import visible_text

YES = {"eligibility_confirmed": "oui", "proof_seen": "oui", "comment": ""}


def _facilitator(db, buyer_org, **assignment):
    organisation = factories.make_org(db, OrgKind.facilitator, name="Maison de l'emploi test")
    db.add(FacilitatorAssignment(facilitator_org_id=organisation.id, buyer_org_id=buyer_org.id,
                                 **assignment))
    db.commit()
    return factories.make_user(db, Role.facilitator, organisation=organisation,
                               full_name="Inès Facilitatrice")


@pytest.fixture
def chain(db, world):
    """The world's contract followed by a facilitator; its first quarter filed (two lines)."""
    facilitator = _facilitator(db, world.buyer.organisation)
    declaration = factories.submit(db, world.declarations[0], world.holder,
                                   factories.line(beneficiary_ref="B-001"),
                                   factories.line(beneficiary_ref="B-002", hours=12))
    db.refresh(declaration)
    return SimpleNamespace(**vars(world), facilitator=facilitator, d=declaration,
                           page=f"/facilitateur/declarations/{declaration.id}")


def _require_opinion(db, organisation, required=True):
    organisation.requires_facilitator_opinion = required
    db.commit()


def test_facilitator_checks_lines_and_gives_each_opinion(client, db, login, post, chain):
    login(chain.facilitator)
    page = client.get(chain.page)
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "B-001" in text and "B-002" in text and "Bénéficiaire du RSA" in text
    first, second = chain.d.insertion_lines
    answer = post(f"{chain.page}/lignes/{first.id}", {
        "version": chain.d.version, "eligibility_confirmed": "oui", "proof_seen": "non",
        "comment": "Attestation Pôle emploi à fournir"})
    assert answer.status_code == 303
    db.refresh(first)
    assert (first.eligibility_confirmed, first.proof_seen, first.check_comment) == (
        True, False, "Attestation Pôle emploi à fournir")
    assert first.checked_by_id == chain.facilitator.id and second.checked_at is None

    for opinion, comment, shown in (("compliant", "", "Conforme"),
                                    ("unverifiable", "", "Non vérifiable"),
                                    ("to_correct", "Justificatif manquant pour B-001",
                                     "À corriger")):
        db.refresh(chain.d)
        answer = post(f"{chain.page}/avis", {"version": chain.d.version, "opinion": opinion,
                                             "comment": comment})
        assert answer.status_code == 303, answer.text
        db.refresh(chain.d)
        assert chain.d.facilitator_opinion == opinion
        assert f"Avis du facilitateur : {shown}" in visible_text(client.get(chain.page).text)
    assert chain.d.facilitator_comment == "Justificatif manquant pour B-001"
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "declaration", AuditEvent.entity_id == chain.d.id,
        AuditEvent.actor_id == chain.facilitator.id)).all()
    assert actions.count("check_line") == 1 and actions.count("facilitator_opinion") == 3

    # The buyer reads the opinion and each line's check beside the line.
    login(chain.buyer)
    review = visible_text(client.get(f"/acheteur/declarations/{chain.d.id}").text)
    assert "Avis du facilitateur : À corriger — Inès Facilitatrice" in review
    assert "Justificatif manquant pour B-001" in review
    assert ("Public éligible confirmé : oui ; justificatif vu : non Attestation Pôle emploi "
            "à fournir") in review
    assert "Non vérifiée" in review


def test_a_line_check_needs_both_answers(client, db, login, post, chain):
    login(chain.facilitator)
    line = chain.d.insertion_lines[0]
    answer = post(f"{chain.page}/lignes/{line.id}", {
        "version": chain.d.version, "eligibility_confirmed": "oui", "comment": "Vu en RDV"})
    assert answer.status_code == 422
    assert "Répondez par oui ou par non." in answer.text
    assert "Vu en RDV" in answer.text  # what was typed is kept
    assert answer.text.count("Répondez par oui ou par non.") == 1  # on that line only
    # Through htmx, that line's check alone comes back, the same.
    swapped = post(f"{chain.page}/lignes/{line.id}", {
        "version": chain.d.version, "eligibility_confirmed": "oui", "comment": "Vu en RDV"},
        headers={"HX-Request": "true"})
    assert swapped.status_code == 422
    assert swapped.text.lstrip().startswith(f'<div id="ligne-{line.id}-verification">')
    assert "Répondez par oui ou par non." in swapped.text and "Vu en RDV" in swapped.text
    assert (f'id="eligibility_confirmed-{line.id}-oui" name="eligibility_confirmed" '
            'value="oui" checked') in swapped.text
    db.refresh(line)
    assert line.checked_at is None


def test_to_correct_without_comment_is_refused_on_the_page(client, db, login, post, chain):
    login(chain.facilitator)
    answer = post(f"{chain.page}/avis", {"version": chain.d.version, "opinion": "to_correct",
                                         "comment": " \u00a0 "})
    assert answer.status_code == 422
    assert "le commentaire est obligatoire" in answer.text
    assert 'id="opinion-to_correct" name="opinion" value="to_correct" checked' in answer.text
    # The same refusal as an htmx swap: the opinion form alone.
    swapped = post(f"{chain.page}/avis", {"version": chain.d.version, "opinion": "to_correct"},
                   headers={"HX-Request": "true"})
    assert swapped.status_code == 422 and swapped.text.lstrip().startswith('<div id="opinion_form"')
    db.refresh(chain.d)
    assert chain.d.facilitator_opinion is None


def test_stale_version_is_refused(client, db, login, post, chain):
    login(chain.facilitator)
    stale = chain.d.version - 1
    answer = post(f"{chain.page}/avis", {"version": stale, "opinion": "compliant"})
    assert answer.status_code == 409
    assert "modifiée entre-temps" in answer.text
    line = chain.d.insertion_lines[0]
    answer = post(f"{chain.page}/lignes/{line.id}", {"version": stale, **YES})
    assert answer.status_code == 409


def test_only_the_attached_facilitator_checks(client, db, login, post, chain):
    other_buyer = factories.make_org(db, OrgKind.buyer)
    stranger = _facilitator(db, other_buyer)
    line = chain.d.insertion_lines[0]
    for user, code in ((stranger, 404), (chain.buyer, 403), (chain.holder, 403)):
        login(user)
        assert client.get(chain.page).status_code == code
        assert post(f"{chain.page}/avis", {"version": chain.d.version,
                                           "opinion": "compliant"}).status_code == code
        assert post(f"{chain.page}/lignes/{line.id}",
                    {"version": chain.d.version, **YES}).status_code == code
    db.refresh(chain.d)
    db.refresh(line)
    assert chain.d.facilitator_opinion is None and line.checked_at is None


def test_a_facilitator_attached_to_other_contracts_only_is_refused(client, db, login, chain):
    other = factories.make_contract(db, chain.buyer, chain.holder.organisation)
    named = _facilitator(db, chain.buyer.organisation, contract_id=other.id)
    login(named)
    assert client.get(chain.page).status_code == 404


def test_a_validated_declaration_is_read_only(client, db, login, post, api, chain):
    assert api(chain.buyer).post(f"/api/v1/declarations/{chain.d.id}/validate",
                                 json={"version": chain.d.version}).status_code == 200
    db.refresh(chain.d)
    login(chain.facilitator)
    page = client.get(chain.page)
    assert page.status_code == 200 and "lecture seule" in page.text
    assert 'action="' + chain.page + '/avis"' not in page.text
    answer = post(f"{chain.page}/avis", {"version": chain.d.version, "opinion": "compliant"})
    assert answer.status_code == 409 and "validée" in answer.text
    line = chain.d.insertion_lines[0]
    assert post(f"{chain.page}/lignes/{line.id}",
                {"version": chain.d.version, **YES}).status_code == 409


def test_the_buyer_waits_for_the_opinion_when_its_organisation_asks(client, db, login, post,
                                                                    api, chain):
    _require_opinion(db, chain.buyer.organisation)
    login(chain.buyer)
    review = client.get(f"/acheteur/declarations/{chain.d.id}")
    assert "n'a pas encore donné son avis" in review.text
    answer = post(f"/acheteur/declarations/{chain.d.id}/valider", {"version": chain.d.version})
    assert answer.status_code == 409
    assert "L'avis du facilitateur est requis avant la validation" in unescape(answer.text)
    assert "Renvoyer pour correction" in answer.text  # the forms are still there
    response = api(chain.buyer).post(f"/api/v1/declarations/{chain.d.id}/validate",
                                     json={"version": chain.d.version})
    assert response.status_code == 409
    assert "avis du facilitateur est requis" in response.json()["detail"]
    db.refresh(chain.d)
    assert chain.d.status == Status.submitted

    login(chain.facilitator)
    assert post(f"{chain.page}/avis", {"version": chain.d.version,
                                       "opinion": "compliant"}).status_code == 303
    db.refresh(chain.d)
    login(chain.buyer)
    answer = post(f"/acheteur/declarations/{chain.d.id}/valider", {"version": chain.d.version})
    assert answer.status_code == 303
    db.refresh(chain.d)
    assert chain.d.status == Status.validated


def test_returning_stays_possible_while_the_opinion_is_awaited(client, db, login, post, chain):
    _require_opinion(db, chain.buyer.organisation)
    login(chain.buyer)
    answer = post(f"/acheteur/declarations/{chain.d.id}/renvoyer",
                  {"version": chain.d.version, "comment": "Lignes incomplètes"})
    assert answer.status_code == 303


def test_without_the_setting_or_without_facilitator_the_buyer_validates(db, api, world, chain):
    """Setting off: validated without opinion; setting on but no facilitator on the contract:
    nothing to wait for."""
    assert api(chain.buyer).post(f"/api/v1/declarations/{chain.d.id}/validate",
                                 json={"version": chain.d.version}).status_code == 200
    lonely_buyer = factories.make_user(db, Role.buyer)
    _require_opinion(db, lonely_buyer.organisation)
    contract = factories.make_contract(db, lonely_buyer, chain.holder.organisation)
    declaration = factories.submit(db, factories.declarations(db, contract)[0], chain.holder)
    assert api(lonely_buyer).post(f"/api/v1/declarations/{declaration.id}/validate",
                                  json={"version": declaration.version}).status_code == 200


def test_a_buyer_gestionnaire_sets_the_rule(client, db, login, post, chain):
    assert chain.buyer.is_manager
    login(chain.buyer)
    page = client.get("/organisation")
    assert "Attendre l'avis du facilitateur" in page.text
    answer = post("/organisation/avis-facilitateur", {"requires_facilitator_opinion": "oui"})
    assert answer.status_code == 303
    db.refresh(chain.buyer.organisation)
    assert chain.buyer.organisation.requires_facilitator_opinion is True
    assert post("/organisation/avis-facilitateur", {}).status_code == 303
    db.refresh(chain.buyer.organisation)
    assert chain.buyer.organisation.requires_facilitator_opinion is False
    events = db.scalars(select(AuditEvent).where(
        AuditEvent.action == "requires_facilitator_opinion")).all()
    assert [(e.from_status, e.to_status) for e in events] == [("off", "on"), ("on", "off")]

    agent = factories.make_user(db, Role.buyer, organisation=chain.buyer.organisation)
    login(agent)
    assert "Les gestionnaires de votre organisation règlent ce choix" in client.get(
        "/organisation").text
    assert post("/organisation/avis-facilitateur",
                {"requires_facilitator_opinion": "oui"}).status_code == 403
    login(chain.holder)
    assert post("/organisation/avis-facilitateur",
                {"requires_facilitator_opinion": "oui"}).status_code == 403
    db.refresh(chain.buyer.organisation)
    assert chain.buyer.organisation.requires_facilitator_opinion is False


def test_the_holder_reads_the_opinion_and_a_new_filing_clears_it(client, db, login, post, api,
                                                                 chain):
    login(chain.facilitator)
    line = chain.d.insertion_lines[0]
    post(f"{chain.page}/lignes/{line.id}", {"version": chain.d.version, **YES,
                                            "comment": "Interne au facilitateur"})
    post(f"{chain.page}/avis", {"version": chain.d.version, "opinion": "to_correct",
                                "comment": "Ajoutez le contrat de travail de B-002."})
    db.refresh(chain.d)
    api(chain.buyer).post(f"/api/v1/declarations/{chain.d.id}/return",
                          json={"version": chain.d.version, "comment": "Voir l'avis."})

    login(chain.holder)
    text = visible_text(client.get(f"/fournisseur/declarations/{chain.d.id}").text)
    assert "Avis du facilitateur : À corriger" in text
    assert "Ajoutez le contrat de travail de B-002." in text
    assert "Interne au facilitateur" not in text  # line checks stay facilitator–buyer
    out = api(chain.holder).get(f"/api/v1/declarations/{chain.d.id}").json()
    assert out["facilitator"]["opinion"] == "to_correct"
    assert out["facilitator"]["comment"] == "Ajoutez le contrat de travail de B-002."
    assert out["facilitator"]["line_checks"] is None
    buyer_out = api(chain.buyer).get(f"/api/v1/declarations/{chain.d.id}").json()
    assert buyer_out["facilitator"]["line_checks"][0] == {
        "line_id": line.id, "beneficiary_ref": "B-001", "eligibility_confirmed": True,
        "proof_seen": True, "comment": "Interne au facilitateur",
        "checked_at": buyer_out["facilitator"]["line_checks"][0]["checked_at"]}
    assert buyer_out["facilitator"]["given_by"] == "Inès Facilitatrice"

    # Filed again as it was: the previous filing's opinion and checks no longer stand.
    db.refresh(chain.d)
    assert api(chain.holder).post(f"/api/v1/declarations/{chain.d.id}/submit",
                                  json={"version": chain.d.version}).status_code == 200
    db.refresh(chain.d)
    db.refresh(line)
    assert chain.d.status == Status.submitted and chain.d.facilitator_opinion is None
    assert chain.d.facilitator_comment is None and line.checked_at is None
    assert line.eligibility_confirmed is None and line.check_comment is None
    out = api(chain.facilitator).get(f"/api/v1/declarations/{chain.d.id}").json()
    assert out["facilitator"]["opinion"] is None
    assert out["facilitator"]["line_checks"][0]["checked_at"] is None
    # The audit keeps what was said of the previous filing.
    assert db.scalar(select(AuditEvent.comment).where(
        AuditEvent.action == "facilitator_opinion", AuditEvent.entity_id == chain.d.id)) == (
        "Ajoutez le contrat de travail de B-002.")


def test_the_facilitator_checks_through_the_api(db, api, chain):
    client = api(chain.facilitator)
    line = chain.d.insertion_lines[1]
    answer = client.post(f"/api/v1/declarations/{chain.d.id}/lines/{line.id}/check", json={
        "version": chain.d.version, "eligibility_confirmed": True, "proof_seen": False,
        "comment": "Attestation attendue"})
    assert answer.status_code == 200, answer.text
    check = answer.json()["facilitator"]["line_checks"][1]
    assert (check["line_id"], check["proof_seen"], check["comment"]) == (
        line.id, False, "Attestation attendue")
    refused = client.post(f"/api/v1/declarations/{chain.d.id}/facilitator-opinion",
                          json={"version": chain.d.version, "opinion": "to_correct"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"comment": "Le commentaire est obligatoire."}
    answer = client.post(f"/api/v1/declarations/{chain.d.id}/facilitator-opinion",
                         json={"version": chain.d.version, "opinion": "to_correct",
                               "comment": "Attestation de B-002 à fournir"})
    assert answer.status_code == 200
    assert answer.json()["facilitator"]["opinion"] == "to_correct"
    stale = client.post(f"/api/v1/declarations/{chain.d.id}/facilitator-opinion",
                        json={"version": chain.d.version, "opinion": "compliant"})
    assert stale.status_code == 409 and "modifiée entre-temps" in stale.json()["detail"]
    for user, code in ((chain.buyer, 403), (chain.holder, 403)):
        assert api(user).post(f"/api/v1/declarations/{chain.d.id}/facilitator-opinion",
                              json={"version": chain.d.version + 1,
                                    "opinion": "compliant"}).status_code == code


def test_an_opinion_tells_the_buyer_and_the_holder_once(client, db, login, post, chain):
    login(chain.facilitator)
    sent = {"version": chain.d.version, "opinion": "to_correct",
            "comment": "Justificatif manquant pour B-002"}
    assert post(f"{chain.page}/avis", sent).status_code == 303
    # The same form sent again (a double click) is stale: refused, nobody told twice.
    assert post(f"{chain.page}/avis", sent).status_code == 409
    told = {user.email: _opinion_notices(db, user) for user in
            (chain.buyer, chain.holder, chain.facilitator)}
    assert [len(n) for n in told.values()] == [1, 1, 0]
    assert told[chain.holder.email][0].message.endswith(": à corriger.")
    mails = db.scalars(select(OutgoingMail).where(OutgoingMail.kind == "declaration_opinion")
                       ).all()
    assert sorted(m.to_address for m in mails) == sorted([chain.buyer.email, chain.holder.email])
    assert all(chain.contract.reference in m.subject
               and "Justificatif manquant pour B-002" in m.text_body for m in mails)


def _opinion_notices(db, user):
    return db.scalars(select(Notification).where(Notification.user_id == user.id,
                                                 Notification.kind == "declaration_opinion")
                      ).all()
