"""The assignment rules, without HTTP: only a facilitator organisation, only a buyer
organisation, only an insertion contract of that buyer, never twice; all of them supersedes
some."""

import pytest
from sqlalchemy import select

from execution.facilitation import assignments
from portal.errors import Conflict, Invalid, NotFound
from portal.facilitators import FacilitatorAssignment
from portal.models import AuditEvent, OrgKind, Role
from portal.permissions import facilitated_contract_ids
from tests import factories


@pytest.fixture
def parties(db):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_org(db)
    insertion = factories.make_contract(db, buyer, holder, reference="INS-1")
    other = factories.make_contract(db, buyer, holder, reference="INS-2")
    plain = factories.make_contract(db, buyer, holder, reference="RSE-1", insertion=None,
                                    csr_report=True)
    return dict(buyer=buyer, holder=holder, insertion=insertion, other=other, plain=plain,
                facilitator=factories.make_org(db, OrgKind.facilitator),
                admin=factories.make_user(db, Role.admin))


def _attach(db, p, **fields):
    values = dict(facilitator_org_id=p["facilitator"].id,
                  buyer_siret=p["buyer"].organisation.siret) | fields
    return assignments.attach(db, admin=p["admin"], **values)


def _followed(db, p) -> set[int]:
    return set(db.scalars(facilitated_contract_ids(p["facilitator"].id)))


def test_one_contract_then_all_of_them(db, parties):
    _attach(db, parties, reference="INS-1")
    assert _followed(db, parties) == {parties["insertion"].id}
    _attach(db, parties)
    # Every insertion contract of the buyer, never the one without insertion hours.
    assert _followed(db, parties) == {parties["insertion"].id, parties["other"].id}
    assert db.scalars(select(FacilitatorAssignment.contract_id)).all() == [None]
    with pytest.raises(Conflict):
        _attach(db, parties, reference="INS-2")
    assert db.scalar(select(AuditEvent.comment).where(AuditEvent.action == "attach")
                     .order_by(AuditEvent.id.desc())).endswith("tous les contrats")


@pytest.mark.parametrize(("fields", "field"), [
    ({"reference": "RSE-1"}, "reference"), ({"reference": "INCONNU"}, "reference"),
    ({"buyer_siret": ""}, "buyer_siret"), ({"facilitator_org_id": None}, "facilitator_id")])
def test_refused_with_a_message_on_the_field(db, parties, fields, field):
    with pytest.raises(Invalid) as refused:
        _attach(db, parties, **fields)
    assert field in refused.value.field_errors


def test_not_a_supplier_nor_another_buyer(db, parties):
    with pytest.raises(Invalid):
        _attach(db, parties, facilitator_org_id=parties["holder"].id)
    with pytest.raises(Invalid):
        _attach(db, parties, buyer_siret=parties["holder"].siret)


def test_detach(db, parties):
    assignment = _attach(db, parties)
    assignments.detach(db, admin=parties["admin"], assignment_id=assignment.id)
    assert _followed(db, parties) == set()
    with pytest.raises(NotFound):
        assignments.detach(db, admin=parties["admin"], assignment_id=assignment.id)
