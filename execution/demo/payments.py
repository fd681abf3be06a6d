"""Demo data of the payment delays: invoices of three of the métropole's contracts, most paid
within 30 days, some late (interest at the 2nd half-year 2024's rate, one whose rate is not
entered yet), one unpaid, and one the insertion workshop declared unpaid, awaiting
confirmation. Loading it twice changes nothing (an invoice is known by contract and number)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.payments import service as invoices
from execution.payments.models import Invoice
from execution.payments.schemas import InvoiceForm
from portal.models import Contract, Organisation, User

AGENT = "claire.martin@loire-estuaire.example.fr"
WORKSHOP = "contact@tremplin-vert.example.fr"
# (contract, number, received, amount TTC, paid, suspended days, interest paid, fee paid)
INVOICES = [
    ("LE-2024-001", "FA-2024-0912", date(2024, 9, 2), "184500.00", date(2024, 9, 27), 0, None,
     False),
    ("LE-2024-001", "FA-2024-1105", date(2024, 10, 7), "212300.00", date(2024, 12, 2), 0,
     "1852.54", True),
    ("LE-2024-014", "PSA-24-118", date(2024, 10, 1), "31000.00", date(2024, 11, 12), 10, None,
     False),
    ("LE-2024-014", "PSA-25-007", date(2025, 1, 6), "31000.00", date(2025, 3, 7), 0, None, False),
    ("LE-2025-007", "TV-2025-03", date(2025, 3, 3), "15500.00", date(2025, 3, 28), 0, None,
     False),
    ("LE-2025-007", "TV-2025-06", date(2025, 6, 2), "15500.00", None, 0, None, False),
]


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    metropole = organisations["metropole"]
    contracts = {c.reference: c for c in db.scalars(
        select(Contract).where(Contract.buyer_org_id == metropole.id))}
    known = {number for (number,) in db.execute(
        select(Invoice.number).where(Invoice.buyer_org_id == metropole.id))}
    for reference, number, received, amount, paid, suspended, interest, fee in INVOICES:
        if number in known or reference not in contracts:
            continue
        invoices.create(db, actor=users[AGENT], contract=contracts[reference], data=InvoiceForm(
            number=number, received_on=received, amount_incl_vat=Decimal(amount),
            paid_on=paid, suspended_days=suspended,
            suspension_reason="Attestation d'assurance manquante" if suspended else None,
            interest_paid_eur=Decimal(interest) if interest else None, fee_paid=fee))
    if "TV-2025-09" not in known and "LE-2025-007" in contracts:
        invoices.declare(db, actor=users[WORKSHOP], contract_id=contracts["LE-2025-007"].id,
                         data=InvoiceForm(number="TV-2025-09", received_on=date(2025, 9, 1),
                                          amount_incl_vat=Decimal("15500.00")))
