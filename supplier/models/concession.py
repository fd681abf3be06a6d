"""The concession holder's annual report: its responsible-purchasing figures for one year."""

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class ConcessionReport(Base):
    """The section « achats responsables » of the report (domain.md §5; a product proposal, not
    a legal template). Every figure is optional: the holder fills what it knows."""

    __tablename__ = "concession_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), unique=True)
    total_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    sme_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    local_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    siae_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    ea_esat_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    ess_purchases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    insertion_hours_contractual: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    insertion_hours_realised: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    agec_summary: Mapped[str | None] = mapped_column(Text)
    payment_delay_days: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    invoices_paid_60d_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    subcontracts_count: Mapped[int | None]
    subcontracts_with_clauses: Mapped[int | None]
    user_satisfaction: Mapped[str | None] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
