"""Progress plans: the actions of a proposed plan, and the periodic update of each action.

A plan is a declaration of subject ``plan``; every validated one is an accepted version and keeps
its actions for good. Updates belong to the periodic declarations and name actions by their key,
which stays the same from one version of the plan to the next.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.db import Base
from portal.documents import Document
from supplier.models.declaration import Declaration


class PlanAction(Base):
    __tablename__ = "plan_action"
    __table_args__ = (UniqueConstraint("declaration_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(10))  # "A1", kept across versions of the plan
    axis: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(120))
    indicator: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(30))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date]
    position: Mapped[int] = mapped_column(default=0)

    # Declared here rather than on Declaration: each kind keeps its content in its own module.
    declaration: Mapped[Declaration] = relationship(backref=backref(
        "plan_actions", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PlanAction.position"))


class PlanUpdate(Base):
    __tablename__ = "plan_update"
    __table_args__ = (UniqueConstraint("declaration_id", "action_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    action_key: Mapped[str] = mapped_column(String(10))
    latest_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    # Also attached to the declaration (role "evidence"), which is what lets the buyer read it.
    evidence_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    declaration: Mapped[Declaration] = relationship(backref=backref(
        "plan_updates", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PlanUpdate.id"))
    evidence: Mapped[Document | None] = relationship(lazy="joined")
