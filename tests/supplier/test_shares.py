"""A commitment split among the holder and co-holders (issue 15): each files its own share,
touches nothing of the others', and the contract page shows each one's hours and the total."""

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from execution import setup
from execution.review import service as review
from portal import clock
from portal.models import Contract, Role
from supplier.models import Declaration, Status
from tests import factories
from tests.conftest import visible_text

FORM = {"reference": "2025-PART-01", "object": "Voirie du quartier Nord", "kind": "market",
        "nature": "works", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "frequency": "quarterly", "has_insertion": "on", "insertion_target_hours": "1 000"}


@pytest.fixture
def shared(db):
    """A 1 000 h contract of a holder and a co-holder, split by the buyer: 600 h and 400 h."""
    from types import SimpleNamespace

    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    partner = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(
        db, buyer, holder.organisation, co_holder_ids=[partner.organisation_id],
        insertion_shares=[{"organisation_id": holder.organisation_id, "target_hours": "600"},
                          {"organisation_id": partner.organisation_id, "target_hours": "400"}])
    declarations = factories.declarations(db, contract)
    return SimpleNamespace(
        buyer=buyer, holder=holder, partner=partner, contract=contract,
        mine=[d for d in declarations if d.holder_org_id == holder.organisation_id],
        theirs=[d for d in declarations if d.holder_org_id == partner.organisation_id])


def _line_form(declaration, action="submit", hours="70", ref="CO-001"):
    return {"version": declaration.version, "action": action, "beneficiary_ref": ref,
            "public_category": "RSA", "sex": "F", "age_band": "26_49",
            "execution_mode": "EMBAUCHE_DIRECTE", "hours": hours}


def _split_on_the_form(db, login, post, holder_hours: str, partner_hours: str):
    """A buyer registers a contract of a holder and a co-holder, splitting its hours."""
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    partner = factories.make_user(db, Role.supplier)
    login(buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": holder.organisation_id,
        "co_holder_sirets": partner.organisation.siret,
        "insertion_shares": f"{holder.organisation.siret} : {holder_hours}\n"
                            f"{partner.organisation.siret} : {partner_hours}"})
    return response, holder, partner


def test_the_buyer_splits_the_commitment_on_the_contract_form(client, db, login, post):
    response, holder, partner = _split_on_the_form(db, login, post, "700", "300")
    assert response.status_code == 303, response.text
    contract = db.scalar(select(Contract).where(Contract.reference == "2025-PART-01"))
    filers = [d.holder_org_id for d in factories.declarations(db, contract)]
    assert filers.count(holder.organisation_id) == 4
    assert filers.count(partner.organisation_id) == 4
    # The edit form shows the split again.
    text = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert f"{partner.organisation.siret} : 300,00" in text


def test_shares_above_the_target_are_refused_in_french(client, db, login, post):
    response, holder, partner = _split_on_the_form(db, login, post, "700", "400")
    assert response.status_code == 422
    text = html.unescape(visible_text(response.text))
    assert "La somme des parts (1 100,00 h) dépasse l'engagement du contrat (1 000,00 h)." \
        in text
    assert 'aria-invalid="true"' in response.text.split('id="insertion_shares"')[1][:200]
    assert db.scalar(select(Contract).where(Contract.reference == "2025-PART-01")) is None


def test_a_share_for_an_organisation_outside_the_contract_is_refused(api, db):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    stranger = factories.make_user(db, Role.supplier)
    body = factories.contract_data(holder.organisation).model_dump(mode="json")
    body["insertion_shares"] = [{"siret": stranger.organisation.siret}]
    response = api(buyer).post("/api/v1/contracts", json=body)
    assert response.status_code == 422
    assert "co-traitants" in response.text


def test_the_api_takes_the_split(api, db):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    partner = factories.make_user(db, Role.supplier)
    body = factories.contract_data(holder.organisation,
                                   co_holder_ids=[partner.organisation_id]).model_dump(mode="json")
    body["insertion_shares"] = [{"organisation_id": partner.organisation_id,
                                 "target_hours": 250}]
    response = api(buyer).post("/api/v1/contracts", json=body)
    assert response.status_code == 201, response.text
    contract = db.get(Contract, response.json()["id"])
    assert {d.holder_org_id for d in factories.declarations(db, contract)} == {
        holder.organisation_id, partner.organisation_id}
    schema = api(buyer).get("/openapi.json").json()["components"]["schemas"]
    assert "insertion_shares" in schema["ContractIn"]["properties"]


def test_a_co_holder_files_and_submits_its_own_share(client, db, login, post, shared):
    login(shared.partner)
    own = shared.theirs[0]
    page = client.get(f"/fournisseur/contrats/{shared.contract.id}").text
    assert "Vous déposez vos propres déclarations" in page
    response = post(f"/fournisseur/declarations/{own.id}", _line_form(own))
    assert response.status_code == 303, response.text
    db.expire_all()
    assert db.get(Declaration, own.id).status == Status.submitted
    login(shared.buyer)
    review = html.unescape(visible_text(client.get(f"/acheteur/declarations/{own.id}").text))
    assert f"Déposée par {shared.partner.organisation.name} (co-traitant)" in review
    login(shared.partner)
    # Its to-do list: its own second quarter (late), not the holder's two.
    todo = visible_text(client.get("/fournisseur/declarations?state=todo").text)
    assert "1 déclaration." in todo
    login(shared.holder)
    todo = visible_text(client.get("/fournisseur/declarations?state=todo").text)
    assert "2 déclarations." in todo


