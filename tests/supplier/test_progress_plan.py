"""Progress plans through HTTP: proposal, changes asked, acceptance, periodic updates with
evidence, where each action stands, revisions."""

from datetime import UTC, date, datetime

import pytest

from portal import clock
from supplier.models import Declaration, Status, Subject
from supplier.plan import accepted_versions
from tests.conftest import visible_text
from tests.supplier.plan_helpers import ACTIONS, PDF, accept_plan, columns, plan_world


@pytest.fixture
def world(db):
    return plan_world(db)


def text(response) -> str:
    return visible_text(response.text).replace("&#39;", "'").replace("\u202f", " ").replace(
        "\xa0", " ")


def as_holder(client, login, world):
    client.cookies.clear()
    login(world.holder)


def as_buyer(client, login, world):
    client.cookies.clear()
    login(world.buyer)


def test_the_contract_expects_a_plan_then_one_update_per_review_period(db, world):
    assert (world.plan.period_start, world.plan.due_on) == (date(2025, 1, 1), date(2025, 3, 2))
    assert len(world.updates) == 8  # quarters of 2025 and 2026
    assert world.updates[0].period_end == date(2025, 3, 31)


def test_plan_proposed_returned_resubmitted_accepted_then_locked(client, db, login, post, world):
    clock.freeze(datetime(2025, 2, 10, 9, tzinfo=UTC))
    plan = world.plan
    as_holder(client, login, world)
    page = client.get(f"/fournisseur/declarations/{plan.id}")
    assert page.status_code == 200 and "proposition de plan" in page.text
    assert page.text.count('name="title"') == 3 and 'enctype="multipart/form-data"' in page.text

    # More rows without JavaScript: what was typed stays.
    response = post(f"/fournisseur/declarations/{plan.id}",
                    {**columns(ACTIONS[:1]), "plan_form": "actions", "version": plan.version,
                     "action": "add_lines"})
    assert response.status_code == 200
    assert response.text.count('name="title"') == 11 and ACTIONS[0]["title"] in response.text

    response = post(f"/fournisseur/declarations/{plan.id}",
                    {**columns(ACTIONS[:2]), "plan_form": "actions", "version": plan.version,
                     "action": "submit",
                     "supplier_comment": "Plan issu de la réunion de lancement"})
    assert response.status_code == 303
    db.refresh(plan)
    assert plan.status == Status.submitted
    assert [(a.key, a.title, a.target) for a in plan.plan_actions] == [
        ("A1", ACTIONS[0]["title"], 60), ("A2", ACTIONS[1]["title"], 12)]

    # The buyer asks for changes: the generic return, with a comment.
    as_buyer(client, login, world)
    review_page = text(client.get(f"/acheteur/declarations/{plan.id}"))
    assert "Réduire les déchets de chantier mis en décharge" in review_page
    assert "Plan issu de la réunion de lancement" in review_page
    assert "Accepter le plan" in review_page and "Demander des modifications" in review_page
    response = post(f"/acheteur/declarations/{plan.id}/renvoyer",
                    {"version": plan.version, "comment": "Ajoutez une action sur les gravats."})
    assert response.status_code == 303

    # The holder finds the comment and the actions with their keys, adds one and resubmits.
    as_holder(client, login, world)
    page = client.get(f"/fournisseur/declarations/{plan.id}")
    assert "Ajoutez une action sur les gravats." in text(page)
    assert 'name="key" value="A1"' in page.text and 'value="31/03/2025"' in page.text
    rows = [{**ACTIONS[0], "key": "A1"}, {**ACTIONS[1], "key": "A2", "target": "14"}, ACTIONS[2]]
    db.refresh(plan)
    response = post(f"/fournisseur/declarations/{plan.id}",
                    {**columns(rows), "plan_form": "actions", "version": plan.version,
                     "action": "submit"})
    assert response.status_code == 303

    # Accepted: validated, locked, version 1 on the contract page.
    as_buyer(client, login, world)
    db.refresh(plan)
    response = post(f"/acheteur/declarations/{plan.id}/valider", {"version": plan.version})
    assert response.status_code == 303
    db.refresh(plan)
    assert plan.status == Status.validated
    assert [(a.key, a.target) for a in plan.plan_actions] == [("A1", 60), ("A2", 14),
                                                               ("A3", 70.5)]
    contract_page = text(client.get(f"/acheteur/contrats/{world.contract.id}"))
    assert "Plan en vigueur : version 1 , acceptée le 10/02/2025, 3 actions" in contract_page
    assert "Versions acceptées du plan" in contract_page

    as_holder(client, login, world)
    page = client.get(f"/fournisseur/declarations/{plan.id}")
    assert "Version 1 du plan, acceptée le 10/02/2025" in text(page)
    assert 'name="title"' not in page.text
    response = post(f"/fournisseur/declarations/{plan.id}",
                    {**columns(rows), "plan_form": "actions", "version": plan.version,
                     "action": "save"})
    assert response.status_code == 409 and "validée" in text(response)
    db.refresh(plan)
    assert len(plan.plan_actions) == 3


