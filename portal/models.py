"""Kernel models: organisations, users, authentication tokens, the contract register, the audit."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.audit_events import AuditEvent as AuditEvent  # its import path for every caller
from portal.clock import now
from portal.db import Base
from portal.formatting import shorten


class OrgKind(StrEnum):
    buyer = "buyer"
    supplier = "supplier"
    # A Maison de l'emploi or a PLIE whose facilitators check the insertion hours of the buyers
    # it works for (FacilitatorAssignment).
    facilitator = "facilitator"


class OrgSize(StrEnum):
    tpe = "TPE"
    pme = "PME"
    eti = "ETI"
    ge = "GE"


class Role(StrEnum):
    admin = "admin"
    buyer = "buyer"
    supplier = "supplier"
    facilitator = "facilitator"


# The kind of organisation the people of each role belong to (administrators: a buyer's).
KIND_OF_ROLE = {Role.admin: OrgKind.buyer, Role.buyer: OrgKind.buyer,
                Role.supplier: OrgKind.supplier, Role.facilitator: OrgKind.facilitator}


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("foreign_id_kind", "foreign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # None only for a holder outside France known by another identifier (DECP typeIdentifiant
    # TVA, HORS-UE, TAHITI, RIDET, FRWF, IREP): kept rather than dropped from its contracts.
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    foreign_id_kind: Mapped[str | None] = mapped_column(String(12))
    foreign_id: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[str | None] = mapped_column(String(3))
    is_ess: Mapped[bool] = mapped_column(default=False)
    is_siae: Mapped[bool] = mapped_column(default=False)
    is_ea_esat: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    region: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # A buyer organisation's rule: its agents validate an insertion declaration only once the
    # facilitator attached to the contract gave an opinion on it.
    requires_facilitator_opinion: Mapped[bool] = mapped_column(default=False,
                                                               server_default=false())

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    @property
    def identifier(self) -> str:
        """How pages name the organisation's identifier: its SIRET, or « TVA FR… » for a
        holder known by a foreign one."""
        if self.siret:
            return self.siret
        return f"{self.foreign_id_kind} {self.foreign_id}" if self.foreign_id else ""

    @property
    def identifier_label(self) -> str:
        """« SIRET 123… » or « TVA FR… »: the identifier with its kind, for a sentence."""
        return f"SIRET {self.siret}" if self.siret else self.identifier


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-cased so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Notification preferences: reminders and alerts by mail, the buyers' weekly digest.
    mail_alerts: Mapped[bool] = mapped_column(default=True, server_default="1")
    mail_digest: Mapped[bool] = mapped_column(default=True, server_default="1")
    # A gestionnaire manages the organisation's people: invites, deactivates, hands the flag on.
    is_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A buyer organisation's internal mediator (RFAR « médiateur »): reads and answers the
    # mediation requests its suppliers open (execution.mediation); set by a gestionnaire.
    is_mediator: Mapped[bool] = mapped_column(default=False, server_default=false())
    deactivated_at: Mapped[datetime | None]
    # Set when an administrator erased the person (GDPR art. 17): the row stays, pseudonymised,
    # so that filings and the audit trail still name an author.
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    @property
    def is_buyer(self) -> bool:
        return self.role == Role.buyer

    @property
    def is_supplier(self) -> bool:
        return self.role == Role.supplier

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.facilitator


class TokenKind(StrEnum):
    session = "session"    # a browser session (signed cookie)
    api = "api"            # the short-lived token of POST /api/v1/auth/token
    personal = "personal"  # a named, long-lived token an integrator creates for a script


class AuthToken(Base):
    """A browser session or an API token; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    name: Mapped[str | None] = mapped_column(String(100))  # personal tokens only
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class ContractKind(StrEnum):
    market = "market"
    concession = "concession"


class ContractNature(StrEnum):
    works = "works"
    supplies = "supplies"
    services = "services"


