from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from supplier.models.declaration import Declaration


class InsertionLine(Base):
    """Hours of one beneficiary: a pseudonymous reference, never a name or a birth date.

    Past the retention period (supplier.retention) the lines of a declaration are merged into
    one line per public category, sex, age band and execution mode, without reference: the
    figures of the indicators stay, the link to a person goes. ``line_count`` then tells how
    many lines were merged.
    """

    __tablename__ = "insertion_line"
    # The sum of a declaration's hours reads the index alone (progress of every listed contract).
    __table_args__ = (Index("ix_insertion_line_declaration_hours", "declaration_id", "hours"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"))
    beneficiary_ref: Mapped[str | None] = mapped_column(String(40))
    public_category: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(10))
    execution_mode: Mapped[str] = mapped_column(String(30))
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    line_count: Mapped[int] = mapped_column(default=1, server_default="1")

    declaration: Mapped[Declaration] = relationship(back_populates="insertion_lines")