def test_periodic_update_with_evidence_then_done_late_and_on_time(client, db, login, post,
                                                                  world):
    accept_plan(db, world)
    first = world.updates[0]
    clock.freeze(datetime(2025, 4, 5, 9, tzinfo=UTC))
    as_holder(client, login, world)
    page = client.get(f"/fournisseur/declarations/{first.id}")
    assert page.status_code == 200
    assert 'name="evidence_A1"' in page.text and "A3 — Valoriser les gravats" in text(page)

    rows = [{"action_key": "A1", "status": "done", "latest_value": "58",
             "comment": "Benne de tri sur chaque chantier"},
            {"action_key": "A2", "status": "in_progress", "latest_value": "5", "comment": ""},
            {"action_key": "A3", "status": "not_started", "latest_value": "", "comment": ""}]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(rows), "plan_form": "updates", "version": first.version,
                     "action": "submit"},
                    files={"evidence_A1": ("bordereaux T1.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, text(response)
    db.refresh(first)
    assert first.status == Status.submitted
    updates = {u.action_key: u for u in first.plan_updates}
    assert updates["A1"].evidence.filename == "bordereaux T1.pdf"
    assert updates["A2"].latest_value == 5 and updates["A2"].evidence is None

    # The buyer reads the update and downloads the evidence, then validates.
    as_buyer(client, login, world)
    review_page = client.get(f"/acheteur/declarations/{first.id}")
    assert "Benne de tri sur chaque chantier" in text(review_page)
    link = f"/documents/{updates['A1'].evidence_document_id}"
    assert link in review_page.text
    download = client.get(link)
    assert download.status_code == 200 and download.content == PDF
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code == 303

    # On 1 August 2025: A1 done, A2 past its deadline (30 June) and not done, A3 due in December.
    clock.freeze(datetime(2025, 8, 1, 9, tzinfo=UTC))
    as_buyer(client, login, world)
    page = text(client.get(f"/acheteur/contrats/{world.contract.id}"))
    assert "1 action réalisée 1 en retard (échéance passée) 1 dans les délais" in page
    assert "A2 — Former les chefs d'équipe au tri Social 30/06/2025 0 personnes " \
           "12 personnes 5 personnes En cours En retard" in page

    # The next update starts from where each action stood.
    as_holder(client, login, world)
    second = world.updates[1]
    page = client.get(f"/fournisseur/declarations/{second.id}")
    assert '<option value="in_progress" selected>' in page.text
    assert 'value="5"' in page.text


def test_the_latest_validated_update_counts_not_a_draft(client, db, login, post, world):
    from execution.review import service as review
    from supplier import service
    from supplier.plan_schemas import PlanUpdateIn, PlanUpdatesIn

    accept_plan(db, world)
    first, second = world.updates[:2]
    keys = ("A1", "A2", "A3")
    data = PlanUpdatesIn(version=first.version, updates=[
        PlanUpdateIn(action_key=k, status="in_progress") for k in keys])
    service.submit(db, first.id, data, user=world.holder)
    review.validate(db, first.id, reviewer=world.buyer, version=first.version)
    service.save_draft(db, second.id, PlanUpdatesIn(version=second.version, updates=[
        PlanUpdateIn(action_key=k, status="done") for k in keys]), user=world.holder)
    db.commit()
    clock.freeze(datetime(2025, 5, 1, 9, tzinfo=UTC))
    as_buyer(client, login, world)
    page = text(client.get(f"/acheteur/contrats/{world.contract.id}"))
    assert "0 action réalisée 1 en retard (échéance passée) 2 dans les délais" in page


def test_an_update_is_refused_while_no_plan_is_accepted(client, db, login, post, api, world):
    first = world.updates[0]
    as_holder(client, login, world)
    page = client.get(f"/fournisseur/declarations/{first.id}")
    assert "Aucun plan de progrès n'a encore été accepté" in text(page)
    response = post(f"/fournisseur/declarations/{first.id}",
                    {"plan_form": "updates", "version": first.version, "action": "submit",
                     "supplier_comment": "Rien à signaler"})
    assert response.status_code == 409
    assert "Aucun plan de progrès n'a encore été accepté" in text(response)
    assert "Rien à signaler" in response.text
    response = api(world.holder).post(f"/api/v1/declarations/{first.id}/submit",
                                      json={"version": first.version})
    assert response.status_code == 409 and "accepté" in response.json()["detail"]
    db.refresh(first)
    assert first.status == Status.expected

    # The contract page says so, with the date the proposal is due.
    page = text(client.get(f"/fournisseur/contrats/{world.contract.id}"))
    assert "Aucun plan de progrès n'a encore été accepté par l'acheteur. La proposition du " \
           "titulaire est attendue pour le 02/03/2025" in page


def test_an_update_must_cover_every_action_before_submission(client, db, login, post, world):
    accept_plan(db, world)
    first = world.updates[0]
    as_holder(client, login, world)
    rows = [{"action_key": "A1", "status": "done"}, {"action_key": "A2", "status": ""},
            {"action_key": "A3", "status": "in_progress"}]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(rows), "plan_form": "updates", "version": first.version,
                     "action": "submit"})
    assert response.status_code == 422
    assert "il manque : A2 « Former les chefs d'équipe au tri »" in text(response)
    assert 'aria-describedby="updates.1.status-error"' in response.text
    db.refresh(first)
    assert first.status == Status.expected and first.plan_updates == []


