"""Shared set-up of the yearly report tests (CSR report, concession annual report)."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from portal import clock
from portal.models import OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.pdfs import PDF  # noqa: F401 (the tests import it from here)

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


def pdf(name: str = "rapport.pdf", content: bytes = PDF) -> tuple[str, bytes, str]:
    return (name, content, "application/pdf")


def switch(client, login, user):
    """Log out, log in as ``user``."""
    client.cookies.clear()
    login(user)


def text(response) -> str:
    """What the page shows, with plain spaces and apostrophes."""
    return visible_text(response.text).replace("&#39;", "'").replace("\u202f", " ").replace(
        "\xa0", " ")


def csr_world(db):
    """One holder with CSR commitments from two buyers, a third contract without one, and
    another supplier; 15 July 2026, so the 2025 reports (due 30 June) are overdue."""
    clock.freeze(datetime(2026, 7, 15, 9, tzinfo=UTC))
    holder = factories.make_user(db, Role.supplier)
    org = holder.organisation
    buyer_a = factories.make_user(db, Role.buyer,
                                  factories.make_org(db, OrgKind.buyer, name="Ville de Rezé"))
    buyer_b = factories.make_user(db, Role.buyer,
                                  factories.make_org(db, OrgKind.buyer, name="Département"))
    contract_a = factories.make_contract(db, buyer_a, org, reference="A-RSE", insertion=None,
                                         csr_report=True, starts_on=date(2024, 1, 1),
                                         ends_on=date(2025, 12, 31))
    contract_b = factories.make_contract(db, buyer_b, org, reference="B-RSE", insertion=None,
                                         csr_report=True, starts_on=date(2025, 3, 1),
                                         ends_on=date(2027, 2, 28))
    return SimpleNamespace(
        holder=holder, buyer_a=buyer_a, buyer_b=buyer_b, contract_a=contract_a,
        contract_b=contract_b, a=factories.declarations(db, contract_a),
        b=factories.declarations(db, contract_b))


def add_outsiders(db, w):
    """A third contract of the holder, without a CSR commitment, from a third buyer; and another
    supplier. (Apart: every user costs a password hash.)"""
    w.buyer_c = factories.make_user(db, Role.buyer)
    w.contract_c = factories.make_contract(db, w.buyer_c, w.holder.organisation,
                                           reference="C-SANS-RSE")
    w.outsider = factories.make_user(db, Role.supplier)
    w.other_buyer = w.buyer_c
    return w


def concession_world(db):
    """A concession 2024–2025 with its annual report; 15 July 2026, so both years are due."""
    clock.freeze(datetime(2026, 7, 15, 9, tzinfo=UTC))
    holder = factories.make_user(db, Role.supplier)
    buyer = factories.make_user(db, Role.buyer)
    contract = factories.make_contract(
        db, buyer, holder.organisation, reference="DSP-CANTINES", kind="concession",
        nature="services", insertion=None, concession_report=True,
        starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    return SimpleNamespace(holder=holder, buyer=buyer, contract=contract,
                           declarations=factories.declarations(db, contract))
