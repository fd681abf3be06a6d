"""What the printed reports keep: the buyer's commentary of the annual report, and every insertion
attestation delivered to a holder (so anyone can check its verification code later)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import User


class ReportCommentary(Base):
    """One section of the commentary a buyer organisation writes for its annual SPASER report."""

    __tablename__ = "report_commentary"
    __table_args__ = (UniqueConstraint("buyer_org_id", "year", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    section: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now)
    # Optimistic lock: two agents editing the same section cannot overwrite each other silently.
    version: Mapped[int] = mapped_column(default=1)

    updated_by: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Attestation(Base):
    """An insertion attestation as it was delivered. The names are copied, not joined, so the
    public verification page shows what was attested even after an organisation is renamed."""

    __tablename__ = "attestation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 12 characters of Crockford base 32, stored without the separators.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    period_start: Mapped[date]
    period_end: Mapped[date]
    contract_reference: Mapped[str] = mapped_column(String(64))
    contract_object: Mapped[str] = mapped_column(Text)
    buyer_name: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_siret: Mapped[str] = mapped_column(String(14))
    issued_at: Mapped[datetime] = mapped_column(default=now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
