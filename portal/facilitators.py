"""Which facilitator organisations work for which buyers (and on which of their contracts)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Organisation


class FacilitatorAssignment(Base):
    """A facilitator organisation works for a buyer organisation: on all its contracts with an
    insertion commitment (contract_id None) or on the contracts named one row each."""

    __tablename__ = "facilitator_assignment"
    __table_args__ = (UniqueConstraint("facilitator_org_id", "buyer_org_id", "contract_id"),
                      Index("ix_facilitator_assignment_buyer", "buyer_org_id", "contract_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    facilitator: Mapped[Organisation] = relationship(foreign_keys=[facilitator_org_id],
                                                     lazy="joined")
    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_org_id], lazy="joined")
