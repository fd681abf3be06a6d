"""Candidate surveys: one per contract (the procedure that led to it), its invitations (an
address and a token digest, kept only to send and remind) and the anonymous answers.

The answers have no way back to an invitation: a response names its survey only, carries no
time, no address, no token, no IP; the invitation only learns it was used (and loses its
address then). Nothing joins the two tables but the survey."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Contract


class CandidateScale(StrEnum):
    agreement = "agreement"  # 1 (pas du tout d'accord) … 4 (tout à fait d'accord)
    likelihood = "likelihood"  # 0–10
    text = "text"  # free comment, 2 000 characters at most


class CandidateQuestion(Base):
    """The question bank, seeded by the migration; retired, never deleted (answers point to it)."""

    __tablename__ = "candidate_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    wording: Mapped[str] = mapped_column(String(500))
    scale: Mapped[str] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(default=False)


class CandidateSurvey(Base):
    __tablename__ = "candidate_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    contract: Mapped[Contract] = relationship(lazy="joined")


class CandidateInvitation(Base):
    """One address invited to one survey. The token itself is only in the mail."""

    __tablename__ = "candidate_invitation"
    __table_args__ = (UniqueConstraint("survey_id", "address_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_survey.id", ondelete="CASCADE"), index=True)
    # Erased once the survey is answered: it served only to send and remind.
    email: Mapped[str | None] = mapped_column(String(254))
    # The same address is not invited twice, even after its address is erased. Keyed with the
    # server's secret (service.address_digest): a plain hash would tell who answered.
    address_digest: Mapped[str] = mapped_column(String(64))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    # A flag, not a time: a time would let one match the invitation to its answer.
    used: Mapped[bool] = mapped_column(default=False)


class CandidateResponse(Base):
    """One candidate's answers: linked to its survey only (see the module's docstring)."""

    __tablename__ = "candidate_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_survey.id", ondelete="CASCADE"), index=True)


class CandidateAnswer(Base):
    __tablename__ = "candidate_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("candidate_question.id"), index=True)
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
