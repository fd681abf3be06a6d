"""A publication is a frozen snapshot: the figures are copied, not recomputed, so that later
filings (a declaration validated, reopened, a survey closed) never change what was published.
Publishing the same period again makes a new version; every version stays readable."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Organisation

# Shares are rounded to one decimal, FTEs and days too; sums of amounts have two decimals:
# four keep every figure exactly as computed.
FIGURE = Numeric(20, 4)


class Publication(Base):
    """One version of the indicators a buyer organisation published for a period."""

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("buyer_org_id", "period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # As portal.reporting_period writes it: « 2025 », « 2025-S1 », « 2025-T3 ».
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int]  # 1, 2, … per (buyer organisation, period)
    # The organisation's name as published: a later renaming does not rewrite what was said.
    buyer_name: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(default=now)
    # Who published, for the audit trail and the buyer's own page: never shown publicly.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The annual report as printed at publication time (a few hundred kB): read only by its
    # download, hence deferred.
    report_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    buyer: Mapped[Organisation] = relationship(lazy="joined")
    indicators: Mapped[list["PublishedIndicator"]] = relationship(
        back_populates="publication", order_by="PublishedIndicator.position",
        cascade="all, delete-orphan", lazy="selectin")


class PublishedIndicator(Base):
    """One indicator of a publication, as it was computed (ids of reference/indicators.md).
    Breakdowns are not kept: the published figures are the aggregates alone."""

    __tablename__ = "published_indicator"
    __table_args__ = (UniqueConstraint("publication_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    indicator_id: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal | None] = mapped_column(FIGURE)
    numerator: Mapped[Decimal | None] = mapped_column(FIGURE)
    denominator: Mapped[Decimal | None] = mapped_column(FIGURE)
    sentence: Mapped[str] = mapped_column(Text)

    publication: Mapped[Publication] = relationship(back_populates="indicators")
