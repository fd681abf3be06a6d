"""Progress plans: permissions, and bad input refused with a clear message, nothing lost."""

import pytest

from portal.models import Role
from supplier import service
from supplier.models import Status
from supplier.plan_schemas import PlanActionIn, PlanProposalIn
from tests import factories
from tests.conftest import visible_text
from tests.pdfs import pdf_with_javascript
from tests.supplier.plan_helpers import ACTIONS, EXECUTABLE, PDF, accept_plan, columns, plan_world


@pytest.fixture
def world(db):
    return plan_world(db)


@pytest.fixture
def draft(db, world):
    """A plan draft already holding one action."""
    service.save_draft(db, world.plan.id, PlanProposalIn(
        version=world.plan.version, actions=[PlanActionIn(**ACTIONS[0])]), user=world.holder)
    db.commit()
    return world.plan


def text(response) -> str:
    return visible_text(response.text).replace("&#39;", "'").replace("&#34;", '"')


def _still_one_action(db, declaration):
    db.expire_all()
    assert declaration.status == Status.draft
    assert [(a.key, a.title) for a in declaration.plan_actions] == [("A1", ACTIONS[0]["title"])]


@pytest.mark.parametrize(("change", "key", "message"), [
    ({"title": ""}, "title", "Ce champ est obligatoire."),
    ({"deadline": "32/13/2025"}, "deadline", "Saisissez une date valide (jj/mm/aaaa)."),
    ({"deadline": "demain"}, "deadline", "Saisissez une date valide (jj/mm/aaaa)."),
    ({"deadline": "31/03/0225"}, "deadline", "Saisissez une date plausible"),
    ({"deadline": "31/03/2031"}, "deadline", "L'échéance doit tomber pendant le contrat, du "
                                             "01/01/2025 au 31/12/2026."),
    ({"target": "soixante"}, "target", "Saisissez un nombre (par exemple 12,5)."),
    ({"baseline": "1,234"}, "baseline", "Au plus 2 chiffres après la virgule."),
    ({"axis": "spirituel"}, "axis", "Choisissez une valeur de la liste."),
])
def test_a_bad_action_is_refused_and_what_was_typed_stays(client, db, login, post, world, draft,
                                                         change, key, message):
    login(world.holder)
    rows = [{**ACTIONS[0], "key": "A1"}, {**ACTIONS[1], **change}]
    response = post(f"/fournisseur/declarations/{draft.id}",
                    {**columns(rows), "plan_form": "actions", "version": draft.version,
                     "action": "submit", "supplier_comment": "Mon commentaire"})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert "Ligne 2, " in page
    assert f'aria-describedby="actions.1.{key}-error"' in response.text
    assert ACTIONS[1]["owner"] in response.text and "Mon commentaire" in response.text
    if key != "axis":
        assert f'value="{change[key]}"' in response.text
    _still_one_action(db, draft)


def test_an_empty_plan_cannot_be_submitted(client, db, login, post, world):
    login(world.holder)
    plan = world.plan
    response = post(f"/fournisseur/declarations/{plan.id}",
                    {"plan_form": "actions", "version": plan.version, "action": "submit"})
    assert response.status_code == 422
    assert "Un plan de progrès compte au moins une action" in text(response)
    assert response.text.count('name="title"') == 3
    db.refresh(plan)
    assert plan.status == Status.expected


def test_a_fake_pdf_is_refused_as_evidence_and_the_saved_update_stays(client, db, login, post,
                                                                      world):
    accept_plan(db, world)
    first = world.updates[0]
    login(world.holder)
    rows = [{"action_key": "A1", "status": "done", "comment": "Premier dépôt"},
            {"action_key": "A2", "status": "in_progress"},
            {"action_key": "A3", "status": "not_started"}]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(rows), "plan_form": "updates", "version": first.version,
                     "action": "save"},
                    files={"evidence_A1": ("preuve.pdf", PDF, "application/pdf")})
    assert response.status_code == 303
    db.refresh(first)
    kept_document = first.plan_updates[0].evidence_document_id

    changed = [{**rows[0], "comment": "Nouveau commentaire"}, *rows[1:]]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(changed), "plan_form": "updates", "version": first.version,
                     "action": "submit"},
                    files={"evidence_A2": ("attestation.pdf", EXECUTABLE, "application/pdf")})
    assert response.status_code == 422
    page = text(response)
    assert "n'est pas un document PDF ou PNG ou JPEG valide" in page
    assert "Rien n'a été enregistré : un justificatif est refusé." in page
    assert "Ligne 2, justificatif" in page
    assert "sélectionnez-les à nouveau" in page
    assert "Nouveau commentaire" in response.text  # what was typed is shown again
    db.expire_all()
    assert first.status == Status.draft
    assert [(u.action_key, u.comment, u.evidence_document_id) for u in first.plan_updates][0] == (
        "A1", "Premier dépôt", kept_document)
    assert all(u.evidence_document_id is None for u in first.plan_updates[1:])


