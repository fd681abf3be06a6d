"""The whole path through HTTP: contract, filing, return, resubmission, validation, progress."""

from datetime import UTC, datetime

from portal import clock
from supplier.models import Status
from tests.conftest import visible_text

LINE = {"beneficiary_ref": "B-17", "public_category": "RSA", "sex": "F", "age_band": "26_49",
        "execution_mode": "ETTI", "hours": "120,5"}


def test_contract_to_validated_hours(client, db, login, post, world):
    clock.freeze(datetime(2025, 7, 1, 9, tzinfo=UTC))
    first = world.declarations[0]

    # The holder files the first quarter: a draft, then the submission.
    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{first.id}")
    assert page.status_code == 200 and "1er trimestre 2025" in page.text
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**LINE, "version": first.version, "action": "save"})
    assert response.status_code == 303
    db.refresh(first)
    assert first.status == Status.draft and first.insertion_lines[0].hours == 120.5
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**LINE, "version": first.version, "action": "submit"})
    assert response.status_code == 303
    db.refresh(first)
    assert first.status == Status.submitted

    # The buyer returns it with a comment; the lines stay and the comment shows.
    client.cookies.clear()
    login(world.buyer)
    assert "1er trimestre 2025" in client.get("/acheteur").text
    response = post(f"/acheteur/declarations/{first.id}/renvoyer",
                    {"version": first.version, "comment": "Joindre le relevé de l'ETTI."})
    assert response.status_code == 303
    db.refresh(first)
    assert first.status == Status.returned and len(first.insertion_lines) == 1

    client.cookies.clear()
    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{first.id}")
    assert "Joindre le relevé de l'ETTI." in visible_text(page.text).replace("&#39;", "'")
    assert 'value="B-17"' in page.text
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**LINE, "hours": "130", "version": first.version, "action": "submit"})
    assert response.status_code == 303

    # The buyer validates; the contract page shows the progress.
    client.cookies.clear()
    login(world.buyer)
    db.refresh(first)
    response = post(f"/acheteur/declarations/{first.id}/valider", {"version": first.version})
    assert response.status_code == 303
    db.refresh(first)
    assert first.status == Status.validated
    page = visible_text(client.get(f"/acheteur/contrats/{world.contract.id}").text)
    assert "130,00 h validées à ce jour" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "En retard" in page  # 130 h of 1 000 with half the year gone


def test_the_same_life_cycle_through_the_api(db, api, world):
    holder, buyer = api(world.holder), api(world.buyer)
    declaration = world.declarations[0]
    listed = holder.get("/api/v1/declarations", params={"status": "expected"}).json()["items"]
    assert declaration.id in [d["id"] for d in listed]

    line = {**LINE, "hours": "42.5"}
    saved = holder.put(f"/api/v1/declarations/{declaration.id}",
                       json={"version": declaration.version, "lines": [line, line]})
    assert saved.status_code == 200
    assert saved.json()["status"] == "draft" and saved.json()["content"]["total_hours"] == "85.00"
    submitted = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                            json={"version": saved.json()["version"]})
    assert submitted.json()["status"] == "submitted"
    returned = buyer.post(f"/api/v1/declarations/{declaration.id}/return",
                          json={"version": submitted.json()["version"], "comment": "À revoir"})
    assert returned.json()["review_comment"] == "À revoir"
    assert len(returned.json()["content"]["lines"]) == 2
    resubmitted = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                              json={"version": returned.json()["version"]})
    validated = buyer.post(f"/api/v1/declarations/{declaration.id}/validate",
                           json={"version": resubmitted.json()["version"]})
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    contract = buyer.get(f"/api/v1/contracts/{world.contract.id}").json()
    assert contract["insertion"]["validated_hours"] == "85.00"
