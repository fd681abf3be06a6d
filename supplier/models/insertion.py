from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Organisation
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
    # On a merged line only: the people (distinct references of the contract's filing
    # organisation in the year of the period) counted here when their references went, so that
    # « personnes accompagnées » keeps its value (supplier.retention). 0 on a detailed line.
    people: Mapped[int] = mapped_column(default=0, server_default="0")
    # Hours done through a sub-contractor of the contract (e.g. an SIAE), named on the line.
    subcontractor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The filer's answer to the line's plausibility flag (more hours than one person works in
    # the period); required to submit while the flag stands.
    flag_comment: Mapped[str | None] = mapped_column(Text)
    # The facilitator's check of the line: eligible public confirmed, proof seen, comment.
    eligibility_confirmed: Mapped[bool | None]
    proof_seen: Mapped[bool | None]
    check_comment: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None]

    declaration: Mapped[Declaration] = relationship(back_populates="insertion_lines")
    subcontractor: Mapped[Organisation | None] = relationship(lazy="joined")


class ExitOutcome(StrEnum):
    """What became of a person at the end of the contract or of the mission (MEL scheme)."""

    permanent = "permanent"          # CDI
    fixed_term_6m = "fixed_term_6m"  # CDD de 6 mois ou plus
    training = "training"            # formation
    other_job = "other_job"          # autre emploi
    none = "none"                    # sans emploi ni formation
    unknown = "unknown"              # inconnue


class InsertionExit(Base):
    """The exit outcome of one pseudonymous beneficiary of a contract, recorded by the filing
    organisation or the facilitator; one per person and contract (the latest word stands)."""

    __tablename__ = "insertion_exit"
    __table_args__ = (UniqueConstraint("contract_id", "beneficiary_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    # The organisation whose lines name the person (holder, co-holder or sub-contractor).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # None past the retention period (supplier.retention): the outcome stays, not the person.
    beneficiary_ref: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    exited_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
