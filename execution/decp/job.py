"""Running an import: the file read record by record, committed in batches so that the job
row shows progress to whoever polls it (and SQLite's write lock is never held for the whole
file), each record created, updated, unchanged or rejected with its reasons."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from portal.clock import now
from portal.formatting import number, plural
from portal.models import User

from .load import load_batch
from .models import DecpImport, DecpRejection, ImportStatus
from .normalise import Problem, Record, Rejected, normalise, record_id
from .reading import UnreadableFile, records

BATCH = 500
# A running import writes its progress at every batch, a few seconds apart at most; one silent
# this long has died with its process (see fail_stale).
STALE_AFTER = timedelta(minutes=15)
INTERRUPTED = ("L'import s'est interrompu (arrêt du serveur pendant le traitement) ; "
               "renvoyez le fichier : ce qui a déjà été importé sera reconnu comme inchangé.")


def summary(job: DecpImport) -> str:
    """The one line the command prints and the page repeats."""
    return (f"créés {number(job.created)}, mis à jour {number(job.updated)}, "
            f"inchangés {number(job.unchanged)}, rejetés {number(job.rejected)}")


class _Run:
    def __init__(self, db: Session, job: DecpImport, only_buyer: str | None,
                 actor: User | None):
        self.db, self.job, self.only_buyer, self.actor = db, job, only_buyer, actor
        # (buyer SIRET, id) → fingerprint of the record of this file already taken.
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}

    def reject(self, position: int, ident: str, problems: list[Problem]) -> None:
        self.job.rejected += 1
        self.db.add_all(DecpRejection(import_id=self.job.id, position=position,
                                      record_id=ident[:200], field=p.field[:120],
                                      value=p.value, reason=p.reason) for p in problems)

    def take(self, position: int, record: Record) -> bool:
        """Whether the record goes to the register. Within one file, the first record of an
        id wins: a later identical one is « unchanged »; a later different one is rejected
        and reported — letting it replace the first would make every re-import flip the
        contract between the two versions, and real feeds reuse ids for different lots."""
        key = (record.buyer_siret, record.reference)
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = (record.fingerprint, position)
            return True
        if first[0] == record.fingerprint:
            self.job.unchanged += 1
        else:
            self.reject(position, record.reference, [Problem(
                "id", record.reference,
                f"identifiant déjà utilisé dans ce fichier par l'enregistrement n° "
                f"{first[1]}, de contenu différent : seul le premier est importé")])
        return False

    def flush(self, batch: list[tuple[int, Record]]) -> None:
        outcome = load_batch(self.db, batch, actor=self.actor)
        for position, ident, problems in outcome.rejected:
            self.seen.pop(next(k for k in self.seen if self.seen[k][1] == position), None)
            self.reject(position, ident, problems)
        self.job.created += outcome.created
        self.job.updated += outcome.updated
        self.job.unchanged += outcome.unchanged
        self.job.progressed_at = now()
        self.db.commit()


def run_import(db: Session, job: DecpImport, path: Path, *, only_buyer: str | None,
               actor: User | None, progress: Callable[[int, int], None] | None = None) -> None:
    """Imports the file into the register under ``job`` (``progress`` hears the records and
    bytes read after each batch); the job ends « terminé », or
    « échec » with its French reason when the file cannot be read (records already committed
    stay: importing the repaired file again finds them unchanged)."""
    run = _Run(db, job, only_buyer, actor)
    job.status, job.progressed_at = ImportStatus.running, now()
    db.commit()
    batch: list[tuple[int, Record]] = []
    try:
        with path.open("rb") as stream:
            for raw in records(stream):
                job.records_read = raw.position
                try:
                    record = normalise(raw, only_buyer=only_buyer)
                except Rejected as error:
                    run.reject(raw.position, record_id(raw), error.problems)
                else:
                    if run.take(raw.position, record):
                        batch.append((raw.position, record))
                if raw.position % BATCH == 0:
                    run.flush(batch)
                    batch = []
                    if progress:
                        progress(raw.position, stream.tell())
        run.flush(batch)
        job.status = ImportStatus.done
    except UnreadableFile as error:
        db.rollback()
        job.status, job.error = ImportStatus.failed, error.message
    except OSError:
        db.rollback()
        job.status, job.error = ImportStatus.failed, "Le fichier importé est introuvable."
    job.finished_at = now()
    db.commit()


def fail_stale(db: Session) -> str:
    """Marks failed the imports whose process died (pending or running, silent for too
    long): scheduled, so that the page never shows « en cours » forever."""
    limit = now() - STALE_AFTER
    # An UPDATE's result is a CursorResult, which has the row count.
    count = cast(CursorResult, db.execute(
        update(DecpImport)
        .where(DecpImport.status.in_([ImportStatus.pending, ImportStatus.running]),
               DecpImport.created_at < limit,
               (DecpImport.progressed_at.is_(None)) | (DecpImport.progressed_at < limit))
        .values(status=ImportStatus.failed, error=INTERRUPTED, finished_at=now())
        .execution_options(synchronize_session=False))).rowcount
    return plural(count, "import DECP interrompu marqué en échec",
                  "imports DECP interrompus marqués en échec")


def is_stale(job: DecpImport) -> bool:
    """Whether a page should show this unfinished import as interrupted (the scheduler will
    write it; a page only reads)."""
    last = job.progressed_at or job.created_at
    return not job.finished and last < now() - STALE_AFTER


def latest_imports(db: Session, buyer_org_id: int, limit: int = 10) -> list[DecpImport]:
    return list(db.scalars(select(DecpImport).where(DecpImport.buyer_org_id == buyer_org_id)
                           .order_by(DecpImport.created_at.desc(), DecpImport.id.desc())
                           .limit(limit)))
