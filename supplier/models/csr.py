"""CSR reports: filed once per supplier and year, carried by every CSR declaration of that year."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.documents import Document
from portal.models import User


class CsrReport(Base):
    """One version of an organisation's CSR report for a year.

    A version carried by a submitted or validated declaration is never changed again: a correction
    makes version n+1, so what a buyer examined stays what it examined.
    """

    __tablename__ = "csr_report"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    headcount: Mapped[int | None]
    women_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    equality_index: Mapped[int | None]  # index de l'égalité professionnelle, 0 to 100
    ghg_scope12_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    accident_frequency_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    local_suppliers_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Optimistic lock of the shared draft: two forms editing it at once cannot overwrite each
    # other (``version`` above is the report's business version, not this counter).
    revision: Mapped[int] = mapped_column(default=1)

    document: Mapped[Document | None] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": revision}


class CsrFiling(Base):
    """Which report version a CSR declaration carries."""

    __tablename__ = "csr_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("csr_report.id"), index=True)

    report: Mapped[CsrReport] = relationship(lazy="joined")
