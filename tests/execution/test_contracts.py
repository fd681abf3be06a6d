"""Buyers register and change contracts; periods to declare follow the contract's dates."""

from datetime import date

from sqlalchemy import select

from portal.models import Contract, Organisation, OrgKind, Role
from supplier.models import Declaration, Status
from tests import factories

FORM = {"reference": "2025-TRX-042", "object": "Rénovation du gymnase Jean-Moulin",
        "kind": "market", "nature": "works", "cpv_code": "45000000-7",
        "amount_excl_vat": "1 250 000,50", "notified_on": "2025-01-15",
        "starts_on": "2025-02-15", "ends_on": "2025-12-31", "frequency": "quarterly",
        "social_clause": "on", "has_insertion": "on", "insertion_target_hours": "2 400",
        "insertion_penalty": "30"}


def test_buyer_creates_a_contract_through_the_page(client, db, login, post, world):
    login(world.buyer)
    assert "Enregistrer un contrat" in client.get("/acheteur/contrats/nouveau").text
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, "holder_id": world.holder.organisation_id})
    assert response.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == "2025-TRX-042"))
    assert contract.buyer_org_id == world.buyer.organisation_id
    assert str(contract.amount_excl_vat) == "1250000.50" and contract.social_clause
    assert contract.holder.id == world.holder.organisation_id
    declarations = factories.declarations(db, contract)
    assert [(d.period_start, d.period_end, d.due_on) for d in declarations] == [
        (date(2025, 2, 15), date(2025, 3, 31), date(2025, 4, 15)),
        (date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 15)),
        (date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 15)),
        (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 15)),
    ]
    page = client.get(response.headers["location"]).text.replace("\u202f", " ")
    assert "2 400" in page and "Rénovation du gymnase Jean-Moulin" in page


def test_contract_form_errors_are_in_french_and_keep_what_was_typed(client, db, login, post,
                                                                    world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, "ends_on": "2024-12-31",
        "cpv_code": "4500", "insertion_target_hours": "-5"})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    assert "Le format n'est pas valide." in text
    assert "La valeur doit être supérieure à 0." in text
    assert "Rénovation du gymnase Jean-Moulin" in text
    assert db.scalar(select(Contract).where(Contract.reference == "2025-TRX-042")) is None


def test_an_htmx_form_with_errors_comes_back_as_its_fragment(client, db, login, post, world):
    """The form posts through htmx: its errors come back in the swapped block, not a 500."""
    login(world.buyer)
    htmx = {"HX-Request": "true"}
    assert 'id="contract_form"' in client.get("/acheteur/contrats/nouveau", headers=htmx).text
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, "insertion_target_hours": "-5"},
        headers=htmx)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="contract_form">')
    assert "La valeur doit être supérieure à 0." in response.text
    assert "Rénovation du gymnase Jean-Moulin" in response.text


def test_dates_in_the_wrong_order_are_explained(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, "ends_on": "2024-12-31"})
    assert response.status_code == 422
    assert "La date de fin doit suivre la date de début." in response.text


def test_a_contract_without_notification_date_is_accepted(client, db, login, post, world):
    """The notification date is optional: the empty field the form sends must not be an error."""
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, "notified_on": ""})
    assert response.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == "2025-TRX-042"))
    assert contract.notified_on is None


def test_duplicate_reference_and_unknown_holder(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, "reference": world.contract.reference, "holder_id": 999_999})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    assert "Un contrat de votre organisation porte déjà cette référence." in text
    assert "Choisissez le titulaire parmi les entreprises du portail." in text