def test_a_status_is_needed_when_an_action_gets_a_value(client, db, login, post, world):
    accept_plan(db, world)
    first = world.updates[0]
    login(world.holder)
    rows = [{"action_key": "A1", "status": "", "latest_value": "12"},
            {"action_key": "A2", "status": ""}, {"action_key": "A3", "status": ""}]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(rows), "plan_form": "updates", "version": first.version,
                     "action": "save"})
    assert response.status_code == 422
    assert "Ligne 1, état : Choisissez l'état de l'action." in text(response)
    db.refresh(first)
    assert first.status == Status.expected


def test_other_supplier_gets_404(client, db, login, post, api, world):
    accept_plan(db, world)
    outsider = factories.make_user(db, Role.supplier)
    login(outsider)
    assert client.get(f"/fournisseur/declarations/{world.plan.id}").status_code == 404
    assert client.get(f"/fournisseur/declarations/{world.updates[0].id}").status_code == 404
    response = post(f"/fournisseur/contrats/{world.contract.id}/plan-de-progres/revision")
    assert response.status_code == 404
    response = post(f"/fournisseur/declarations/{world.updates[0].id}",
                    {"plan_form": "updates", "action_key": "A1", "status": "done",
                     "version": world.updates[0].version, "action": "submit"})
    assert response.status_code == 404
    assert api(outsider).get(f"/api/v1/declarations/{world.plan.id}").status_code == 404
    db.refresh(world.updates[0])
    assert world.updates[0].status == Status.expected


def test_buyer_of_another_organisation_gets_404(client, db, login, post, api, world):
    from supplier.plan_schemas import PlanUpdateIn, PlanUpdatesIn

    accept_plan(db, world)
    first = world.updates[0]
    login(world.holder)
    post(f"/fournisseur/declarations/{first.id}",
         {**columns([{"action_key": "A1", "status": "done"}]), "plan_form": "updates",
          "version": first.version, "action": "save"},
         files={"evidence_A1": ("preuve.pdf", PDF, "application/pdf")})
    db.refresh(first)
    document_id = first.plan_updates[0].evidence_document_id
    service.submit(db, first.id, PlanUpdatesIn(version=first.version, updates=[
        PlanUpdateIn(action_key=k, status="done") for k in ("A1", "A2", "A3")]),
        user=world.holder)
    db.commit()

    other_buyer = factories.make_user(db, Role.buyer)
    client.cookies.clear()
    login(other_buyer)
    assert client.get(f"/acheteur/contrats/{world.contract.id}").status_code == 404
    assert client.get(f"/acheteur/declarations/{world.plan.id}").status_code == 404
    assert client.get(f"/acheteur/declarations/{first.id}").status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404
    response = post(f"/acheteur/declarations/{first.id}/valider", {"version": first.version})
    assert response.status_code == 404
    response = api(other_buyer).post(f"/api/v1/declarations/{first.id}/return",
                                     json={"version": first.version, "comment": "Non"})
    assert response.status_code == 404
    db.refresh(first)
    assert first.status == Status.submitted


def test_the_buyer_cannot_propose_a_revision(client, db, login, post, world):
    accept_plan(db, world)
    login(world.buyer)
    response = post(f"/fournisseur/contrats/{world.contract.id}/plan-de-progres/revision")
    assert response.status_code == 403


def test_a_form_of_the_other_shape_is_refused(client, db, login, post, world):
    accept_plan(db, world)
    first = world.updates[0]
    login(world.holder)
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(ACTIONS[:1]), "plan_form": "actions", "version": first.version,
                     "action": "save"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="declaration_form">')
    assert "Cette déclaration est une mise à jour du plan" in text(response)
    db.refresh(first)
    assert first.status == Status.expected


def test_a_pdf_with_javascript_is_refused_as_evidence(client, db, login, post, world):
    accept_plan(db, world)
    first = world.updates[0]
    login(world.holder)
    rows = [{"action_key": "A1", "status": "done", "comment": "Avec script"},
            {"action_key": "A2", "status": "in_progress"},
            {"action_key": "A3", "status": "not_started"}]
    response = post(f"/fournisseur/declarations/{first.id}",
                    {**columns(rows), "plan_form": "updates", "version": first.version,
                     "action": "save"},
                    files={"evidence_A1": ("preuve.pdf", pdf_with_javascript(),
                                           "application/pdf")})
    assert response.status_code == 422
    page = text(response)
    assert "Ce PDF contient du JavaScript" in page
    assert "Rien n'a été enregistré : un justificatif est refusé." in page
    assert "Avec script" in response.text
    db.refresh(first)
    assert first.plan_updates == []
