"""The rejection report of an import: a page at a time on screen, whole as CSV."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.pagination import Page, paginate
from portal.spreadsheet import csv_document, safe_text

from .models import DecpRejection

HEADER = ("N° d'enregistrement", "Identifiant", "Champ", "Valeur", "Raison")


def _rows(import_id: int):
    return (select(DecpRejection.position, DecpRejection.record_id, DecpRejection.field,
                   DecpRejection.value, DecpRejection.reason)
            .where(DecpRejection.import_id == import_id)
            .order_by(DecpRejection.position, DecpRejection.id))


def rejection_page(db: Session, import_id: int, page: int) -> Page:
    return paginate(db, _rows(import_id), page=page, scalars=False)


def report_csv(db: Session, import_id: int) -> str:
    return csv_document(HEADER, ([str(position), safe_text(ident), safe_text(field),
                                  safe_text(value), safe_text(reason)]
                                 for position, ident, field, value, reason
                                 in db.execute(_rows(import_id))))
