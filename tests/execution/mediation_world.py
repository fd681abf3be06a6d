"""A buyer organisation with a gestionnaire, a mediator and a plain agent; a holder (two people)
and a co-holder on one of its contracts; and the outsiders of the access rule: another supplier,
another buyer with its own mediator, a facilitator and an administrator."""

from datetime import UTC, datetime
from types import SimpleNamespace

from execution.mediation import service
from portal import clock
from portal.models import OrgKind, Role
from tests import factories
from tests.pdfs import PDF


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build(db) -> SimpleNamespace:
    buyer_org = factories.make_org(db, OrgKind.buyer, name="Ville de Naboo")
    manager = factories.make_user(db, Role.buyer, buyer_org, full_name="Padmé Gestionnaire")
    mediator = factories.make_user(db, Role.buyer, buyer_org, full_name="Sabé Médiatrice")
    agent = factories.make_user(db, Role.buyer, buyer_org, full_name="Jar Jar Agent")
    mediator.is_mediator = True
    holder = factories.make_user(db, Role.supplier, full_name="Bail Titulaire")
    colleague = factories.make_user(db, Role.supplier, holder.organisation)
    co_holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, manager, holder.organisation,
                                       co_holder_ids=[co_holder.organisation_id])
    other_buyer_org = factories.make_org(db, OrgKind.buyer)
    other_buyer = factories.make_user(db, Role.buyer, other_buyer_org)
    other_buyer.is_mediator = True
    db.commit()
    return SimpleNamespace(
        buyer_org=buyer_org, manager=manager, mediator=mediator, agent=agent, holder=holder,
        colleague=colleague, co_holder=co_holder, contract=contract, other_buyer=other_buyer,
        other_supplier=factories.make_user(db, Role.supplier),
        facilitator=factories.make_user(db, Role.facilitator),
        admin=factories.make_user(db, Role.admin))


def open_request(db, w, *, when: datetime, subject: str = "Retard de paiement",
                 with_file: bool = False):
    from io import BytesIO

    clock.freeze(when)
    upload = service.Upload("facture.pdf", BytesIO(PDF)) if with_file else None
    request = service.open_request(db, user=w.holder, contract_id=w.contract.id, subject=subject,
                                   description="La facture de mars n'est pas payée.",
                                   upload=upload)
    db.commit()
    return request
