"""A DECP file sent from the page: size-checked, stored outside the web root under its SHA-256
(like portal.documents), and refused at once, in French, when it is not JSON or not DECP."""

import logging
import os
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from portal.clock import now
from portal.db import new_session
from portal.documents import received_file, safe_filename
from portal.error_log import log_unexpected
from portal.models import Organisation, User
from portal.settings import get_settings

from .job import run_import
from .models import DecpImport, ImportStatus
from .reading import check_readable

CHUNK = 1024 * 1024
FAILED = "L'import s'est arrêté sur une erreur inattendue ; elle a été consignée."
log = logging.getLogger(__name__)


def storage_dir() -> Path:
    return get_settings().data_dir.resolve() / "decp-imports"


def stored_path(job: DecpImport) -> Path:
    if job.sha256 is None:  # a job row is written with its file's digest
        raise RuntimeError("import DECP sans empreinte de fichier")
    return storage_dir() / job.sha256


def start_import(db: Session, *, filename: str | None, stream: BinaryIO, user: User,
                 buyer: Organisation) -> DecpImport:
    """Checks and stores the file, and records the pending import (the caller starts it)."""
    storage = storage_dir()
    with received_file(stream, storage) as (received, sha, size, _head):
        check_readable(received)
    os.replace(received, storage / sha)  # the same file twice is stored once
    job = DecpImport(buyer_org_id=buyer.id, user_id=user.id, sha256=sha, size=size,
                     filename=safe_filename(filename, default="decp.json"))
    db.add(job)
    db.flush()
    return job


def run_in_background(job_id: int) -> None:
    """The import of a stored upload, after the response (its own transactions); whatever
    happens, the job does not stay « en cours »."""
    with new_session(writes=True) as db:
        job = db.get(DecpImport, job_id)
        if job is None or job.status != ImportStatus.pending:
            return
        buyer = db.get(Organisation, job.buyer_org_id) if job.buyer_org_id else None
        actor = db.get(User, job.user_id) if job.user_id else None
        try:
            run_import(db, job, stored_path(job), only_buyer=buyer.siret if buyer else None,
                       actor=actor)
        except Exception as error:
            db.rollback()
            log_unexpected(log, "Import DECP %s en échec", job_id, error=error)
            job.status, job.error, job.finished_at = ImportStatus.failed, FAILED, now()
            db.commit()
