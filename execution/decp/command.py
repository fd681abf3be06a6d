"""`portal import-decp`: the same import as the page, run in the foreground."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Organisation
from portal.siret import normalize, siret_error

from .job import run_import
from .models import DecpImport
from .reading import UnreadableFile, check_readable


def check_command(path: Path, buyer: str | None) -> str | None:
    """The buyer SIRET normalised; raises UnreadableFile (a French message) when the command
    cannot run at all."""
    if buyer is not None and (message := siret_error(buyer)):
        raise UnreadableFile(f"--buyer : {message}")
    if not path.is_file():
        raise UnreadableFile(f"fichier introuvable : {path}")
    check_readable(path)
    return normalize(buyer) if buyer else None


def import_file(db: Session, path: Path, *, buyer: str | None,
                progress: Callable[[int, int], None] | None = None) -> DecpImport:
    buyer_org = db.scalar(select(Organisation).where(Organisation.siret == buyer)) \
        if buyer else None
    job = DecpImport(filename=path.name[-120:], size=path.stat().st_size,
                     buyer_org_id=buyer_org.id if buyer_org else None)
    db.add(job)
    db.flush()
    run_import(db, job, path, only_buyer=buyer, actor=None, progress=progress)
    if buyer and job.buyer_org_id is None:
        # The buyer was created by this import: the job is listed on its page from now on.
        job.buyer_org_id = db.scalar(select(Organisation.id).where(Organisation.siret == buyer))
        db.commit()
    return job
