"""Survey models: question banks, campaigns per contract, invitations and their answers."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Contract, Organisation, OrgKind
from portal.periods import add_months


class Direction(StrEnum):
    buyer_rates_holder = "buyer_rates_holder"  # the buyer evaluates a supplier of the contract
    holder_rates_buyer = "holder_rates_buyer"  # « évaluation inversée »
    # The facilitator following the contract's insertion clause, a third party of the
    # end-of-contract survey: it evaluates the clause's execution by a holder (and the help of
    # the buyer). Its answers are read by the buyer at once, by the holder once the survey is
    # closed (service.answers_visible).
    facilitator_rates_clause = "facilitator_rates_clause"


# The two parties of the contract evaluating each other (double-blind).
PARTY_DIRECTIONS = (Direction.buyer_rates_holder, Direction.holder_rates_buyer)


class Scale(StrEnum):
    satisfaction = "satisfaction"  # 1–5, plus « Non concerné »
    likelihood = "likelihood"  # 0–10, read as an NPS
    yes_no_unknown = "yes_no_unknown"
    yes_no = "yes_no"
    text = "text"  # optional, 2 000 characters at most


class LaunchReason(StrEnum):
    ended = "ended"
    closed_early = "closed_early"
    manual = "manual"
    anniversary = "anniversary"  # the yearly review of a multi-year contract


class InvitationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"


class Question(Base):
    """One question of an organisation's bank; retired, never deleted (answers may point to it)."""

    __tablename__ = "survey_question"
    __table_args__ = (Index("ix_survey_question_bank", "buyer_org_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    direction: Mapped[str] = mapped_column(String(30))
    position: Mapped[int]
    wording: Mapped[str] = mapped_column(String(500))
    scale: Mapped[str] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Campaign(Base):
    """A survey of one contract, in both directions: its end-of-contract survey (anniversary
    0), or the yearly review on the n-th anniversary of a multi-year contract's start."""

    __tablename__ = "survey_campaign"
    # One end-of-contract survey per contract, one review per anniversary: the job launching
    # them may run twice, or two schedulers at once, and still launch each once.
    __table_args__ = (UniqueConstraint("contract_id", "anniversary"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    anniversary: Mapped[int] = mapped_column(default=0, server_default="0")
    reason: Mapped[str] = mapped_column(String(20))
    launched_at: Mapped[datetime] = mapped_column(default=now)
    launched_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date]
    closed_at: Mapped[datetime | None]

    contract: Mapped[Contract] = relationship(lazy="joined")
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Invitation.id")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_yearly_review(self) -> bool:
        return self.anniversary > 0

    @property
    def anniversary_on(self) -> date | None:
        """The anniversary of the contract's start the yearly review follows."""
        if not self.is_yearly_review:
            return None
        return add_months(self.contract.starts_on, 12 * self.anniversary)

    @property
    def title(self) -> str:
        """How pages and mails name the survey: « Revue annuelle 2026 » or « Enquête de fin de
        contrat »."""
        if self.anniversary_on is None:
            return "Enquête de fin de contrat"
        return f"Revue annuelle {self.anniversary_on.year}"


class Invitation(Base):
    """One respondent organisation rating one organisation on the other side of the contract."""

    __tablename__ = "survey_invitation"
    __table_args__ = (UniqueConstraint("campaign_id", "respondent_org_id", "subject_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(30))
    respondent_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.draft)
    saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Two people of the same organisation submitting at once: the second one gets a conflict.
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship(back_populates="invitations", lazy="joined")
    respondent: Mapped[Organisation] = relationship(foreign_keys=[respondent_org_id],
                                                    lazy="joined")
    subject: Mapped[Organisation] = relationship(foreign_keys=[subject_org_id], lazy="joined")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="Answer.position")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        return self.status == InvitationStatus.submitted


class Answer(Base):
    """A question as the respondent was given it (wording and scale copied from the bank at
    launch, so editing the bank never changes it) and the respondent's answer."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("invitation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_question.id"), index=True)
    position: Mapped[int]
    wording: Mapped[str] = mapped_column(String(500))
    scale: Mapped[str] = mapped_column(String(20))
    value: Mapped[int | None]  # satisfaction 1–5, likelihood 0–10
    choice: Mapped[str | None] = mapped_column(String(10))  # yes | no | unknown
    text: Mapped[str | None] = mapped_column(Text)
    not_applicable: Mapped[bool] = mapped_column(default=False)

    invitation: Mapped[Invitation] = relationship(back_populates="answers")

    @property
    def is_answered(self) -> bool:
        return (self.value is not None or self.choice is not None or self.not_applicable
                or bool(self.text))


def default_bank_rows(buyer_org_id: int) -> list[dict]:
    """The default questions of both directions, as rows of a buyer organisation's bank."""
    from surveys.vocabulary import DEFAULT_BANKS  # it reads this module's enums

    return [dict(buyer_org_id=buyer_org_id, direction=direction, position=n, wording=wording,
                 scale=scale, retired=False, created_at=now())
            for direction in Direction
            for n, (wording, scale) in enumerate(DEFAULT_BANKS[direction], start=1)]


@event.listens_for(Organisation, "after_insert")
def _seed_question_banks(_mapper, connection, organisation: Organisation) -> None:
    """A buyer organisation is created with its question banks (the defaults, which its buyers
    then edit), however it is created (page, command, demo), so that reading them writes
    nothing. The kernel creates organisations without knowing about surveys."""
    if organisation.kind == OrgKind.buyer:
        connection.execute(Question.__table__.insert(), default_bank_rows(organisation.id))
