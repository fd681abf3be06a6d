"""Reading filed documents: their owner, or anyone who may read a declaration they belong to."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.documents import Document
from portal.errors import NotFound
from portal.models import User
from supplier.models import Attachment, Declaration
from supplier.service import visible_declarations


def attach(db: Session, declaration: Declaration, document: Document, *, role: str) -> Attachment:
    existing = db.scalar(select(Attachment).where(Attachment.declaration_id == declaration.id,
                                                  Attachment.document_id == document.id))
    if existing is not None:
        existing.role = role
        return existing
    attachment = Attachment(declaration_id=declaration.id, document_id=document.id, role=role)
    db.add(attachment)
    db.flush()
    return attachment


def get_readable_document(db: Session, document_id: int, user: User) -> Document:
    # A document filed with a draft stays the holder's, like the draft's content.
    readable_declarations = (visible_declarations(user).with_only_columns(Declaration.id)
                             .where(Declaration.content_shown_clause(user)))
    linked = select(Attachment.document_id).where(
        Attachment.declaration_id.in_(readable_declarations))
    document = db.scalar(select(Document).where(
        Document.id == document_id, Document.confidential.is_(False),
        or_(Document.organisation_id == user.organisation_id, Document.id.in_(linked))))
    if document is None or not document.path.exists():
        raise NotFound("Ce document n'existe pas ou vous n'y avez pas accès.")
    return document
