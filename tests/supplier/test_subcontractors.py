"""Sub-contractors the holder declares (issue 15): named on the holder's lines, or filing their
own hours with their own account, and seeing nothing else of the contract."""

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import clock
from portal.commitments import AgecParams
from portal.models import AuditEvent, ContractParty, Organisation, PartyRole, Role
from supplier.models import Declaration, Status
from tests import factories
from tests.conftest import visible_text

SIAE_SIRET = factories.valid_siret(4_440_001)


@pytest.fixture
def site(db):
    """A holder's 2025 contract with insertion hours and AGEC shares."""
    from types import SimpleNamespace

    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, buyer, holder.organisation,
                                       agec=AgecParams(categories=["D2024_TEXTILES"]))
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract)


def _page(site):
    return f"/fournisseur/contrats/{site.contract.id}/sous-traitants"


def _declare(post, site, **fields):
    return post(_page(site), {"siret": SIAE_SIRET, "name": "Régie de quartier Nantes Nord",
                              **fields})


def test_the_holder_declares_a_sub_contractor_by_siret(client, db, login, post, site):
    login(site.holder)
    assert "Aucun sous-traitant déclaré." in client.get(_page(site)).text
    response = _declare(post, site)
    assert response.status_code == 303, response.text
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    assert siae.name == "Régie de quartier Nantes Nord"
    party = db.scalar(select(ContractParty).where(ContractParty.organisation_id == siae.id))
    assert party.role == PartyRole.subcontractor
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "add_subcontractor"))
    text = html.unescape(visible_text(client.get(_page(site)).text))
    assert "Régie de quartier Nantes Nord" in text
    assert "Déclarées par vous, sous-traitant nommé sur la ligne" in text


def test_a_bad_siret_is_explained_and_others_cannot_declare(client, db, login, post, site):
    login(site.holder)
    response = _declare(post, site, siret="12345678901234")
    assert response.status_code == 422
    assert "Régie de quartier Nantes Nord" in response.text  # what was typed stays
    assert 'aria-invalid="true"' in response.text
    stranger = factories.make_user(db, Role.supplier)
    login(stranger)
    assert _declare(post, site).status_code == 404
    login(site.buyer)
    assert _declare(post, site).status_code == 403


def test_a_sub_contractor_named_on_a_line_shows_on_the_review_page(client, db, login, post,
                                                                   site):
    login(site.holder)
    _declare(post, site)
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    declaration = next(d for d in factories.declarations(db, site.contract)
                       if d.commitment.kind == "insertion_hours")
    form_page = client.get(f"/fournisseur/declarations/{declaration.id}").text
    assert "Sous-traitant, ligne 1" in form_page
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        "version": declaration.version, "action": "submit", "beneficiary_ref": "SIAE-01",
        "public_category": "RSA", "sex": "F", "age_band": "26_49",
        "execution_mode": "EMBAUCHE_DIRECTE", "hours": "120",
        "subcontractor_org_id": str(siae.id)})
    assert response.status_code == 303, response.text
    login(site.buyer)
    review = html.unescape(visible_text(
        client.get(f"/acheteur/declarations/{declaration.id}").text))
    assert "Sous-traitant" in review and "Régie de quartier Nantes Nord" in review
    # Named on a line: it stays on the contract.
    login(site.holder)
    response = post(f"{_page(site)}/retrait", {"organisation_id": str(siae.id)})
    assert response.status_code == 409


def test_a_line_cannot_name_another_organisation(client, db, login, post, site):
    stranger = factories.make_org(db)
    login(site.holder)
    declaration = factories.declarations(db, site.contract)[0]
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        "version": declaration.version, "action": "save", "beneficiary_ref": "SIAE-01",
        "public_category": "RSA", "sex": "F", "age_band": "26_49",
        "execution_mode": "EMBAUCHE_DIRECTE", "hours": "12",
        "subcontractor_org_id": str(stranger.id)})
    assert response.status_code == 422