def test_a_co_holder_cannot_touch_the_holders_declaration(client, db, login, post, shared):
    holders = shared.mine[0]
    login(shared.holder)
    assert post(f"/fournisseur/declarations/{holders.id}",
                _line_form(holders, action="save", ref="SECRET-42")).status_code == 303
    db.expire_all()
    holders = db.get(Declaration, holders.id)

    login(shared.partner)
    page = client.get(f"/fournisseur/declarations/{holders.id}")
    assert page.status_code == 200
    assert "SECRET-42" not in page.text and "<form method=\"post\" action=\"/fournisseur/decl" \
        not in page.text
    assert post(f"/fournisseur/declarations/{holders.id}",
                _line_form(holders, action="save")).status_code == 403
    assert post(f"/fournisseur/declarations/{holders.id}",
                _line_form(holders, action="submit")).status_code == 403
    db.expire_all()
    assert db.get(Declaration, holders.id).status == Status.draft
    listed = client.get("/fournisseur/declarations?state=all").text
    assert "SECRET-42" not in listed


def test_the_holder_cannot_file_the_co_holders_share(client, db, login, post, api, shared):
    theirs = shared.theirs[0]
    login(shared.holder)
    assert post(f"/fournisseur/declarations/{theirs.id}",
                _line_form(theirs)).status_code == 403
    response = api(shared.holder).post(f"/api/v1/declarations/{theirs.id}/submit",
                                       json={"version": theirs.version})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Declaration, theirs.id).status == Status.expected


def test_a_holder_change_keeps_the_co_holders_declarations(db, shared):
    factories.submit(db, shared.theirs[0], shared.partner)
    factories.submit(db, shared.mine[0], shared.holder)
    newcomer = factories.make_user(db, Role.supplier)
    contract = shared.contract
    setup.update_contract(db, contract.id, factories.contract_data(
        newcomer.organisation, reference=contract.reference,
        co_holder_ids=[shared.partner.organisation_id],
        insertion_shares=[{"organisation_id": shared.partner.organisation_id,
                           "target_hours": "400"}]),
        buyer=shared.buyer, version=contract.version)
    db.commit()
    db.expire_all()
    assert db.get(Declaration, shared.theirs[0].id).holder_org_id == \
        shared.partner.organisation_id
    assert db.get(Declaration, shared.mine[0].id).holder_org_id == newcomer.organisation_id
    filers = [d.holder_org_id for d in factories.declarations(db, contract)]
    assert filers.count(newcomer.organisation_id) == 4
    assert filers.count(shared.partner.organisation_id) == 4


def test_an_organisation_no_longer_sharing_keeps_only_what_it_filed(db, shared):
    factories.submit(db, shared.theirs[0], shared.partner)
    contract = shared.contract
    setup.update_contract(db, contract.id, factories.contract_data(
        shared.holder.organisation, reference=contract.reference,
        co_holder_ids=[shared.partner.organisation_id]),
        buyer=shared.buyer, version=contract.version)
    db.commit()
    left = [d for d in factories.declarations(db, contract)
            if d.holder_org_id == shared.partner.organisation_id]
    assert [d.id for d in left] == [shared.theirs[0].id]


def test_the_contract_page_shows_each_ones_hours_and_the_total(client, db, login, shared):
    factories.submit(db, shared.mine[0], shared.holder, factories.line(hours=100))
    factories.submit(db, shared.theirs[0], shared.partner, factories.line(hours=40))
    factories.submit(db, shared.theirs[1], shared.partner, factories.line(hours=25))
    review.validate(db, shared.theirs[0].id, reviewer=shared.buyer,
                    version=db.get(Declaration, shared.theirs[0].id).version)
    db.commit()
    for user, url in ((shared.buyer, "/acheteur/contrats/"),
                      (shared.partner, "/fournisseur/contrats/")):
        login(user)
        text = html.unescape(visible_text(client.get(f"{url}{shared.contract.id}").text))
        table = text.split("Heures d'insertion par entreprise qui déclare")[1]
        assert (f"{shared.holder.organisation.name} Titulaire 600,00 h 0,00 h 100,00 h"
                in table)
        assert (f"{shared.partner.organisation.name} Co-traitant 400,00 h 40,00 h "
                "65,00 h" in table)
        assert "Total 40,00 h 165,00 h" in table
    db.expire_all()
    assert db.get(Contract, shared.contract.id).commitments[0].validated_hours == 40


def test_the_api_gives_each_ones_hours(api, db, shared):
    factories.submit(db, shared.theirs[0], shared.partner, factories.line(hours=40))
    body = api(shared.holder).get(f"/api/v1/contracts/{shared.contract.id}").json()
    filers = {f["name"]: f for f in body["insertion"]["filers"]}
    partner = filers[shared.partner.organisation.name]
    assert (partner["role"], partner["target_hours"], partner["filed_hours"]) == (
        "co_holder", "400.00", "40.00")


def test_the_hours_indicator_lists_each_ones_validated_declarations(client, db, login, shared):
    for declaration, user, hours in ((shared.mine[0], shared.holder, 100),
                                     (shared.theirs[0], shared.partner, 40)):
        factories.submit(db, declaration, user, factories.line(hours=hours))
        review.validate(db, declaration.id, reviewer=shared.buyer,
                        version=db.get(Declaration, declaration.id).version)
    db.commit()
    login(shared.buyer)
    text = html.unescape(visible_text(
        client.get("/indicateurs/insertion_hours?annee=2025").text))
    assert "140,00 h" in text
    assert f"{shared.holder.organisation.name} 1er trimestre 2025 100,00 h" in text
    assert f"{shared.partner.organisation.name} 1er trimestre 2025 40,00 h" in text
