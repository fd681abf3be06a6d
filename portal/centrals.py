"""Purchasing centrals (centrales d'achat): which buyer organisations are members of which
central, and which members use a contract of the central (marchés subséquents, bons de
commande), with the amount each orders if the central's buyers give it.

A central is simply a buyer organisation that has members: no separate flag that could say
otherwise. A central is not itself a member of another, nor is a member a central (one level,
as the schemes describe it): execution.centrals.memberships keeps that rule.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, Select, UniqueConstraint, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Organisation


class CentralMembership(Base):
    """A buyer organisation (``member``) buys through a purchasing central (``central``)."""

    __tablename__ = "central_membership"
    __table_args__ = (UniqueConstraint("central_org_id", "member_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    central_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    member_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    central: Mapped[Organisation] = relationship(foreign_keys=[central_org_id], lazy="joined")
    member: Mapped[Organisation] = relationship(foreign_keys=[member_org_id], lazy="joined")


class CentralContractUse(Base):
    """A member uses a contract of its central; ``amount_excl_vat`` is what it orders under it
    (None: not given, the member's share of the contract's figures is then not apportioned)."""

    __tablename__ = "central_contract_use"
    __table_args__ = (UniqueConstraint("contract_id", "member_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    member_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount_excl_vat: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    created_at: Mapped[datetime] = mapped_column(default=now)

    member: Mapped[Organisation] = relationship(lazy="joined")


def member_ids(central_org_id: int) -> Select:
    """The ids of the central's members (a subquery)."""
    return select(CentralMembership.member_org_id).where(
        CentralMembership.central_org_id == central_org_id)


def is_central(db: Session, organisation_id: int) -> bool:
    return bool(db.scalar(select(exists().where(
        CentralMembership.central_org_id == organisation_id))))


def consolidated_ids(db: Session, central_org_id: int) -> tuple[int, ...]:
    """The central and its members: whose contracts its consolidated indicators count."""
    return (central_org_id, *sorted(db.scalars(member_ids(central_org_id))))


def members(db: Session, central_org_id: int) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(Organisation.id.in_(
        member_ids(central_org_id))).order_by(Organisation.name, Organisation.id)))
