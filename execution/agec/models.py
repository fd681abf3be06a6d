"""What a buyer's accounts say it spent per AGEC category and calendar year: the figures of
the yearly declaration file (loi AGEC art. 58), which covers the buyer's whole spend, not only
the contracts where a holder declares."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import now
from portal.db import Base


class BuyerAgecTotal(Base):
    """One category of one year, in euros excl. VAT, named as the official file names them:
    the total, of which reuse / re-use including donations (« valorisation et don »), of which
    donations, of which recycled material."""

    __tablename__ = "agec_buyer_total"
    __table_args__ = (UniqueConstraint("buyer_org_id", "year", "category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int]
    category_code: Mapped[str] = mapped_column(String(40), ForeignKey("agec_category.code"))
    total_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reuse_and_donation_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    donation_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    recycled_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    comment: Mapped[str | None] = mapped_column(String(500))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now)
    version: Mapped[int] = mapped_column(default=1)
