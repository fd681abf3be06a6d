"""Exit outcomes: the holder (or the facilitator attached to the contract) records for each
reference of the contract's filed lines what became of the person. Through HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.clock import today
from portal.facilitators import FacilitatorAssignment
from portal.models import AuditEvent, OrgKind, Role
from supplier import exits
from supplier.models import InsertionExit
from tests import factories
from tests.conftest import visible_text


@pytest.fixture
def filed(db, world):
    """Two references filed by the holder (B-001 and B-002), one only in a draft (B-DRAFT)."""
    from supplier import service
    from supplier.schemas import InsertionDeclarationIn

    first, second = world.declarations[:2]
    factories.submit(db, first, world.holder, factories.line(),
                     factories.line(beneficiary_ref="B-002"))
    service.save_draft(db, second.id, InsertionDeclarationIn(
        version=second.version, lines=[factories.line(beneficiary_ref="B-DRAFT")]),
        user=world.holder)
    db.commit()
    return world


def _url(world, side="fournisseur"):
    return f"/{side}/contrats/{world.contract.id}/sorties"


def _exit(db, world, ref):
    db.expire_all()
    return db.scalar(select(InsertionExit).where(InsertionExit.contract_id == world.contract.id,
                                                 InsertionExit.beneficiary_ref == ref))


def test_the_page_lists_the_filed_references(client, login, filed):
    login(filed.holder)
    text = visible_text(client.get(_url(filed)).text)
    assert "2 références" in text and "B-001" in text and "B-002" in text
    assert "B-DRAFT" not in text
    text = visible_text(client.get(_url(filed) + "?q=002").text)
    assert "1 référence correspondant" in text and "B-001" not in text


def test_record_then_update_an_exit(client, db, login, post, filed):
    login(filed.holder)
    response = post(_url(filed), {"beneficiary_ref": "B-002", "outcome": "permanent",
                                  "exited_on": "2025-06-30"})
    assert response.status_code == 303
    assert response.headers["location"] == _url(filed)
    row = _exit(db, filed, "B-002")
    assert (row.outcome, row.exited_on, row.recorded_by_id) == (
        "permanent", date(2025, 6, 30), filed.holder.id)
    assert row.organisation_id == filed.holder.organisation_id
    page = client.get(_url(filed)).text
    assert '<option value="permanent" selected>CDI</option>' in page
    assert 'value="2025-06-30"' in page

    response = post(_url(filed), {"beneficiary_ref": "B-002", "outcome": "training",
                                  "exited_on": "2025-07-01", "q": "B-0"})
    assert response.headers["location"] == _url(filed) + "?q=B-0"
    assert _exit(db, filed, "B-002").outcome == "training"
    assert len(db.scalars(select(InsertionExit)).all()) == 1
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "insertion_exit")
                        .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["record", "update"]
    assert events[1].comment == "B-002 : CDI au 30/06/2025 → Formation au 01/07/2025"


TOMORROW = "demain"


@pytest.mark.parametrize(("data", "message"), [
    ({"beneficiary_ref": "B-DRAFT"}, "ne figure dans aucune ligne déposée"),
    ({"beneficiary_ref": "B-404"}, "ne figure dans aucune ligne déposée"),
    ({"exited_on": "2024-12-31"}, "ne peut pas précéder le début du contrat (01/01/2025)"),
    ({"exited_on": TOMORROW}, "ne peut pas être dans le futur"),
    ({"exited_on": ""}, "Date de sortie"),
    ({"outcome": "retired"}, "Situation à la sortie"),
])
def test_refusals_keep_the_page_with_a_message(client, db, login, post, filed, data, message):
    if data.get("exited_on") == TOMORROW:  # read when the test runs, not when it is collected
        data = {"exited_on": (today() + timedelta(days=1)).isoformat()}
    login(filed.holder)
    response = post(_url(filed), {"beneficiary_ref": "B-001", "outcome": "none",
                                  "exited_on": "2025-05-01", **data})
    assert response.status_code == 422
    assert message in visible_text(response.text).replace("&#39;", "'")
    assert _exit(db, filed, data.get("beneficiary_ref", "B-001")) is None


def test_a_refused_date_stays_typed_on_its_row(client, login, post, filed):
    login(filed.holder)
    response = post(_url(filed), {"beneficiary_ref": "B-002", "outcome": "other_job",
                                  "exited_on": "2024-01-01"})
    assert 'id="exited_on-2"' in response.text and 'value="2024-01-01"' in response.text
    assert '<option value="other_job" selected>' in response.text
    assert 'href="#exited_on-2"' in response.text


def test_another_supplier_and_the_buyer_cannot(client, db, login, post, filed):
    other = factories.make_user(db, Role.supplier)
    login(other)
    assert client.get(_url(filed)).status_code == 404
    assert post(_url(filed), {"beneficiary_ref": "B-001", "outcome": "none",
                              "exited_on": "2025-05-01"}).status_code == 404
    client.cookies.clear()
    login(filed.buyer)
    assert client.get(_url(filed)).status_code == 403
    assert client.get(_url(filed, "facilitateur")).status_code == 403
    assert _exit(db, filed, "B-001") is None


def _log_in(client, user, url):
    # Straight to the page: the facilitator's home belongs to the facilitator's pages.
    from tests.conftest import csrf_token

    response = client.post("/connexion", data={
        "email": user.email, "password": factories.PASSWORD, "next": url,
        "csrf_token": csrf_token(client)})
    assert response.status_code == 303, response.text


def _facilitator(db, world, *, attached: bool):
    organisation = factories.make_org(db, OrgKind.facilitator)
    if attached:
        db.add(FacilitatorAssignment(facilitator_org_id=organisation.id,
                                     buyer_org_id=world.contract.buyer_org_id))
        db.commit()
    return factories.make_user(db, Role.facilitator, organisation=organisation)


def test_an_attached_facilitator_records_exits(client, db, login, post, filed):
    _log_in(client, _facilitator(db, filed, attached=True), _url(filed, "facilitateur"))
    assert "B-002" in client.get(_url(filed, "facilitateur")).text
    response = post(_url(filed, "facilitateur"), {"beneficiary_ref": "B-001",
                                                  "outcome": "fixed_term_6m",
                                                  "exited_on": "2025-03-31"})
    assert response.status_code == 303
    row = _exit(db, filed, "B-001")
    # The exit belongs to the organisation whose lines name the person.
    assert (row.outcome, row.organisation_id) == ("fixed_term_6m",
                                                  filed.holder.organisation_id)
    # The supplier's address is not the facilitator's.
    assert client.get(_url(filed)).status_code == 403


def test_a_facilitator_not_attached_gets_nothing(client, db, login, post, filed):
    _log_in(client, _facilitator(db, filed, attached=False), _url(filed, "facilitateur"))
    assert client.get(_url(filed, "facilitateur")).status_code == 404
    assert post(_url(filed, "facilitateur"), {"beneficiary_ref": "B-001", "outcome": "none",
                                              "exited_on": "2025-05-01"}).status_code == 404
    assert _exit(db, filed, "B-001") is None


def test_the_service_refuses_a_buyer(db, filed):
    from portal.errors import Forbidden

    with pytest.raises(Forbidden):
        exits.record_exit(db, filed.contract.id, user=filed.buyer, beneficiary_ref="B-001",
                          outcome="none", exited_on=date(2025, 5, 1))
