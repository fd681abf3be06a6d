"""What the yearly report kinds share: one declaration per calendar year, the received/missing
status of each year, uploaded PDFs and their description in the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.documents import Document, store_upload
from portal.errors import Invalid, TooLarge
from portal.models import Commitment, Contract, Frequency, User
from portal.periods import Period, periods
from supplier.models import SHOWN_TO_BUYER, Declaration, Status, Subject
from supplier.report_schemas import DocumentOut


def yearly_periods(contract: Contract, due: Callable[[int], date]) -> list[tuple[Subject, Period]]:
    """One period per calendar year of the contract, due on ``due(year)``."""
    return [(Subject.period, Period(p.start, p.end, due(p.start.year)))
            for p in periods(contract.starts_on, contract.end_date, Frequency.yearly, due_days=0)]


@dataclass(frozen=True)
class YearStatus:
    code: str   # received | submitted | returned | missing | expected
    label: str
    badge: str  # CSS class of the badge (the declaration statuses' colours)


def year_status(declaration: Declaration) -> YearStatus:
    """What the buyer has for that year: received (validated), under review, returned, missing
    (due date passed) or still expected."""
    if declaration.status == Status.validated:
        return YearStatus("received", "Reçu et validé", "validated")
    if declaration.status == Status.submitted:
        return YearStatus("submitted", "Déposé, en cours d'examen", "submitted")
    if declaration.status == Status.returned:
        return YearStatus("returned", "Renvoyé pour correction", "returned")
    if declaration.is_overdue:
        return YearStatus("missing", "Manquant", "overdue")
    return YearStatus("expected", "Attendu", "expected")


def seen_by_buyer(declaration: Declaration) -> bool:
    """Drafts are the holder's business; the buyer's figures are what was filed."""
    return declaration.status in SHOWN_TO_BUYER


def commitment_declarations(db: Session, commitment: Commitment) -> list[Declaration]:
    return list(db.scalars(select(Declaration).where(Declaration.commitment_id == commitment.id)
                           .order_by(Declaration.period_start)))


def years_summary(declarations: list[Declaration], report: Callable[[Declaration], Any], *,
                  extra: Callable[[Any], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The context of a compliance section: each year with its status and the report the buyer
    has (None for drafts), plus how many years were received and how many are missing."""
    years = []
    for declaration in declarations:
        filed = report(declaration) if seen_by_buyer(declaration) else None
        # `extra` is this function's callback, not Django's QuerySet.extra (bandit B610).
        more = extra(filed) if extra else {}  # nosec B610
        years.append({"declaration": declaration, "year": declaration.period_start.year,
                      "status": year_status(declaration), "report": filed, **more})
    return {"years": years,
            "received": sum(1 for y in years if y["status"].code == "received"),
            "missing": sum(1 for y in years if y["status"].code == "missing")}


def _is_upload(value: Any) -> bool:
    return hasattr(value, "file") and hasattr(value, "filename")


def uploads(values: list[Any]) -> list[Any]:
    """The files really chosen in a file input (a browser sends an empty part otherwise)."""
    return [v for v in values if _is_upload(v) and v.filename]


def split_uploads(payload: dict[str, Any], key: str) -> tuple[dict[str, Any], list[Any]]:
    """The payload without the files read from the form under ``key``, and those files. Anything
    else under ``key`` (an API client sending JSON there) stays, for the schema to refuse."""
    value = payload.get(key)
    values = value if isinstance(value, list) else [value]
    if key not in payload or not all(v is None or _is_upload(v) for v in values):
        return payload, []
    return ({k: v for k, v in payload.items() if k != key},
            [v for v in values if v is not None])


def store_pdf(db: Session, upload: Any, *, user: User, field: str) -> Document:
    """Stores an uploaded PDF; a refusal names the form field it came from."""
    try:
        return store_upload(db, filename=upload.filename, stream=upload.file, uploader=user)
    except (Invalid, TooLarge) as error:
        message = (f"« {upload.filename} » : {error.message} Le fichier n'a pas été "
                   "enregistré : choisissez-le à nouveau.")
        raise type(error)(error.message, field_errors={field: message}) from None


def document_out(document: Document | None) -> DocumentOut | None:
    if document is None:
        return None
    return DocumentOut(id=document.id, filename=document.filename,
                       content_type=document.content_type, size=document.size,
                       sha256=document.sha256, url=f"/documents/{document.id}")

