"""An invoice of a contract and the table of ECB rates the late-payment interest is computed from.

The invoice keeps the legal maximum delay in force when it was entered (the buyer's
``payment_delay_days``) and the first day of the half-year whose rate applies: the indicators
join the rate table on that day, so interest is summed in SQL, and a later change of the buyer's
setting does not rewrite what was due on invoices already received."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Contract, Organisation


class Source(StrEnum):
    buyer = "buyer"        # typed by the buyer's agent
    imported = "import"    # portal import-invoices, from the buyer's accounting
    holder = "holder"      # declared unpaid by the holder, confirmed by the buyer


class InvoiceStatus(StrEnum):
    confirmed = "confirmed"  # counts in the delays and the indicators
    pending = "pending"      # declared by the holder, awaiting the buyer
    rejected = "rejected"    # the buyer says it is not an invoice it received


SOURCE_LABELS = {Source.buyer: "Saisie par l'acheteur", Source.imported: "Import comptable",
                 Source.holder: "Déclarée par le titulaire"}
STATUS_LABELS = {InvoiceStatus.confirmed: "Confirmée", InvoiceStatus.pending: "À confirmer",
                 InvoiceStatus.rejected: "Rejetée"}


class Invoice(Base):
    __tablename__ = "invoice"
    # Re-importing the same accounting export must not duplicate: one number per contract.
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    # Denormalised from the contract so that each side's lists filter on one indexed column.
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The organisation that invoiced: the holder of the contract when the invoice was entered.
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))  # the buyer's reference of the invoice
    received_on: Mapped[date]
    # TTC, as the accounting pays it: the interest runs on the sum paid late.
    amount_incl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    paid_on: Mapped[date | None]
    suspended_days: Mapped[int] = mapped_column(default=0)
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    legal_delay_days: Mapped[int]
    # First day of the half-year in which the interest starts (or would start) to run.
    rate_half_year: Mapped[date]
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=InvoiceStatus.confirmed, index=True)
    # What the buyer paid of the interest (None: nothing yet), and whether it paid the 40 € fee.
    interest_paid_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fee_paid: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    contract: Mapped[Contract] = relationship(lazy="joined", innerjoin=True)
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_org_id],
                                                  lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}


class EcbRate(Base):
    """The ECB main refinancing rate in force on the first day of a half-year (1 January or
    1 July), entered by an administrator from the official publication."""

    __tablename__ = "ecb_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    half_year_start: Mapped[date] = mapped_column(unique=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # in percent: 4.25
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(default=now)  # None: seeded