def test_a_revision_creates_version_2_and_version_1_stays(client, db, login, post, world):
    clock.freeze(datetime(2025, 3, 1, 9, tzinfo=UTC))
    first_version = accept_plan(db, world)
    clock.freeze(datetime(2025, 9, 15, 9, tzinfo=UTC))
    as_holder(client, login, world)
    page = client.get(f"/fournisseur/contrats/{world.contract.id}")
    assert "Proposer une révision du plan" in page.text
    response = post(f"/fournisseur/contrats/{world.contract.id}/plan-de-progres/revision")
    assert response.status_code == 303
    revision = db.get(Declaration, int(response.headers["location"].rsplit("/", 1)[1]))
    assert (revision.subject, revision.status) == (Subject.plan, Status.draft)
    assert (revision.period_start, revision.due_on) == (date(2025, 9, 15), date(2025, 11, 14))
    page = client.get(f"/fournisseur/declarations/{revision.id}")
    assert 'name="key" value="A3"' in page.text and ACTIONS[2]["title"] in page.text

    # A second revision while this one is open is refused.
    response = post(f"/fournisseur/contrats/{world.contract.id}/plan-de-progres/revision")
    assert response.status_code == 409 and "déjà en cours" in text(response)

    # The holder drops A2, moves A3's target, adds an action, and submits; the buyer accepts.
    rows = [{**ACTIONS[0], "key": "A1"}, {**ACTIONS[2], "key": "A3", "target": "80"},
            dict(axis="technical", title="Suivre les bordereaux sur la plateforme",
                 deadline="30/06/2026")]
    response = post(f"/fournisseur/declarations/{revision.id}",
                    {**columns(rows), "plan_form": "actions", "version": revision.version,
                     "action": "submit"})
    assert response.status_code == 303
    as_buyer(client, login, world)
    db.refresh(revision)
    assert post(f"/acheteur/declarations/{revision.id}/valider",
                {"version": revision.version}).status_code == 303

    db.expire_all()
    assert [(v.number, v.actions) for v in accepted_versions(db, revision.commitment_id)] == [
        (1, 3), (2, 3)]
    assert [a.key for a in revision.plan_actions] == ["A1", "A3", "A4"]
    assert [a.key for a in first_version.plan_actions] == ["A1", "A2", "A3"]
    page = text(client.get(f"/acheteur/contrats/{world.contract.id}"))
    assert "Plan en vigueur : version 2 , acceptée le 15/09/2025, 3 actions" in page
    assert "Version 2 (en vigueur) 15/09/2025 3" in page and "Version 1 01/03/2025 3" in page
    assert "Suivre les bordereaux sur la plateforme" in page
    old = text(client.get(f"/acheteur/declarations/{first_version.id}"))
    assert "Version 1 du plan" in old and ACTIONS[1]["title"] in old


