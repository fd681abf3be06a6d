from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.agec import AgecCategory
from portal.db import Base
from supplier.models.declaration import Declaration


class AgecLine(Base):
    """Spend on one product category of the AGEC decrees during the period, excl. VAT, and the
    parts of it that come from reuse / re-use, from donations, or incorporate recycled material.
    """

    __tablename__ = "agec_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    category_code: Mapped[str] = mapped_column(String(40), ForeignKey("agec_category.code"))
    total_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reuse_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    donation_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    recycled_excl_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    # A backref keeps the generic Declaration model free of per-kind edits.
    declaration: Mapped[Declaration] = relationship(backref=backref(
        "agec_lines", cascade="all, delete-orphan", order_by="AgecLine.id"))
    category: Mapped[AgecCategory] = relationship(lazy="joined")
