"""Uploaded documents: size- and type-checked (each file parsed whole, see portal.pdf_safety and
portal.image_safety), stored outside the web root by their SHA-256."""

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.clock import now
from portal.db import Base
from portal.errors import Invalid, TooLarge
from portal.image_safety import check_jpeg, check_png
from portal.models import User
from portal.pdf_safety import check_pdf
from portal.settings import get_settings

# The type is read from the content, never from the name or the browser's claim.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
STRUCTURE_CHECKS = {"application/pdf": check_pdf, "image/png": check_png,
                    "image/jpeg": check_jpeg}
CHUNK = 1024 * 1024


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Read only through the page that attached it (a mediation request's parties), never by
    # the uploader's whole organisation through /documents/{id}.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def path(self) -> Path:
        return storage_dir() / self.sha256[:2] / self.sha256


def storage_dir() -> Path:
    return get_settings().data_dir.resolve() / "documents"


def safe_filename(name: str | None, *, default: str = "document.pdf") -> str:
    """A display name with no directory part, no control character, at most 120 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")
    return name[-120:] or default


def _sniff(head: bytes) -> str | None:
    return next((kind for kind, magics in SIGNATURES.items()
                 if any(head.startswith(magic) for magic in magics)), None)


@contextmanager
def received_file(stream: BinaryIO, directory: Path) -> Iterator[tuple[Path, str, int, bytes]]:
    """Copies an upload into a temporary file of ``directory`` (so that moving it into place is
    a rename), refusing it past the size limit or empty: yields its path, SHA-256, size and
    first bytes. The caller checks the content inside the block; on any error the temporary
    file is removed, otherwise the caller moves it."""
    limit = get_settings().max_upload_bytes
    digest, size, head = hashlib.sha256(), 0, b""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, delete=False) as tmp:
        try:
            while chunk := stream.read(CHUNK):
                head = head or chunk[:16]
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"Le fichier dépasse la taille maximale de "
                                   f"{limit // (1024 * 1024)} Mo.")
                digest.update(chunk)
                tmp.write(chunk)
            if size == 0:
                raise Invalid("Le fichier envoyé est vide.")
            tmp.close()
            yield Path(tmp.name), digest.hexdigest(), size, head
        except BaseException:
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)
            raise


def store_upload(db: Session, *, filename: str | None, stream: BinaryIO, uploader: User,
                 allowed: tuple[str, ...] = ("application/pdf",),
                 confidential: bool = False) -> Document:
    """Checks and stores an upload; raises a French error and stores nothing when it is refused."""
    storage = storage_dir()
    with received_file(stream, storage) as (received, sha, size, head):
        kind = _sniff(head)
        if kind not in allowed:
            names = " ou ".join(TYPE_NAMES[t] for t in allowed)
            raise Invalid(f"Ce fichier n'est pas un document {names} valide : "
                          "seuls ces formats sont acceptés.")
        # The first bytes name the type; the whole file must be one of it.
        STRUCTURE_CHECKS[kind](received)
    target = storage / sha[:2] / sha
    target.parent.mkdir(exist_ok=True)
    os.replace(received, target)  # same content, same place: storing twice is harmless
    document = Document(organisation_id=uploader.organisation_id, uploaded_by_id=uploader.id,
                        filename=safe_filename(filename, default=f"document.{kind.split('/')[1]}"),
                        content_type=kind, size=size, sha256=sha, confidential=confidential)
    db.add(document)
    db.flush()
    return document