def test_editing_dates_follows_the_periods_and_keeps_filed_ones(client, db, login, post,
                                                                world):
    filed = factories.submit(db, world.declarations[0], world.holder)
    login(world.buyer)
    form = client.get(f"/acheteur/contrats/{world.contract.id}/modifier")
    # The amount in the French format of the hint (« 1 250,50 »).
    assert form.status_code == 200 and 'value="1\u202f000,00"' in form.text
    response = post(f"/acheteur/contrats/{world.contract.id}/modifier", {
        **FORM, "reference": world.contract.reference, "starts_on": "2025-01-01",
        "ends_on": "2025-06-30", "holder_id": world.holder.organisation_id,
        "version": world.contract.version})
    assert response.status_code == 303
    periods = [(d.period_start, d.status) for d in factories.declarations(db, world.contract)]
    assert periods == [(date(2025, 1, 1), Status.submitted), (date(2025, 4, 1), Status.expected)]
    db.refresh(filed)
    assert filed.status == Status.submitted


def test_two_agents_editing_the_same_contract(client, db, login, post, world):
    login(world.buyer)
    base = {**FORM, "reference": world.contract.reference,
            "holder_id": world.holder.organisation_id, "version": world.contract.version}
    assert post(f"/acheteur/contrats/{world.contract.id}/modifier", base).status_code == 303
    response = post(f"/acheteur/contrats/{world.contract.id}/modifier",
                    {**base, "object": "Ma version"})
    assert response.status_code == 409
    assert "modifié entre-temps" in response.text and "Ma version" in response.text


def test_closing_a_contract_early_drops_the_periods_left(client, db, login, post, world):
    from datetime import UTC, datetime

    from portal import clock

    clock.freeze(datetime(2025, 5, 10, tzinfo=UTC))
    login(world.buyer)
    response = post(f"/acheteur/contrats/{world.contract.id}/clore",
                    {"version": world.contract.version})
    assert response.status_code == 303
    periods = [(d.period_start, d.period_end) for d in factories.declarations(db, world.contract)]
    assert periods == [(date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 5, 10))]


def test_contract_api_create_read_update(db, api, world):
    buyer = api(world.buyer)
    body = factories.contract_data(world.holder.organisation, reference="API-1"
                                   ).model_dump(mode="json")
    created = buyer.post("/api/v1/contracts", json=body)
    assert created.status_code == 201
    contract = created.json()
    assert contract["holder"]["id"] == world.holder.organisation_id
    assert contract["insertion"]["target_hours"] == "1000.00"
    assert contract["insertion"]["validated_hours"] == "0.00"
    listed = buyer.get("/api/v1/contracts").json()["items"]
    assert {c["reference"] for c in listed} == {"API-1", world.contract.reference}
    updated = buyer.put(f"/api/v1/contracts/{contract['id']}",
                        json={**body, "object": "Nouvel objet", "version": contract["version"]})
    assert updated.status_code == 200 and updated.json()["object"] == "Nouvel objet"
    stale = buyer.put(f"/api/v1/contracts/{contract['id']}",
                      json={**body, "version": contract["version"]})
    assert stale.status_code == 409
    holder_view = api(world.holder).get(f"/api/v1/contracts/{contract['id']}")
    assert holder_view.status_code == 200


def test_contract_api_validation(db, api, world):
    body = factories.contract_data(world.holder.organisation).model_dump(mode="json")
    response = api(world.buyer).post("/api/v1/contracts", json={**body, "reserved": "yes",
                                                                "amount_excl_vat": -10})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["amount_excl_vat"] == "La valeur ne peut pas être négative."
    assert "reserved" in errors


def test_a_new_buyer_agent_of_the_same_organisation_sees_the_contract(client, db, login,
                                                                       world):
    colleague = factories.make_user(db, Role.buyer, organisation=world.buyer.organisation)
    login(colleague)
    assert client.get(f"/acheteur/contrats/{world.contract.id}").status_code == 200
    assert db.scalar(select(Declaration.id).where(Declaration.id == world.declarations[0].id))


