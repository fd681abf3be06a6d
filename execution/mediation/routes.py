"""Mediation pages: the supplier's (/fournisseur/mediation) and the buyer's, for its agents and
mediators (/acheteur/mediation), and the download of a request's files (/mediation/pieces/{id}).

Whoever is not a party gets 404 everywhere, lists included (execution.mediation.service)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile

from execution.mediation import service
from execution.mediation.indicators import figures_by_buyer, mediation_figures
from execution.mediation.models import OUTCOME_LABELS, MediationRequest
from execution.mediation.service import NOT_FOUND, STATUS_FILTERS, Upload
from portal.auth import CurrentUser, DbSession
from portal.clock import today
from portal.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from portal.models import Organisation, User
from portal.pagination import page_number
from portal.reporting_period import BadPeriod, parse_period
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
LIST_PAGE = "execution/mediation/list.html"
REQUEST_PAGE = "execution/mediation/request.html"
NEW_PAGE = "execution/mediation/new.html"
FIELD_LABELS = {"subject": "Objet", "description": "Description", "piece": "Pièce jointe",
                "body": "Message", "outcome": "Issue", "comment": "Message de clôture"}
FILE_AGAIN = " Le fichier joint n'a pas été gardé : choisissez-le à nouveau."


async def supplier_party(user: CurrentUser) -> User:
    if not user.is_supplier:
        raise NotFound(NOT_FOUND)
    return user


async def buyer_party(user: CurrentUser) -> User:
    """An agent of a buyer: which requests it reads is the service's rule (its organisation's);
    only mediators close them."""
    if not user.is_buyer:
        raise NotFound(NOT_FOUND)
    return user


SupplierParty = Annotated[User, Depends(supplier_party)]
BuyerParty = Annotated[User, Depends(buyer_party)]


def _upload(form: FormData) -> Upload | None:
    sent = form.get("piece")
    if isinstance(sent, UploadFile) and sent.filename:
        return Upload(sent.filename, sent.file)
    return None


def _text(form: FormData, name: str, limit: int = service.TEXT_MAX + 100) -> str:
    return str(form.get(name) or "")[:limit]


# --- Lists --------------------------------------------------------------------------------------

def _list(request: Request, db, user: User, *, space: str, q: str, statut: str, page: str,
          figures=None, period_text: str = "", period_error: str | None = None):
    search, status = q.strip()[:100], statut if statut in STATUS_FILTERS else ""
    query = {k: v for k, v in (("q", search), ("statut", status)) if v}
    base = f"{space}/mediation" + (f"?{urlencode(query)}" if query else "")
    return render(request, LIST_PAGE, {
        "space": space, "requests": service.requests_page(db, user, search=search, status=status,
                                                          page=page_number(page)),
        "q": search, "statut": status, "filters": STATUS_FILTERS, "base": base,
        "figures": figures, "period_text": period_text, "period_error": period_error},
        block="results")


@router.get("/fournisseur/mediation")
def supplier_list_page(request: Request, db: DbSession, user: SupplierParty, q: str = "",
                       statut: str = "", page: str = ""):
    return _list(request, db, user, space="/fournisseur", q=q, statut=statut, page=page)


@router.get("/acheteur/mediation")
def mediator_list_page(request: Request, db: DbSession, user: BuyerParty, q: str = "",
                       statut: str = "", page: str = "", periode: str | None = None):
    typed = (periode if periode is not None else str(today().year))[:20]
    figures, error = None, None
    try:
        figures = mediation_figures(db, user.organisation_id, parse_period(typed))
    except BadPeriod as bad:
        error = str(bad)
    return _list(request, db, user, space="/acheteur", q=q, statut=statut, page=page,
                 figures=figures, period_text=typed, period_error=error)


# --- Indicators (aggregates only: any agent of the buyer, every buyer for an administrator) ---

@router.get("/acheteur/mediation/indicateurs")
def indicators_page(request: Request, db: DbSession, user: CurrentUser,
                    periode: str | None = None):
    if not (user.is_buyer or user.is_admin):
        raise Forbidden("Les indicateurs de médiation sont réservés aux acheteurs et aux "
                        "administrateurs.")
    typed = (periode if periode is not None else str(today().year))[:20]
    rows, error, period = [], None, None
    try:
        period = parse_period(typed)
    except BadPeriod as bad:
        error = str(bad)
    if period is not None:
        found = figures_by_buyer(db, period, None if user.is_admin else user.organisation_id)
        names = {org_id: name for org_id, name in db.execute(select(
            Organisation.id, Organisation.name).where(Organisation.id.in_(found)))}
        rows = sorted(((names.get(k, ""), f) for k, f in found.items()), key=lambda r: r[0])
    return render(request, "execution/mediation/indicators.html", {
        "rows": rows, "period": period, "period_text": typed, "period_error": error})


# --- Opening ------------------------------------------------------------------------------------

def _new_context(db, user: User, contract_id: int, values=None, errors=None, summary=None):
    return {"contract": service.contract_to_mediate(db, contract_id, user),
            "values": values or {}, "errors": errors or {}, "error_summary": summary,
            "field_labels": FIELD_LABELS}


@router.get("/fournisseur/contrats/{contract_id}/mediation")
def new_request_page(request: Request, db: DbSession, user: SupplierParty, contract_id: RowId):
    return render(request, NEW_PAGE, _new_context(db, user, contract_id))


@router.post("/fournisseur/contrats/{contract_id}/mediation")
def open_request(request: Request, db: DbSession, user: SupplierParty, contract_id: RowId,
                 form: Form):
    values = {"subject": _text(form, "subject", service.SUBJECT_MAX + 100),
              "description": _text(form, "description")}
    upload = _upload(form)
    try:
        opened = service.open_request(db, user=user, contract_id=contract_id, upload=upload,
                                      **values)
    except (Invalid, TooLarge) as error:
        summary = error.message + (FILE_AGAIN if upload is not None else "")
        return refused_form(request, db, error, NEW_PAGE, lambda errors, _summary: (
            _new_context(db, user, contract_id, values, errors, summary)), block="request_form")
    return redirect(request, f"/fournisseur/mediation/{opened.id}", message=(
        "Demande de médiation envoyée : les médiateurs de l'acheteur sont prévenus."))


# --- One request --------------------------------------------------------------------------------

def _request_context(db, user: User, request_id: int, *, values=None, errors=None,
                     summary=None, failed: str | None = None) -> dict:
    """The request page; ``failed``: the form (« reply », « close ») whose refusal it shows."""
    found: MediationRequest = service.get_visible(db, request_id, user)
    files: dict[int | None, list] = {}
    for attachment in found.attachments:
        files.setdefault(attachment.message_id, []).append(attachment)
    return {"r": found, "files": files, "mediator": service.side_of(user) == "mediator",
            "space": "/fournisseur" if user.is_supplier else "/acheteur",
            "outcomes": list(OUTCOME_LABELS.items()), "values": values or {},
            "errors": errors or {}, "error_summary": summary, "field_labels": FIELD_LABELS,
            "failed": failed}


@router.get("/fournisseur/mediation/{request_id}")
def supplier_request_page(request: Request, db: DbSession, user: SupplierParty,
                          request_id: RowId):
    return render(request, REQUEST_PAGE, _request_context(db, user, request_id))


@router.get("/acheteur/mediation/{request_id}")
def mediator_request_page(request: Request, db: DbSession, user: BuyerParty, request_id: RowId):
    return render(request, REQUEST_PAGE, _request_context(db, user, request_id))


def _reply(request: Request, db, user: User, request_id: int, form: FormData, space: str):
    values = {"body": _text(form, "body")}
    upload = _upload(form)
    try:
        service.reply(db, request_id, user=user, body=values["body"], upload=upload)
    except (Invalid, TooLarge, Conflict) as error:
        summary = error.message + (FILE_AGAIN if upload is not None else "")
        return refused_form(request, db, error, REQUEST_PAGE, lambda errors, _summary: (
            _request_context(db, user, request_id, values=values, errors=errors,
                             summary=summary, failed="reply")), block="reply_form")
    return redirect(request, f"{space}/mediation/{request_id}", message="Message envoyé.")


@router.post("/fournisseur/mediation/{request_id}/messages")
def supplier_reply(request: Request, db: DbSession, user: SupplierParty, request_id: RowId,
                   form: Form):
    return _reply(request, db, user, request_id, form, "/fournisseur")


@router.post("/acheteur/mediation/{request_id}/messages")
def mediator_answer(request: Request, db: DbSession, user: BuyerParty, request_id: RowId,
                    form: Form):
    return _reply(request, db, user, request_id, form, "/acheteur")


@router.post("/acheteur/mediation/{request_id}/cloture")
def close_request(request: Request, db: DbSession, user: BuyerParty, request_id: RowId,
                  form: Form):
    values = {"outcome": _text(form, "outcome", 40), "comment": _text(form, "comment")}
    try:
        closed = service.close(db, request_id, user=user, **values)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, REQUEST_PAGE, lambda errors, summary: (
            _request_context(db, user, request_id, values=values, errors=errors,
                             summary=summary, failed="close")), block="close_form")
    return redirect(request, f"/acheteur/mediation/{request_id}",
                    message=f"Demande clôturée : {closed.outcome_label}.")


@router.get("/mediation/pieces/{attachment_id}")
def download_attachment(db: DbSession, user: CurrentUser, attachment_id: RowId):
    document = service.readable_attachment(db, attachment_id, user)
    # Always a download, never rendered by the browser inside the portal's origin.
    return FileResponse(document.path, media_type=document.content_type,
                        filename=document.filename, content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "private, no-store"})


