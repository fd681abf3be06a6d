"""Review rules: locking, conflicts, audit."""

from sqlalchemy import select

from portal.models import AuditEvent
from supplier.models import Status
from tests import factories


def test_two_reviewers_validating_at_once_one_wins_one_gets_409(client, db, post, login,
                                                                world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    version = declaration.version  # both agents opened the page at this version
    login(world.buyer)
    first = post(f"/acheteur/declarations/{declaration.id}/valider", {"version": version})
    second = post(f"/acheteur/declarations/{declaration.id}/valider", {"version": version})
    assert first.status_code == 303
    assert second.status_code == 409
    assert "a peut-être déjà été traitée" in second.text


def test_concurrent_validation_through_the_api(db, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    colleague = factories.make_user(db, world.buyer.role, organisation=world.buyer.organisation)
    body = {"version": declaration.version}
    answers = [api(user).post(f"/api/v1/declarations/{declaration.id}/validate", json=body)
               for user in (world.buyer, colleague)]
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert "detail" in answers[1].json()


def test_stale_version_is_refused_even_when_the_status_fits(db, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    response = api(world.buyer).post(f"/api/v1/declarations/{declaration.id}/return",
                                     json={"version": declaration.version - 1,
                                           "comment": "Pièces manquantes"})
    assert response.status_code == 409
    assert "modifiée entre-temps" in response.json()["detail"]


def test_validated_declaration_is_locked(client, db, login, post, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    api(world.buyer).post(f"/api/v1/declarations/{declaration.id}/validate",
                          json={"version": declaration.version})
    db.refresh(declaration)
    assert declaration.status == Status.validated

    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{declaration.id}")
    assert "elle n'est plus modifiable" in page.text and 'name="action"' not in page.text
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {"version": declaration.version, "action": "save",
                     "beneficiary_ref": "B-2", "public_category": "RSA", "sex": "M",
                     "age_band": "50_PLUS", "execution_mode": "ETTI", "hours": "999"})
    assert response.status_code == 409
    response = api(world.holder).put(f"/api/v1/declarations/{declaration.id}",
                                     json={"version": declaration.version, "lines": []})
    assert response.status_code == 409
    assert "validée" in response.json()["detail"]
    db.expire_all()
    assert [line.hours for line in declaration.insertion_lines] == [35]


def test_submitted_declaration_cannot_be_edited_by_the_holder(db, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    response = api(world.holder).put(f"/api/v1/declarations/{declaration.id}",
                                     json={"version": declaration.version, "lines": []})
    assert response.status_code == 409


def test_return_needs_a_comment_and_keeps_it_on_the_page(client, db, login, post, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    login(world.buyer)
    response = post(f"/acheteur/declarations/{declaration.id}/renvoyer",
                    {"version": declaration.version, "comment": "  "})
    assert response.status_code == 422
    assert "Le commentaire est obligatoire." in response.text
    db.refresh(declaration)
    assert declaration.status == Status.submitted


def test_reopening_a_validated_declaration_is_audited(db, api, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    buyer = api(world.buyer)
    validated = buyer.post(f"/api/v1/declarations/{declaration.id}/validate",
                           json={"version": declaration.version}).json()
    reopened = buyer.post(f"/api/v1/declarations/{declaration.id}/reopen",
                          json={"version": validated["version"], "comment": "Erreur d'heures"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "returned"
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "declaration",
                                                 AuditEvent.entity_id == declaration.id)
                        .order_by(AuditEvent.id)).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("save", "expected", "draft"),
        ("submit", "draft", "submitted"),
        ("validate", "submitted", "validated"),
        ("reopen", "validated", "returned"),
    ]
    assert events[-1].actor_id == world.buyer.id and events[-1].comment == "Erreur d'heures"
