"""The facilitator answers the end-of-contract survey of the insertion contracts it follows, as a
third party with its own question bank."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import clock
from portal.facilitators import FacilitatorAssignment
from portal.models import OrgKind, Role
from surveys.jobs import close_expired_campaigns, launch_campaigns, launch_ended_contracts
from surveys.models import Campaign, Invitation
from tests import factories
from tests.surveys.conftest import LAUNCH_DAY, at, page_text

FACILITATOR_ANSWERS = {1: "4", 2: "3", 3: "5", 4: "yes", 5: "unknown", 6: "4", 7: "na",
                       8: "9", 9: "Tutorat exemplaire sur le chantier."}


@pytest.fixture
def insertion(db):
    """Two contracts of one buyer ended on 31/12/2025, one with insertion hours; the Maison de
    l'emploi follows all the buyer's insertion contracts, a PLIE works for another buyer."""
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Ville de Roubaix-Est"))
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Bâtir Ensemble"))
    followed = factories.make_contract(db, buyer, holder.organisation, reference="INS-2025")
    plain = factories.make_contract(db, buyer, holder.organisation, insertion=None,
                                    reference="SANS-CLAUSE")
    other_buyer = factories.make_user(db, Role.buyer)
    maison, plie = (factories.make_org(db, OrgKind.facilitator, name=name)
                    for name in ("Maison de l'emploi du Val", "PLIE des Deux Rives"))
    db.add_all([FacilitatorAssignment(facilitator_org_id=maison.id,
                                      buyer_org_id=buyer.organisation_id),
                FacilitatorAssignment(facilitator_org_id=plie.id,
                                      buyer_org_id=other_buyer.organisation_id)])
    db.commit()
    people = SimpleNamespace(
        buyer=buyer, holder=holder, followed=followed, plain=plain, other_buyer=other_buyer,
        facilitator=factories.make_user(db, Role.facilitator, organisation=maison),
        other_facilitator=factories.make_user(db, Role.facilitator, organisation=plie))
    clock.freeze(at(LAUNCH_DAY, 5))
    launch_ended_contracts(db, LAUNCH_DAY)
    launch_campaigns(db)  # tells every respondent
    db.commit()
    clock.freeze(at(date(2026, 1, 10)))
    return people


def _invitations(db, contract) -> list[Invitation]:
    db.expire_all()
    campaign = db.scalar(select(Campaign).where(Campaign.contract_id == contract.id))
    return campaign.invitations


def _facilitator_invitation(db, contract) -> Invitation:
    return next(i for i in _invitations(db, contract)
                if i.direction == "facilitator_rates_clause")


def test_the_facilitator_is_invited_on_the_insertion_contract_it_follows_only(
        client, db, login, insertion):
    invited = {(i.direction, i.respondent.name, i.subject.name)
               for i in _invitations(db, insertion.followed)}
    assert ("facilitator_rates_clause", "Maison de l'emploi du Val", "Bâtir Ensemble") in invited
    assert len(invited) == 3
    assert {i.direction for i in _invitations(db, insertion.plain)} == {
        "buyer_rates_holder", "holder_rates_buyer"}

    login(insertion.facilitator)
    notices = page_text(client.get("/notifications"))
    assert ("Enquête de fin de contrat INS-2025 : donnez votre avis sur la clause d'insertion "
            "exécutée par Bâtir Ensemble avant le 31/01/2026.") in notices
    assert 'href="/facilitateur/enquetes"' in client.get("/facilitateur").text
    listing = page_text(client.get("/facilitateur/enquetes"))
    assert "À remplir (1)" in listing and "INS-2025" in listing
    assert "SANS-CLAUSE" not in listing
    assert "INS-2025" not in page_text(client.get("/facilitateur/enquetes?q=sans"))
    # The general survey pages stay closed to facilitators.
    invitation = _facilitator_invitation(db, insertion.followed)
    assert client.get("/enquetes").status_code == 403
    assert client.get(f"/enquetes/{invitation.id}").status_code == 403


def test_the_facilitator_answers_its_own_bank(client, db, login, post, insertion):
    invitation = _facilitator_invitation(db, insertion.followed)
    url = f"/facilitateur/enquetes/{invitation.id}"
    login(insertion.facilitator)
    page = client.get(url)
    assert page.status_code == 200
    text = page_text(page)
    assert "Votre évaluation de Bâtir Ensemble" in text
    assert ("4. Les heures déclarées par le titulaire correspondent-elles à celles que vous "
            "avez constatées ?") in text
    assert "L'acheteur, pour qui vous suivez la clause d'insertion, lit vos réponses" in text
    fields = {a.position: f"q-{a.id}" for a in invitation.answers}

    # Submitting with answers missing: refused in French, what was typed kept.
    refused = post(url, {fields[1]: "4", fields[9]: "Bon début.", "action": "submit"})
    assert refused.status_code == 422
    assert "il manque des réponses" in page_text(refused)
    assert "Bon début." in refused.text
    assert post(url, {fields[1]: "7", "action": "save"}).status_code == 422

    response = post(url, {fields[p]: v for p, v in FACILITATOR_ANSWERS.items()}
                    | {"action": "submit"})
    assert response.status_code == 303
    page = page_text(client.get(url))
    assert "Vos réponses ont été déposées le 10/01/2026" in page
    assert post(url, {fields[1]: "2", "action": "save"}).status_code == 409
    assert "Réponses déposées (1)" in page_text(client.get("/facilitateur/enquetes"))


def test_other_facilitators_and_organisations_never_reach_it(client, db, login, post,
                                                              insertion):
    invitation = _facilitator_invitation(db, insertion.followed)
    url = f"/facilitateur/enquetes/{invitation.id}"
    login(insertion.other_facilitator)
    assert client.get(url).status_code == 404
    assert post(url, {"action": "save"}).status_code == 404
    assert "INS-2025" not in page_text(client.get("/facilitateur/enquetes"))
    client.cookies.clear()
    login(insertion.holder)
    assert client.get(url).status_code == 403
    client.cookies.clear()
    login(insertion.other_buyer)
    assert client.get(f"/enquetes/{invitation.id}").status_code == 404
    # The facilitator's evaluation of the holder is not one of the holder's own invitations.
    buyer_side = next(i for i in _invitations(db, insertion.followed)
                      if i.direction == "buyer_rates_holder")
    client.cookies.clear()
    login(insertion.facilitator)
    assert client.get(f"/facilitateur/enquetes/{buyer_side.id}").status_code == 404


def test_the_buyer_reads_it_at_once_the_holder_at_the_closing(client, db, login, post,
                                                              insertion):
    invitation = _facilitator_invitation(db, insertion.followed)
    login(insertion.facilitator)
    fields = {a.position: f"q-{a.id}" for a in invitation.answers}
    assert post(f"/facilitateur/enquetes/{invitation.id}",
                {fields[p]: v for p, v in FACILITATOR_ANSWERS.items()} | {"action": "submit"}
                ).status_code == 303

    client.cookies.clear()
    login(insertion.buyer)
    page = page_text(client.get(f"/enquetes/{invitation.id}"))
    assert "Réponses de Maison de l'emploi du Val" in page
    assert "Tutorat exemplaire sur le chantier." in page
    results = page_text(client.get(f"/enquetes/resultats/contrats/{insertion.followed.id}"))
    assert "Évaluation de la clause d'insertion par le facilitateur" in results
    assert "Tutorat exemplaire sur le chantier." in results
    # The two parties' double-blind is untouched: the holder has not answered yet.
    holder_side = next(i for i in _invitations(db, insertion.followed)
                       if i.direction == "holder_rates_buyer")
    assert "Réponses de" not in page_text(client.get(f"/enquetes/{holder_side.id}"))

    client.cookies.clear()
    login(insertion.holder)
    page = page_text(client.get(f"/enquetes/{invitation.id}"))
    assert "vous pourrez la lire à la clôture de l'enquête" in page
    assert "Tutorat exemplaire" not in page
    results = page_text(client.get(f"/enquetes/resultats/contrats/{insertion.followed.id}"))
    assert "Tutorat exemplaire" not in results
    received = page_text(client.get("/enquetes?vue=recues"))
    assert "Maison de l'emploi du Val" in received
    assert "Déposée ; lisible à la clôture (31/01/2026)" in received

    clock.freeze(at(date(2026, 2, 1), 4))
    close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    client.cookies.clear()
    login(insertion.holder)
    page = page_text(client.get(f"/enquetes/{invitation.id}"))
    assert "Tutorat exemplaire sur le chantier." in page


def test_the_buyer_edits_the_facilitator_bank_for_the_next_surveys(client, db, login, post,
                                                                     insertion):
    login(insertion.buyer)
    page = page_text(client.get("/enquetes/questions"))
    assert "Évaluation de la clause d'insertion par le facilitateur" in page
    response = post("/enquetes/questions", {
        "direction": "facilitator_rates_clause", "scale": "yes_no",
        "wording": "Le titulaire a-t-il désigné un référent insertion ?"})
    assert response.status_code == 303
    later = factories.make_contract(db, insertion.buyer, insertion.holder.organisation,
                                    reference="INS-2026", ends_on=date(2026, 1, 31))
    clock.freeze(at(date(2026, 2, 1), 5))
    launch_ended_contracts(db, date(2026, 2, 1))
    db.commit()
    asked = [a.wording for a in _facilitator_invitation(db, later).answers]
    assert asked[-1] == "Le titulaire a-t-il désigné un référent insertion ?"
    assert len(asked) == 10
