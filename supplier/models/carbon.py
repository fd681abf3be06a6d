"""The holder's carbon declaration for one period: its greenhouse-gas emissions by scope."""

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, Select, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models import Commitment, CommitmentKind
from supplier.models.declaration import Declaration, Status


class CarbonReport(Base):
    """Emissions in tonnes of CO2 equivalent, one column per scope so that the indicators sum
    them in SQL; a scope left empty is not known (not zero). The evidence file is an
    Attachment of the declaration (role « evidence »)."""

    __tablename__ = "carbon_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), unique=True)
    scope1_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    scope2_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    scope3_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    # supplier.vocabulary.CARBON_METHODS; « other » asks for the method's name.
    method: Mapped[str] = mapped_column(String(20))
    method_other: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


def validated_reports(query: Select) -> Select:
    """``query`` over the carbon declarations the buyer validated, with their commitment: the
    emissions every figure adds up (the contract's page by scope, the indicators by nature)."""
    return (query.select_from(CarbonReport)
            .join(Declaration, Declaration.id == CarbonReport.declaration_id)
            .join(Commitment, Commitment.id == Declaration.commitment_id)
            .where(Commitment.kind == CommitmentKind.carbon_report,
                   Declaration.status == Status.validated))
