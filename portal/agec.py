"""AGEC art. 58 reference data: product categories of both decrees and their minimum shares.

Loaded by a migration with only the values confirmed in the project's domain reference; every
other threshold stays empty ("seuil à renseigner") until an administrator fills it.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.clock import now
from portal.db import Base


class Regime(StrEnum):
    decree_2021 = "2021"  # décret 2021-254, periods ending before 1 July 2024
    decree_2024 = "2024"  # décret 2024-134, from 1 July 2024


class AgecCategory(Base):
    __tablename__ = "agec_category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    regime: Mapped[str] = mapped_column(String(4))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]


class AgecThreshold(Base):
    """The minimum shares of a category from a year on (2021 regime: global and "of which
    reuse"; 2024 regime: reuse and recycled, with steps in 2024, 2027 and 2030)."""

    __tablename__ = "agec_threshold"
    __table_args__ = (UniqueConstraint("category_code", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("agec_category.code"))
    from_year: Mapped[int]
    global_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    reuse_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    recycled_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    source: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(default=now)


def categories(db: Session, regime: Regime | None = None) -> list[AgecCategory]:
    query = select(AgecCategory).order_by(AgecCategory.regime, AgecCategory.position)
    if regime is not None:
        query = query.where(AgecCategory.regime == regime)
    return list(db.scalars(query))
