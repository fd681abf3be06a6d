"""A buyer agent, a TPE holder and a contract, with the clock at 1 June 2025: the world of the
payment-delay tests (the legal maximum is the instance's 30 days)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from portal import clock
from portal.models import OrgKind, OrgSize, Role
from tests import factories

TODAY = datetime(2025, 6, 1, 9, tzinfo=UTC)


def payments_world(db) -> SimpleNamespace:
    clock.freeze(TODAY)
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, OrgKind.supplier, size=OrgSize.tpe))
    contract = factories.make_contract(db, buyer, holder.organisation, reference="M-2024-001")
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract)


def invoice_form(number: str, received: str, amount: str, paid: str = "", **extra) -> dict:
    return {"number": number, "received_on": received, "amount_incl_vat": amount,
            "paid_on": paid, **extra}
