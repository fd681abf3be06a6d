"""An import of a DECP file: who sent it for which buyer, where the file is, how far the
background job got, and every record it left out (the rejection report)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.db import Base
from portal.models import Organisation, User


class ImportStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"


STATUS_LABELS = {ImportStatus.pending: "en attente", ImportStatus.running: "en cours",
                 ImportStatus.done: "terminé", ImportStatus.failed: "échec"}


class DecpImport(Base):
    __tablename__ = "decp_import"
    __table_args__ = (Index("ix_decp_import_buyer", "buyer_org_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a command-line import of a feed of several buyers.
    buyer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(120))
    # The uploaded file under the data directory (SHA-256), None for a command-line import.
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.pending)
    error: Mapped[str | None] = mapped_column(Text)
    records_read: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Written at each committed batch: a running import silent for too long has died.
    progressed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    buyer: Mapped[Organisation | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ImportStatus(self.status)]

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.done, ImportStatus.failed)


class DecpRejection(Base):
    """One problem of one record left out: its place in the file, its DECP id, the field, the
    value as written and the French reason."""

    __tablename__ = "decp_rejection"
    __table_args__ = (Index("ix_decp_rejection_import", "import_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("decp_import.id", ondelete="CASCADE"))
    position: Mapped[int]
    record_id: Mapped[str] = mapped_column(String(200), default="")
    field: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
