"""A mediation request, its thread of messages and their attached files.

The buyer and the requesting supplier organisation are copied from the contract when the
request is opened: every access check and list filters on them without joining the contract,
and a later change of holder does not hand the thread to another company."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.documents import Document
from portal.models import Contract, Organisation, User


class MediationStatus(StrEnum):
    open = "open"          # waiting for the mediator (new, or the supplier wrote again)
    answered = "answered"  # the mediator answered: the supplier's turn, or the closing
    closed = "closed"


STATUS_LABELS = {MediationStatus.open: "En attente du médiateur",
                 MediationStatus.answered: "Répondue",
                 MediationStatus.closed: "Clôturée"}


class Outcome(StrEnum):
    agreement = "accord"
    partial_agreement = "accord_partiel"
    disagreement = "desaccord"
    withdrawn = "abandon"
    out_of_scope = "hors_champ"


OUTCOME_LABELS = {Outcome.agreement: "Accord trouvé",
                  Outcome.partial_agreement: "Accord partiel",
                  Outcome.disagreement: "Désaccord persistant",
                  Outcome.withdrawn: "Demande abandonnée par l'entreprise",
                  Outcome.out_of_scope: "Hors du champ de la médiation"}


class Side(StrEnum):
    supplier = "supplier"
    buyer = "buyer"  # an agent of the contract's buyer, the other party
    mediator = "mediator"


class MediationRequest(Base):
    __tablename__ = "mediation_request"
    __table_args__ = (Index("ix_mediation_request_buyer", "buyer_org_id", "opened_at"),
                      Index("ix_mediation_request_supplier", "supplier_org_id", "opened_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MediationStatus.open)
    outcome: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(default=now)
    # The mediator's first message: the « time to first answer » indicator.
    first_answer_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Two mediators closing (or answering) at once: the second one's UPDATE matches no row
    # (StaleDataError → 409), never a silent overwrite of the outcome.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    contract: Mapped[Contract] = relationship(lazy="joined", innerjoin=True)
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_org_id], lazy="joined",
                                                  innerjoin=True)
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id], lazy="joined",
                                           innerjoin=True)
    messages: Mapped[list["MediationMessage"]] = relationship(
        back_populates="request", order_by="MediationMessage.id", cascade="all, delete-orphan")
    attachments: Mapped[list["MediationAttachment"]] = relationship(
        back_populates="request", order_by="MediationAttachment.id",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[MediationStatus(self.status)]

    @property
    def outcome_label(self) -> str | None:
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else None


class MediationMessage(Base):
    __tablename__ = "mediation_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_request.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    side: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)

    request: Mapped[MediationRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class MediationAttachment(Base):
    """A file of the request (sent with it) or of one of its messages."""

    __tablename__ = "mediation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_request.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_message.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))

    request: Mapped[MediationRequest] = relationship(back_populates="attachments")
    document: Mapped[Document] = relationship(lazy="joined", innerjoin=True)