def test_a_sub_contractor_with_its_own_share_files_and_sees_nothing_else(client, db, login,
                                                                         post, api, site):
    login(site.holder)
    assert _declare(post, site, files_own="on").status_code == 303
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    siae_user = factories.make_user(db, Role.supplier, organisation=siae)
    declarations = factories.declarations(db, site.contract)
    own = [d for d in declarations if d.holder_org_id == siae.id]
    assert len(own) == 4 and {d.commitment.kind for d in own} == {"insertion_hours"}
    agec = next(d for d in declarations if d.commitment.kind == "agec_share")

    login(siae_user)
    page = html.unescape(visible_text(
        client.get(f"/fournisseur/contrats/{site.contract.id}").text))
    assert "Heures d'insertion" in page and "AGEC" not in page
    response = post(f"/fournisseur/declarations/{own[0].id}", {
        "version": own[0].version, "action": "submit", "beneficiary_ref": "RQ-07",
        "public_category": "DELD_12M", "sex": "M", "age_band": "26_49",
        "execution_mode": "EMBAUCHE_DIRECTE", "hours": "80"})
    assert response.status_code == 303, response.text
    db.expire_all()
    assert db.get(Declaration, own[0].id).status == Status.submitted
    assert client.get(f"/fournisseur/declarations/{agec.id}").status_code == 404
    listed = client.get("/fournisseur/declarations?state=all").text
    assert f"/fournisseur/declarations/{agec.id}\"" not in listed
    assert client.get(f"{_page(site)}").status_code == 403
    body = api(siae_user).get(f"/api/v1/contracts/{site.contract.id}").json()
    assert [c["kind"] for c in body["commitments"]] == ["insertion_hours"]
    listed = api(siae_user).get("/api/v1/declarations?per_page=100").json()["items"]
    assert {d["id"] for d in listed} == {d.id for d in own}

    # The holder takes the filing back only while the sub-contractor filed nothing.
    login(site.holder)
    response = post(f"{_page(site)}/depot", {"organisation_id": str(siae.id),
                                             "files_own": "non"})
    assert response.status_code == 409


def test_a_sub_contractor_withdrawn_before_filing_leaves_nothing(client, db, login, post, site):
    login(site.holder)
    _declare(post, site, files_own="on")
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    response = post(f"{_page(site)}/retrait", {"organisation_id": str(siae.id)})
    assert response.status_code == 303
    db.expire_all()
    assert not [d for d in factories.declarations(db, site.contract)
                if d.holder_org_id == siae.id]
    assert db.scalar(select(ContractParty).where(ContractParty.organisation_id == siae.id)) \
        is None


def test_the_end_of_contract_survey_leaves_the_sub_contractor_out(db, login, post, site):
    from surveys.models import LaunchReason
    from surveys.service import launch_campaign

    login(site.holder)
    _declare(post, site)
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    db.expire_all()
    campaign = launch_campaign(db, site.contract, reason=LaunchReason.manual)
    involved = {i.respondent_org_id for i in campaign.invitations} | {
        i.subject_org_id for i in campaign.invitations}
    assert site.holder.organisation_id in involved and siae.id not in involved


def test_the_buyer_editing_the_contract_keeps_the_sub_contractor_and_its_share(db, login, post,
                                                                               site):
    from execution import setup

    login(site.holder)
    _declare(post, site, files_own="on")
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    db.expire_all()
    contract = site.contract
    setup.update_contract(db, contract.id, factories.contract_data(
        site.holder.organisation, reference=contract.reference,
        agec=AgecParams(categories=["D2024_TEXTILES"])),
        buyer=site.buyer, version=db.get(type(contract), contract.id).version)
    db.commit()
    db.expire_all()
    assert contract.role_of(siae.id) == PartyRole.subcontractor
    assert len([d for d in factories.declarations(db, contract)
                if d.holder_org_id == siae.id]) == 4


def test_a_sub_contractor_is_not_counted_among_the_awardees(db, login, post, site):
    """The SME and regional indicators count the organisations the contract was awarded to."""
    from datetime import date

    from execution.indicators.service import compute_indicators

    site.contract.notified_on = date(2025, 1, 10)
    site.holder.organisation.size = "GE"
    db.commit()
    before = {i.id: i for i in compute_indicators(db, year=2025,
                                                   buyer_org_id=site.buyer.organisation_id)}
    login(site.holder)
    assert _declare(post, site).status_code == 303
    siae = db.scalar(select(Organisation).where(Organisation.siret == SIAE_SIRET))
    siae.size = "TPE"
    db.commit()
    after = {i.id: i for i in compute_indicators(db, year=2025,
                                                  buyer_org_id=site.buyer.organisation_id)}
    assert before["sme_holders_share"].denominator == after["sme_holders_share"].denominator == 1
    assert after["sme_holders_share"].numerator == 0