def test_a_revision_needs_an_accepted_plan(client, db, login, post, world):
    as_holder(client, login, world)
    assert "Proposer une révision" not in client.get(
        f"/fournisseur/contrats/{world.contract.id}").text
    response = post(f"/fournisseur/contrats/{world.contract.id}/plan-de-progres/revision")
    assert response.status_code == 409 and "pas encore été accepté" in text(response)


def test_the_api_reads_and_writes_actions_and_updates(db, api, world):
    holder = api(world.holder)
    plan = world.plan
    body = {"version": plan.version, "actions": [
        {"axis": "environment", "title": "Réduire les déchets", "target": "60",
         "deadline": "2025-03-31"}]}
    saved = holder.put(f"/api/v1/declarations/{plan.id}", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["content"]["actions"][0] == {
        "key": "A1", "axis": "environment", "title": "Réduire les déchets", "owner": None,
        "indicator": None, "unit": None, "baseline": None, "target": "60.00",
        "deadline": "2025-03-31"}
    submitted = holder.post(f"/api/v1/declarations/{plan.id}/submit",
                            json={"version": saved.json()["version"]})
    validated = api(world.buyer).post(f"/api/v1/declarations/{plan.id}/validate",
                                      json={"version": submitted.json()["version"]})
    assert validated.json()["status"] == "validated"

    first = world.updates[0]
    update = {"action_key": "A1", "status": "done", "latest_value": 55.5}
    saved = holder.put(f"/api/v1/declarations/{first.id}",
                       json={"version": first.version, "updates": [update]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["content"] == {"updates": [
        {"action_key": "A1", "status": "done", "latest_value": "55.50", "comment": None,
         "evidence_document_id": None, "evidence_url": None}]}
    refused = holder.put(f"/api/v1/declarations/{first.id}", json={
        "version": saved.json()["version"], "updates": [{**update, "evidence": "x.pdf"}]})
    assert refused.status_code == 422
    assert "formulaire du portail" in refused.json()["errors"]["updates.0.evidence"]
    wrong_shape = holder.put(f"/api/v1/declarations/{first.id}", json={
        "version": saved.json()["version"], "actions": body["actions"]})
    assert wrong_shape.status_code == 422 and "updates" in wrong_shape.json()["detail"]