def test_commitments_are_set_and_read_through_the_api(db, api, world):
    body = factories.contract_data(world.holder.organisation, reference="API-2",
                                   kind="concession").model_dump(mode="json")
    body.update(csr_report=True, concession_report=True,
                progress_plan={"review_frequency": "yearly", "plan_due_days": 60})
    created = api(world.buyer).post("/api/v1/contracts", json=body)
    assert created.status_code == 201
    kinds = {c["kind"]: c["params"] for c in created.json()["commitments"]}
    assert set(kinds) == {"insertion_hours", "csr_report", "concession_report", "progress_plan"}
    assert kinds["progress_plan"] == {"review_frequency": "yearly", "plan_due_days": 60}
    market = api(world.buyer).post("/api/v1/contracts", json={
        **body, "reference": "API-3", "kind": "market"})
    assert market.status_code == 422
    assert "ne concerne que les concessions" in str(market.json()["errors"])


def test_the_form_offers_only_the_buyers_own_companies_and_finds_others_by_siret(
        client, db, login, post, world):
    elsewhere = factories.make_org(db, name="Entreprise d'un autre acheteur")
    factories.make_contract(db, factories.make_user(db, Role.buyer), elsewhere)
    login(world.buyer)
    form = client.get("/acheteur/contrats/nouveau").text
    assert world.holder.organisation.name in form
    assert "Entreprise d'un autre acheteur" not in form and elsewhere.siret not in form
    # Typed by SIRET (with spaces), the company already on the portal is found: no name needed,
    # no second organisation.
    spaced = " ".join((elsewhere.siret[:3], elsewhere.siret[3:6], elsewhere.siret[6:9],
                       elsewhere.siret[9:]))
    response = post("/acheteur/contrats/nouveau", {**FORM, "new_holder_siret": spaced})
    assert response.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == FORM["reference"]))
    assert contract.holder.id == elsewhere.id


def test_an_unknown_siret_without_a_name_is_explained_and_the_form_kept(client, login, post,
                                                                       world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {**FORM, "new_holder_siret": "41852963200014"})
    assert response.status_code == 422
    assert "indiquez sa raison sociale" in response.text
    assert 'value="2025-TRX-042"' in response.text and 'value="41852963200014"' in response.text


def test_co_holders_are_named_by_siret(client, db, login, post, world):
    partner = factories.make_org(db, name="Cotraitant Associé")
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id,
        "co_holder_sirets": f"{partner.siret[:9]} {partner.siret[9:]}\n"})
    assert response.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == FORM["reference"]))
    assert [o.id for o in contract.co_holders] == [partner.id]
    edit = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert partner.siret in edit and "Cotraitant Associé" in edit

    unknown = post("/acheteur/contrats/nouveau", {
        **FORM, "reference": "AUTRE", "holder_id": world.holder.organisation_id,
        "co_holder_sirets": "41852963200014"})
    assert unknown.status_code == 422
    assert "Aucune entreprise du portail n&#39;a ce SIRET : 41852963200014" in unknown.text
    same = post("/acheteur/contrats/nouveau", {
        **FORM, "reference": "MEME", "holder_id": world.holder.organisation_id,
        "co_holder_sirets": world.holder.organisation.siret})
    assert same.status_code == 422
    assert "Le titulaire ne peut pas être aussi co-traitant." in same.text


def test_a_co_holder_outside_france_stays_when_the_contract_is_edited(client, db, login, post,
                                                                     world):
    """The DECP import keeps a Belgian co-holder by its VAT number (no SIRET): the buyer's form
    names it « TVA … » and saving the contract keeps it."""
    belgian = Organisation(name="Bouwbedrijf Janssens", kind=OrgKind.supplier,
                           foreign_id_kind="TVA", foreign_id="BE0123456749")
    db.add(belgian)
    db.commit()
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id,
        "co_holder_sirets": "TVA BE0123456749"})
    assert response.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == FORM["reference"]))
    assert [o.id for o in contract.co_holders] == [belgian.id]
    edit = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert "Bouwbedrijf Janssens (TVA BE0123456749)" in edit and "None" not in edit
    assert ">TVA BE0123456749</textarea>" in edit
    unknown = post("/acheteur/contrats/nouveau", {
        **FORM, "reference": "AUTRE", "holder_id": world.holder.organisation_id,
        "co_holder_sirets": "TVA BE9999999999"})
    assert unknown.status_code == 422
    assert "TVA BE9999999999" in unknown.text
