"""A buyer agent, a TPE holder and a contract, with the clock at 1 June 2025: the world of the
payment-delay tests (the legal maximum is the instance's 30 days)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import select

from execution.payments.models import Invoice
from portal import clock
from portal.models import OrgKind, OrgSize, Role
from tests import factories
from tests.conftest import visible_text

TODAY = datetime(2025, 6, 1, 9, tzinfo=UTC)


def payments_world(db) -> SimpleNamespace:
    clock.freeze(TODAY)
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, OrgKind.supplier, size=OrgSize.tpe))
    contract = factories.make_contract(db, buyer, holder.organisation, reference="M-2024-001")
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract,
                           invoices=f"/acheteur/contrats/{contract.id}/factures")


def invoice_form(number: str, received: str, amount: str, paid: str = "", **extra) -> dict:
    return {"number": number, "received_on": received, "amount_incl_vat": amount,
            "paid_on": paid, **extra}


def add(post, url: str, form: dict) -> None:
    """The buyer's form posted as the browser does; it must be accepted."""
    response = post(url, data=form)
    assert response.status_code == 303, visible_text(response.text)[:600]


def invoice(db, number: str) -> Invoice:
    db.expire_all()
    return db.scalar(select(Invoice).where(Invoice.number == number))


def page_text(client, url: str) -> str:
    """What the page says, every kind of space read as one (visible_text)."""
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return visible_text(response.text)
