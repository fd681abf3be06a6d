"""The DECP import pages: the upload form with the buyer's past imports, and each import's
page, polled with htmx while it runs, with its rejection report (and as CSV)."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from execution.indicators.scope import buyer_organisations
from execution.opendata.scope import admin_query, buyer_in_scope
from portal.auth import ContractSideUser, DbSession
from portal.errors import Invalid, NotFound, TooLarge
from portal.models import Organisation, User
from portal.pagination import page_number, paginate
from portal.spreadsheet import CSV_TYPE
from portal.web import RowId, download, parsed_form, redirect, refused_form, render, verify_csrf

from .job import is_stale, summary
from .models import DecpImport
from .report import rejection_page, report_csv
from .upload import run_in_background, start_import

router = APIRouter(prefix="/donnees-ouvertes/import-decp", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
PAGE, JOB_PAGE = "execution/decp/import.html", "execution/decp/job.html"
HISTORY_PER_PAGE = 20


def _history(db: Session, buyer: Organisation | None, page: str):
    if buyer is None:
        return None
    query = (select(DecpImport).where(DecpImport.buyer_org_id == buyer.id)
             .order_by(DecpImport.created_at.desc(), DecpImport.id.desc()))
    return paginate(db, query, page=page_number(page), per_page=HISTORY_PER_PAGE)


def _context(db: Session, user: User, buyer: Organisation | None, page: str = "", *,
             errors: dict[str, str] | None = None, summary: str | None = None) -> dict:
    return {"buyer": buyer, "buyers": buyer_organisations(db) if user.is_admin else [],
            "query": admin_query(user, buyer),
            "imports": _history(db, buyer, page), "errors": errors or {}, "summary": summary}


@router.get("")
def import_page(request: Request, db: DbSession, user: ContractSideUser,
                acheteur: str | None = None, page: str = ""):
    buyer = buyer_in_scope(db, user, acheteur)
    return render(request, PAGE, _context(db, user, buyer, page), block="imports")


@router.post("")
def upload_file(request: Request, db: DbSession, user: ContractSideUser, form: Form,
                background: BackgroundTasks, acheteur: str | None = None):
    buyer = buyer_in_scope(db, user, acheteur)
    upload = form.get("fichier")
    try:
        if buyer is None:
            raise Invalid("Choisissez d'abord l'organisation acheteuse dont vous importez les "
                          "données.")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("Choisissez le fichier DECP à importer.")
        job = start_import(db, filename=upload.filename, stream=upload.file, user=user,
                           buyer=buyer)
    except (Invalid, TooLarge) as error:
        refused = error if error.field_errors else type(error)(
            "Le fichier n'a pas été importé.", field_errors={"fichier": error.message})
        return refused_form(request, db, refused, PAGE, lambda errors, message: _context(
            db, user, buyer, errors=errors, summary=message))
    background.add_task(run_in_background, job.id)
    query = admin_query(user, buyer)
    return redirect(request, f"/donnees-ouvertes/import-decp/{job.id}{query}",
                    message="Fichier reçu : l'import a commencé.")


def _job(db: Session, user: User, job_id: int) -> DecpImport:
    """The import, for the buyer organisation's users and administrators only (404 for
    anyone else: an import's existence is not theirs to know)."""
    job = db.get(DecpImport, job_id)
    if job is None or not (user.is_admin or (user.is_buyer
                                             and job.buyer_org_id == user.organisation_id)):
        raise NotFound("Cet import n'existe pas.")
    return job


@router.get("/{job_id}")
def job_page(request: Request, db: DbSession, user: ContractSideUser, job_id: RowId,
             page: str = ""):
    job = _job(db, user, job_id)
    return render(request, JOB_PAGE, {
        "job": job, "stale": is_stale(job), "summary": summary(job),
        "rejections": rejection_page(db, job.id, page_number(page)),
        "query": f"?acheteur={job.buyer_org_id}" if user.is_admin and job.buyer_org_id else "",
    }, block="import_status")


@router.get("/{job_id}/rapport.csv")
def report_file(db: DbSession, user: ContractSideUser, job_id: RowId):
    job = _job(db, user, job_id)
    filename = f"rejets-decp-{job.id}.csv"
    return download(report_csv(db, job.id).encode(), filename, CSV_TYPE)
