"""Everyone told at each step: a submission tells the buyer's agents and the facilitators attached
to the contract, a review tells the filer's organisation with the comment, a facilitator's opinion
tells both sides; once per event, never the actor, a mail only to those who want mails."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.facilitators import FacilitatorAssignment
from portal.mail import OutgoingMail
from portal.models import OrgKind, Role
from portal.notifications import Notification
from supplier.models import FacilitatorOpinion, Status
from supplier.notices import opinion_given
from tests import factories

ROW = {"beneficiary_ref": "B-1", "public_category": "RSA", "sex": "F", "age_band": "26_49",
       "execution_mode": "ETTI", "hours": "35"}


def _facilitator(db, buyer, contract=None):
    organisation = factories.make_org(db, OrgKind.facilitator)
    db.add(FacilitatorAssignment(facilitator_org_id=organisation.id,
                                 buyer_org_id=buyer.organisation_id,
                                 contract_id=contract.id if contract else None))
    db.commit()
    return factories.make_user(db, Role.facilitator, organisation=organisation)


@pytest.fixture
def team(db, world):
    """Around the world's contract: a buyer colleague who turned mails off, a holder colleague,
    facilitators attached to the buyer (all contracts), to this contract, to another contract
    only and to another buyer, and another buyer organisation."""
    other_contract = factories.make_contract(db, world.buyer, world.holder.organisation)
    other_buyer = factories.make_user(db, Role.buyer)
    team = SimpleNamespace(
        **vars(world),
        quiet_buyer=factories.make_user(db, Role.buyer, organisation=world.buyer.organisation),
        colleague=factories.make_user(db, Role.supplier,
                                      organisation=world.holder.organisation),
        facilitator=_facilitator(db, world.buyer),
        on_this_contract=_facilitator(db, world.buyer, world.contract),
        elsewhere=_facilitator(db, world.buyer, other_contract),
        other_buyers=_facilitator(db, other_buyer),
        other_buyer=other_buyer,
        declaration=world.declarations[0])
    team.quiet_buyer.mail_alerts = False
    db.commit()
    return team


def _told(db, user) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id)))


def _mails(db, user=None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    if user is not None:
        query = query.where(OutgoingMail.to_address == user.email)
    return list(db.scalars(query))


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _counts(db) -> tuple[int, int]:
    return len(db.scalars(select(Notification.id)).all()), len(_mails(db))


def _submit_page(login, post, team, declaration):
    login(team.holder)
    return post(f"/fournisseur/declarations/{declaration.id}",
                {**ROW, "version": declaration.version, "action": "submit",
                 "supplier_comment": "Heures de mars comprises."})


def test_a_submission_tells_the_buyer_agents_and_the_attached_facilitators_once(
        client, db, login, post, team):
    declaration = team.declaration
    assert _submit_page(login, post, team, declaration).status_code == 303
    title = _plain(team.contract.title)

    for user, link in ((team.buyer, f"/acheteur/declarations/{declaration.id}"),
                       (team.quiet_buyer, f"/acheteur/declarations/{declaration.id}"),
                       (team.facilitator, f"/facilitateur/declarations/{declaration.id}"),
                       (team.on_this_contract, f"/facilitateur/declarations/{declaration.id}")):
        [notice] = _told(db, user)
        assert notice.kind == "declaration_submit" and notice.link == link
        assert team.holder.organisation.name in notice.message
    for user in (team.holder, team.colleague, team.elsewhere, team.other_buyers,
                 team.other_buyer):
        assert _told(db, user) == []
    # Mails: one each to those who want them; the colleague who turned mails off has the bell.
    assert sorted(m.to_address for m in _mails(db)) == sorted(
        u.email for u in (team.buyer, team.facilitator, team.on_this_contract))
    [mail] = _mails(db, team.buyer)
    assert _plain(mail.subject) == f"Déclaration à examiner — contrat {title}"
    assert team.contract.reference in mail.text_body
    assert f"/acheteur/declarations/{declaration.id}" in mail.text_body
    assert "Heures de mars comprises." in mail.text_body
    [mail] = _mails(db, team.facilitator)
    assert f"/facilitateur/declarations/{declaration.id}" in mail.text_body

    # The same form sent again (a double click): refused, nobody told twice.
    before = _counts(db)
    again = post(f"/fournisseur/declarations/{declaration.id}",
                 {**ROW, "version": declaration.version, "action": "submit"})
    assert again.status_code == 409
    assert _counts(db) == before


def test_the_buyer_sees_the_submission_in_the_bell(client, db, login, post, team):
    _submit_page(login, post, team, team.declaration)
    client.cookies.clear()
    login(team.buyer)
    page = client.get("/notifications")
    assert "a déposé la déclaration" in _plain(page.text).replace("&#39;", "'")


def test_return_validate_and_reopen_tell_the_filer_with_the_comment(db, api, team):
    declaration = team.declaration
    factories.submit(db, declaration, team.holder)
    buyer = api(team.buyer)
    title = _plain(team.contract.title)

    def holder_mails():
        return [(_plain(m.subject), m.to_address, m.text_body) for m in _mails(db)
                if m.to_address in (team.holder.email, team.colleague.email)]

    # Returned with a comment: both holder users told, the buyer (the actor) not.
    db.refresh(declaration)
    returned = buyer.post(f"/api/v1/declarations/{declaration.id}/return",
                          json={"version": declaration.version,
                                "comment": "La ligne B-001 dépasse le plafond mensuel."})
    assert returned.status_code == 200, returned.text
    mails = holder_mails()
    assert {to for _, to, _ in mails} == {team.holder.email, team.colleague.email}
    assert {subject for subject, _, _ in mails} == {
        f"Déclaration renvoyée pour correction — contrat {title}"}
    assert all("La ligne B-001 dépasse le plafond mensuel." in text for _, _, text in mails)
    assert all(f"/fournisseur/declarations/{declaration.id}" in text for _, _, text in mails)
    assert [n.kind for n in _told(db, team.holder)] == ["declaration_return"]
    assert [n.kind for n in _told(db, team.buyer)] == ["declaration_submit"]

    # The same return sent again: 409, nothing more.
    before = _counts(db)
    assert buyer.post(f"/api/v1/declarations/{declaration.id}/return",
                      json={"version": declaration.version, "comment": "Encore"}
                      ).status_code == 409
    assert _counts(db) == before

    # Corrected and filed again: a new event, the buyer's agents are told again.
    holder = api(team.holder)
    version = returned.json()["version"]
    assert holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                       json={"version": version}).status_code == 200
    subjects = [_plain(m.subject) for m in _mails(db, team.buyer)]
    assert subjects == [f"Déclaration à examiner — contrat {title}",
                        f"Déclaration corrigée à examiner — contrat {title}"]
    assert [n.kind for n in _told(db, team.facilitator)] == [
        "declaration_submit", "declaration_resubmit"]

    # Validated: the holder's users told; the second click gets 409 and tells nobody again.
    db.refresh(declaration)
    body = {"version": declaration.version}
    assert buyer.post(f"/api/v1/declarations/{declaration.id}/validate", json=body
                      ).status_code == 200
    before = _counts(db)
    assert buyer.post(f"/api/v1/declarations/{declaration.id}/validate", json=body
                      ).status_code == 409
    assert _counts(db) == before
    assert [n.kind for n in _told(db, team.colleague)] == [
        "declaration_return", "declaration_validate"]
    assert f"Déclaration validée — contrat {title}" in [s for s, _, _ in holder_mails()]

    # Reopened: told again, with the reason.
    db.refresh(declaration)
    assert buyer.post(f"/api/v1/declarations/{declaration.id}/reopen",
                      json={"version": declaration.version,
                            "comment": "Erreur de saisie signalée par le facilitateur."}
                      ).status_code == 200
    [reopened] = [text for subject, to, text in holder_mails()
                  if subject.startswith("Déclaration rouverte") and to == team.holder.email]
    assert "Erreur de saisie signalée par le facilitateur." in reopened
    assert _told(db, team.facilitator)[-1].kind == "declaration_resubmit"  # not the reviews


def test_a_return_through_the_page_tells_the_holder(client, db, login, post, team):
    declaration = factories.submit(db, team.declaration, team.holder)
    db.refresh(declaration)
    login(team.buyer)
    response = post(f"/acheteur/declarations/{declaration.id}/renvoyer",
                    {"version": declaration.version, "comment": "Précisez le public."})
    assert response.status_code == 303
    [mail] = [m for m in _mails(db, team.holder) if m.kind == "declaration_return"]
    assert "Précisez le public." in mail.text_body and "Précisez le public." in mail.html_body
    client.cookies.clear()
    login(team.holder)
    assert "vous renvoie la déclaration" in _plain(client.get("/notifications").text)


def test_a_facilitator_opinion_tells_the_buyer_and_the_holder(db, team):
    declaration = factories.submit(db, team.declaration, team.holder)
    db.refresh(declaration)
    declaration.facilitator_opinion = FacilitatorOpinion.to_correct
    declaration.facilitator_comment = "Justificatif d'éligibilité manquant pour B-001."
    declaration.facilitator_by_id = team.facilitator.id
    db.flush()
    before = {u.id: len(_told(db, u)) for u in (team.buyer, team.holder, team.facilitator)}
    opinion_given(db, declaration, team.facilitator)
    db.commit()
    for user in (team.buyer, team.quiet_buyer, team.holder, team.colleague):
        assert _told(db, user)[-1].kind == "declaration_opinion"
    assert len(_told(db, team.facilitator)) == before[team.facilitator.id]  # the actor
    assert not any(n.kind == "declaration_opinion" for n in _told(db, team.on_this_contract))
    title = _plain(team.contract.title)
    for user, link in ((team.buyer, "/acheteur"), (team.holder, "/fournisseur")):
        [mail] = [m for m in _mails(db, user) if m.kind == "declaration_opinion"]
        assert _plain(mail.subject) == f"Avis du facilitateur : à corriger — contrat {title}"
        assert "Justificatif d'éligibilité manquant pour B-001." in mail.text_body
        assert f"{link}/declarations/{declaration.id}" in mail.text_body
    assert not [m for m in _mails(db, team.quiet_buyer)]
    # Called again for the same opinion: nothing more.
    before = _counts(db)
    opinion_given(db, declaration, team.facilitator)
    assert _counts(db) == before


def test_an_inactive_user_is_not_told(db, api, team):
    team.colleague.is_active = False
    db.commit()
    factories.submit(db, team.declaration, team.holder)
    db.refresh(team.declaration)
    assert api(team.buyer).post(f"/api/v1/declarations/{team.declaration.id}/validate",
                                json={"version": team.declaration.version}).status_code == 200
    db.expire_all()
    assert team.declaration.status == Status.validated
    assert _told(db, team.colleague) == [] and _mails(db, team.colleague) == []
    assert [n.kind for n in _told(db, team.holder)] == ["declaration_validate"]
