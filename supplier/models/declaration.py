"""Declarations: one commitment × one period, and their relational content."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    literal,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now, today
from portal.db import Base
from portal.models import Commitment, Contract, Organisation, User
from portal.sql import days_between


class Status(StrEnum):
    expected = "expected"
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    validated = "validated"


OPEN_STATUSES = (Status.expected, Status.draft, Status.returned)
# « Déclarées »: what the holder filed with the buyer and still stands (submitted, then
# validated). Every declared figure counts these only: a draft is the holder's workspace and a
# returned declaration was sent back for correction.
FILED_STATUSES = (Status.submitted, Status.validated)
# What the buyer's side (its agents, the administrators) may read of a declaration's content:
# what was filed, and what it returned (the reviewer reads again what it asked to correct).
# Of a draft or a declaration still expected, only that it exists and its status.
SHOWN_TO_BUYER = (*FILED_STATUSES, Status.returned)


class FacilitatorOpinion(StrEnum):
    compliant = "compliant"            # « conforme »
    to_correct = "to_correct"          # « à corriger », with a comment the holder reads
    unverifiable = "unverifiable"      # « non vérifiable »


class Subject(StrEnum):
    period = "period"  # what happened during a period (hours, amounts, updates, a report)
    plan = "plan"      # a progress plan proposed for acceptance


def _first_submission(context) -> datetime | None:
    return context.get_current_parameters().get("submitted_at")


class Declaration(Base):
    __tablename__ = "declaration"
    # One declaration per period and filing organisation: the holder, or each organisation of a
    # shared commitment (portal.models.CommitmentShare) for its own part.
    __table_args__ = (UniqueConstraint("commitment_id", "subject", "period_start",
                                       "holder_org_id"),
                      # A contract's declarations in one state (to review, validated hours…).
                      Index("ix_declaration_commitment_status", "commitment_id", "status"),
                      # The buyer's review queue (oldest submission first) and the holder's
                      # to-do list (soonest due first), one index range each.
                      Index("ix_declaration_buyer_queue", "buyer_org_id", "status",
                            "submitted_at", "due_on"),
                      Index("ix_declaration_holder_queue", "holder_org_id", "status", "due_on",
                            "id"),
                      # What falls due across the portal (reminders, overdue alerts).
                      Index("ix_declaration_status_due_on", "status", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    # Copied from the contract by `supplier.service.sync_declarations`, which keeps them equal:
    # the lists of an organisation with thousands of contracts read one index range.
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The organisation that files it: the contract's holder or, for a commitment shared among
    # several organisations of the contract, the one whose part this is (the filer).
    holder_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    subject: Mapped[str] = mapped_column(String(10), default=Subject.period)
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=Status.expected)
    version: Mapped[int] = mapped_column(default=1)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    # The first submission, never moved by the later ones (after a return or a reopen): what
    # « filed on time » is decided by (execution.indicators.declarations.filed_on_time). A row
    # written already submitted (an import, a fixture) was first submitted then.
    first_submitted_at: Mapped[datetime | None] = mapped_column(default=_first_submission)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    supplier_comment: Mapped[str | None] = mapped_column(Text)
    # The filer's answer to the plausibility flag of the whole declaration (hours far above the
    # contract's expected pace); required to submit while the flag stands.
    pace_comment: Mapped[str | None] = mapped_column(Text)
    # The facilitator's opinion on what was filed (FacilitatorOpinion), cleared by a new filing.
    facilitator_opinion: Mapped[str | None] = mapped_column(String(20))
    facilitator_comment: Mapped[str | None] = mapped_column(Text)
    facilitator_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    facilitator_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    commitment: Mapped[Commitment] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    facilitator_by: Mapped[User | None] = relationship(foreign_keys=[facilitator_by_id])
    insertion_lines: Mapped[list["InsertionLine"]] = relationship(  # noqa: F821
        back_populates="declaration", cascade="all, delete-orphan", order_by="InsertionLine.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def contract(self):
        return self.commitment.contract

    @hybrid_property
    def is_overdue(self) -> bool:
        """Still to file (or to correct) after its due date: the one rule, in Python and SQL."""
        return self.status in OPEN_STATUSES and self.due_on < today()

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status.in_(OPEN_STATUSES), cls.due_on < today())

    @hybrid_property
    def days_late(self) -> int:
        """Whole days past the due date while overdue (0 otherwise): the one count, in Python
        and SQL, that the late filings list shows and sorts by."""
        return (today() - self.due_on).days if self.is_overdue else 0

    @days_late.inplace.expression
    @classmethod
    def _days_late_expression(cls) -> ColumnElement[int]:
        return case((cls.is_overdue, days_between(literal(today(), Date()), cls.due_on)),
                    else_=0)

    @property
    def is_locked(self) -> bool:
        return self.status in FILED_STATUSES

    @property
    def filer(self) -> Organisation | None:
        """The organisation that files it, among the contract's parties."""
        return next((p.organisation for p in self.contract.parties
                     if p.organisation_id == self.holder_org_id), None)

    def filed_by(self, user: User) -> bool:
        """Whether ``user`` files (edits, submits) this declaration: the users of the
        organisation it carries, the holder or the sharer whose part it is. The one rule."""
        return user.is_supplier and user.organisation_id == self.holder_org_id

    def content_shown_to(self, user: User) -> bool:
        """Whether ``user`` (who may see the declaration) may read its content: the filing
        organisation always, anyone else (buyer, the other organisations of the contract) once
        it was filed: a co-holder never reads the holder's draft, nor the holder a co-holder's."""
        return self.filed_by(user) or self.status in SHOWN_TO_BUYER

    @classmethod
    def content_shown_clause(cls, user: User) -> ColumnElement[bool]:
        """`content_shown_to` in SQL, for lists."""
        if user.is_supplier:
            return or_(cls.holder_org_id == user.organisation_id,
                       cls.status.in_(SHOWN_TO_BUYER))
        return cls.status.in_(SHOWN_TO_BUYER)


def declaration_owners(contract: Contract) -> dict[str, int | None]:
    """The organisations a declaration of the contract carries (see `Declaration`)."""
    holder = contract.holder
    return {"buyer_org_id": contract.buyer_org_id,
            "holder_org_id": holder.id if holder is not None else None}


def filing_organisations(contract: Contract, commitment: Commitment) -> list[int | None]:
    """The organisations that file their own declarations for the commitment, one of each
    period apiece: the holder (always: it answers for the contract), then the organisations the
    commitment is shared with (`portal.models.CommitmentShare`)."""
    holder = declaration_owners(contract)["holder_org_id"]
    shared = [share.organisation_id for share in commitment.shares]
    return list(dict.fromkeys([holder, *shared]))
