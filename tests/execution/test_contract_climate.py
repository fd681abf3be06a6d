"""The contract's climate follow-up through the buyer's form and the API: a carbon clause, a
global-cost award criterion and the carbon-report commitment."""

from sqlalchemy import select

from portal.models import CommitmentKind, Contract
from tests import factories
from tests.execution.test_contracts import FORM
from tests.supplier.report_helpers import text

CLIMATE = {"carbon_clause": "on", "global_cost_criterion": "on", "carbon_report": "on"}


def _checked(page: str, name: str) -> bool:
    tag = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
    return "checked" in tag


def test_the_form_sets_the_flags_and_the_carbon_commitment(client, db, login, post, world):
    login(world.buyer)
    blank = client.get("/acheteur/contrats/nouveau").text
    assert "Clause carbone" in blank and "coût global (coût du cycle de vie)" in blank
    assert "R2152-9" in blank and not _checked(blank, "carbon_clause")
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, **CLIMATE, "holder_id": world.holder.organisation_id})
    assert response.status_code == 303, response.text
    contract = db.scalar(select(Contract).where(Contract.reference == FORM["reference"]))
    assert contract.carbon_clause and contract.global_cost_criterion
    carbon = contract.commitment(CommitmentKind.carbon_report)
    assert carbon is not None
    # One carbon declaration per quarter of the contract, like the insertion hours.
    periods = [(d.period_start, d.period_end) for d in factories.declarations(db, contract)
               if d.commitment_id == carbon.id]
    assert len(periods) == 4
    page = text(client.get(response.headers["location"]))
    assert "Clause carbone" in page and "Critère d'attribution fondé sur le coût global" in page
    assert "Émissions de gaz à effet de serre" in page

    edit = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert all(_checked(edit, name) for name in CLIMATE)
    # Unticked: the flags go, and the commitment with its declarations not yet filed.
    response = post(f"/acheteur/contrats/{contract.id}/modifier",
                    {**FORM, "holder_id": world.holder.organisation_id,
                     "version": contract.version})
    assert response.status_code == 303, response.text
    db.expire_all()
    assert not contract.carbon_clause and not contract.global_cost_criterion
    assert contract.commitment(CommitmentKind.carbon_report) is None
    assert "Ni clause carbone ni critère de coût global" in text(
        client.get(f"/acheteur/contrats/{contract.id}"))


def test_a_refused_form_keeps_the_boxes_ticked(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, **CLIMATE, "holder_id": world.holder.organisation_id,
                     "ends_on": "2024-12-31"})
    assert response.status_code == 422
    assert all(_checked(response.text, name) for name in CLIMATE)
    assert db.scalar(select(Contract).where(Contract.reference == FORM["reference"])) is None


def test_the_api_reads_and_writes_the_flags(db, api, world):
    buyer = api(world.buyer)
    body = factories.contract_data(world.holder.organisation, reference="API-CLIMAT",
                                   carbon_clause=True, carbon_report=True
                                   ).model_dump(mode="json")
    created = buyer.post("/api/v1/contracts", json=body)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["carbon_clause"] is True and out["global_cost_criterion"] is False
    assert "carbon_report" in {c["kind"] for c in out["commitments"]}
    updated = buyer.put(f"/api/v1/contracts/{out['id']}",
                        json={**body, "global_cost_criterion": True, "carbon_report": False,
                              "version": out["version"]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["global_cost_criterion"] is True
    assert "carbon_report" not in {c["kind"] for c in updated.json()["commitments"]}
    read = api(world.holder).get(f"/api/v1/contracts/{out['id']}").json()
    assert read["carbon_clause"] is True and read["global_cost_criterion"] is True

    refused = buyer.post("/api/v1/contracts", json={**body, "reference": "API-2",
                                                    "carbon_clause": "oui"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["carbon_clause"] == "Répondez par vrai ou faux."
    # A supplier registers no contract, flags or not.
    assert api(world.holder).post("/api/v1/contracts",
                                  json={**body, "reference": "API-3"}).status_code == 403