class Frequency(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class ReservedBasis(StrEnum):
    """The article of the code de la commande publique a reserved contract rests on."""

    adapted = "L2113-12"  # entreprises adaptées, ESAT
    insertion = "L2113-13"  # structures d'insertion par l'activité économique (SIAE)
    social_economy = "L2113-15"  # ESS, services de santé, sociaux et culturels


class ContractStatus(StrEnum):
    active = "active"
    closed = "closed"  # ended early by the buyer


class Contract(Base):
    __tablename__ = "contract"
    __table_args__ = (UniqueConstraint("buyer_org_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    object: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=ContractKind.market)
    nature: Mapped[str] = mapped_column(String(20))
    cpv_code: Mapped[str | None] = mapped_column(String(10))
    amount_excl_vat: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    notified_on: Mapped[date | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(20))
    # Social and environmental considerations, in the DECP vocabulary.
    social_clause: Mapped[bool] = mapped_column(default=False)
    social_criterion: Mapped[bool] = mapped_column(default=False)
    reserved: Mapped[bool] = mapped_column(default=False)
    # The legal basis of a reserved contract (ReservedBasis: L2113-12, -13, -15);
    # None for a contract reserved before the portal asked, or one the DECP did not say.
    reserved_basis: Mapped[str | None] = mapped_column(String(10))
    environmental_clause: Mapped[bool] = mapped_column(default=False)
    environmental_criterion: Mapped[bool] = mapped_column(default=False)
    # Climate follow-up (not DECP considerations): the award weighed the global cost (coût du
    # cycle de vie, art. R2152-9 and R2152-10), and the contract carries a carbon clause.
    global_cost_criterion: Mapped[bool] = mapped_column(default=False, server_default=false())
    carbon_clause: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.active)
    closed_on: Mapped[date | None]
    # As first published (DECP montant / dureeMois): amount_excl_vat and ends_on follow the
    # modifications, the initial values stay for the open-data exports.
    initial_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    duration_months: Mapped[int | None]
    # The DECP facts the portal does not otherwise model (procedure, lieuExecution, formePrix,
    # techniques, ccag…), under their 2024-format names; empty for a contract typed by hand.
    decp_facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Fingerprint of the DECP record last imported: the same record again changes nothing.
    decp_fingerprint: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)

    buyer: Mapped[Organisation] = relationship(lazy="joined")
    parties: Mapped[list["ContractParty"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractParty.id"
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Commitment.id"
    )
    modifications: Mapped[list["ContractModification"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan",
        order_by="ContractModification.sequence"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def holder(self) -> Organisation | None:
        return next((p.organisation for p in self.parties if p.role == PartyRole.holder), None)

    @property
    def co_holders(self) -> list[Organisation]:
        return [p.organisation for p in self.parties if p.role == PartyRole.co_holder]

    @property
    def subcontractors(self) -> list[Organisation]:
        """The sub-contractors the holder declared (not DECP holders)."""
        return [p.organisation for p in self.parties if p.role == PartyRole.subcontractor]

    def role_of(self, organisation_id: int | None) -> str | None:
        """The organisation's part in the contract (a `PartyRole`), None when it has none."""
        return next((p.role for p in self.parties if p.organisation_id == organisation_id), None)

    @property
    def title(self) -> str:
        """How a mail names the contract: its reference and its object, shortened
        (2025-014 « Nettoyage des locaux… »)."""
        return f"{self.reference} « {shorten(self.object, 50)} »"

    @hybrid_property
    def end_date(self) -> date:
        """When execution really ends: the contractual end, or the early closing date."""
        return self.closed_on if self.closed_on and self.closed_on < self.ends_on else self.ends_on

    @end_date.inplace.expression
    @classmethod
    def _end_date_expression(cls) -> ColumnElement[date]:
        return case((and_(cls.closed_on.is_not(None), cls.closed_on < cls.ends_on),
                     cls.closed_on), else_=cls.ends_on)

    def commitment(self, kind: str) -> "Commitment | None":
        return next((c for c in self.commitments if c.kind == kind), None)


class PartyRole(StrEnum):
    holder = "holder"
    co_holder = "co_holder"
    # Declared by the holder (e.g. an SIAE doing part of the insertion hours); not a DECP holder.
    subcontractor = "subcontractor"


# Who the contract was awarded to (the DECP titulaires): what the SME and regional indicators
# count; a sub-contractor is not one of them.
AWARDEES = (PartyRole.holder, PartyRole.co_holder)


class ContractParty(Base):
    __tablename__ = "contract_party"
    __table_args__ = (UniqueConstraint("contract_id", "organisation_id"),
                      # An organisation's contracts as holder or co-holder, from the index alone.
                      Index("ix_contract_party_organisation_role", "organisation_id", "role",
                            "contract_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20))

    contract: Mapped[Contract] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ContractModification(Base):
    """A DECP modification (avenant) published after the contract: new amount, duration or
    holders, numbered in notification order."""

    __tablename__ = "contract_modification"
    __table_args__ = (UniqueConstraint("contract_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    notified_on: Mapped[date | None]
    published_on: Mapped[date | None]
    subject: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    duration_months: Mapped[int | None]
    # New holders when the modification changes them: [{"typeIdentifiant": …, "id": …}].
    holders: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)

    contract: Mapped[Contract] = relationship(back_populates="modifications")


class CommitmentKind(StrEnum):
    insertion_hours = "insertion_hours"
    agec_share = "agec_share"
    progress_plan = "progress_plan"
    csr_report = "csr_report"
    concession_report = "concession_report"
    carbon_report = "carbon_report"


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("contract_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    # Typed by the pydantic model of its kind (portal.commitments).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Insertion hours of its validated declarations, kept by the review as they are validated
    # and reopened (supplier.compliance.insertion): a list of thousands of contracts reads one
    # number per contract instead of summing every line. Zero for the other kinds.
    validated_hours: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")

    contract: Mapped[Contract] = relationship(back_populates="commitments")
    shares: Mapped[list["CommitmentShare"]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentShare.id")


class CommitmentShare(Base):
    """An organisation of the contract (holder, co-holder or sub-contractor) that files its own
    declarations for the commitment, with its part of the target when the buyer sets one.
    A commitment without shares is filed by the holder alone."""

    __tablename__ = "commitment_share"
    __table_args__ = (UniqueConstraint("commitment_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    target_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))

    commitment: Mapped[Commitment] = relationship(back_populates="shares")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
