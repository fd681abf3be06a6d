"""Who may see and change what, through the pages and the API."""

import pytest

from execution.review import service as review
from portal.models import OrgKind, Role
from supplier.models import Status
from tests import factories


@pytest.fixture
def outsider_supplier(db):
    return factories.make_user(db, Role.supplier)


@pytest.fixture
def other_buyer(db):
    return factories.make_user(db, Role.buyer)


def test_other_supplier_gets_404_on_pages(client, db, login, post, world, outsider_supplier):
    declaration = world.declarations[0]
    login(outsider_supplier)
    assert client.get(f"/fournisseur/contrats/{world.contract.id}").status_code == 404
    assert client.get(f"/fournisseur/declarations/{declaration.id}").status_code == 404
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {"version": declaration.version, "action": "submit",
                     "beneficiary_ref": "X", "public_category": "RSA", "sex": "F",
                     "age_band": "26_49", "execution_mode": "ETTI", "hours": "10"})
    assert response.status_code == 404
    assert world.contract.reference not in client.get("/fournisseur").text
    db.refresh(declaration)
    assert declaration.status == Status.expected


def test_other_supplier_gets_404_in_the_api(db, api, world, outsider_supplier):
    declaration = world.declarations[0]
    client = api(outsider_supplier)
    assert client.get(f"/api/v1/contracts/{world.contract.id}").status_code == 404
    assert client.get(f"/api/v1/declarations/{declaration.id}").status_code == 404
    assert client.put(f"/api/v1/declarations/{declaration.id}",
                      json={"version": declaration.version, "lines": []}).status_code == 404
    assert client.post(f"/api/v1/declarations/{declaration.id}/submit",
                       json={"version": declaration.version}).status_code == 404
    assert client.get("/api/v1/contracts").json()["total"] == 0
    assert client.get("/api/v1/declarations").json()["total"] == 0


def test_other_buyer_cannot_see_or_validate(client, db, login, post, api, world, other_buyer):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    login(other_buyer)
    assert client.get(f"/acheteur/contrats/{world.contract.id}").status_code == 404
    assert client.get(f"/acheteur/declarations/{declaration.id}").status_code == 404
    response = post(f"/acheteur/declarations/{declaration.id}/valider",
                    {"version": declaration.version})
    assert response.status_code == 404
    response = api(other_buyer).post(f"/api/v1/declarations/{declaration.id}/validate",
                                     json={"version": declaration.version})
    assert response.status_code == 404
    db.refresh(declaration)
    assert declaration.status == Status.submitted


def test_supplier_cannot_validate(client, db, login, post, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    login(world.holder)
    response = post(f"/acheteur/declarations/{declaration.id}/valider",
                    {"version": declaration.version})
    assert response.status_code == 403
    assert "réservée aux agents des acheteurs" in response.text
    response = api(world.holder).post(f"/api/v1/declarations/{declaration.id}/validate",
                                      json={"version": declaration.version})
    assert response.status_code == 403
    db.refresh(declaration)
    assert declaration.status == Status.submitted


def test_buyer_cannot_file_for_the_holder(db, api, world):
    declaration = world.declarations[0]
    response = api(world.buyer).put(f"/api/v1/declarations/{declaration.id}",
                                    json={"version": declaration.version, "lines": []})
    assert response.status_code == 403


def test_co_holder_reads_the_contract_but_does_not_file(client, db, login, post, world):
    co_holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       co_holder_ids=[co_holder.organisation_id])
    declaration = factories.declarations(db, contract)[0]
    login(co_holder)
    page = client.get(f"/fournisseur/contrats/{contract.id}")
    assert page.status_code == 200 and "Seul le titulaire du contrat dépose" in page.text
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {"version": declaration.version, "action": "save"})
    assert response.status_code == 403


def test_buyer_cannot_edit_another_buyers_contract(client, db, login, post, api, world,
                                                   other_buyer):
    login(other_buyer)
    assert client.get(f"/acheteur/contrats/{world.contract.id}/modifier").status_code == 404
    response = api(other_buyer).put(f"/api/v1/contracts/{world.contract.id}", json={})
    assert response.status_code in (404, 422)


def test_supplier_cannot_create_contracts(db, api, world):
    body = factories.contract_data(world.holder.organisation).model_dump(mode="json")
    assert api(world.holder).post("/api/v1/contracts", json=body).status_code == 403


def test_admin_sees_everything_but_reviews_nothing(client, db, login, api, world):
    admin_org = factories.make_org(db, OrgKind.buyer)
    admin = factories.make_user(db, Role.admin, organisation=admin_org)
    declaration = factories.submit(db, world.declarations[0], world.holder)
    login(admin)
    page = client.get("/admin")
    assert page.status_code == 200 and world.holder.organisation.name in page.text
    assert world.holder.email in client.get("/admin/comptes").text
    assert api(admin).get(f"/api/v1/contracts/{world.contract.id}").status_code == 200
    response = api(admin).post(f"/api/v1/declarations/{declaration.id}/validate",
                               json={"version": declaration.version})
    assert response.status_code == 403
    with pytest.raises(Exception, match="agents de l'acheteur"):
        review.validate(db, declaration.id, reviewer=admin, version=declaration.version)


def test_supplier_and_buyer_pages_are_role_bound(client, db, login, world):
    login(world.buyer)
    assert client.get("/fournisseur").status_code == 403
    assert client.get("/admin").status_code == 403
