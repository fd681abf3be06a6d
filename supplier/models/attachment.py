from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.documents import Document
from supplier.models.declaration import Declaration


class Attachment(Base):
    """A document filed with a declaration: whoever may read the declaration may read it."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("declaration_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    # What the document is to the declaration: "report", "evidence", "annex".
    role: Mapped[str] = mapped_column(String(20))

    declaration: Mapped[Declaration] = relationship()
    document: Mapped[Document] = relationship(lazy="joined")
