"""Candidate survey pages: the buyer's list, a contract's invitations and results, the buyer
organisation's results, and the public answering page reached by the mailed link."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData, UploadFile

from portal.auth import BuyerUser, DbSession
from portal.errors import Invalid, PortalError, TooLarge
from portal.pagination import page_number
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf

from . import service
from .addresses import FIELD, addresses_from_csv, checked_addresses
from .results import MIN_ANSWERS_SHOWN, group_results, is_closed

router = APIRouter(prefix="/enquetes-candidats", dependencies=[Depends(verify_csrf)])
public_router = APIRouter(prefix=service.PUBLIC_PATH, dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
CONTRACT_PAGE, ANSWER_PAGE = "surveys/candidates/contract.html", "surveys/candidates/answer.html"
# The token is in the address: it must not leave in a Referer header.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


@router.get("")
def surveys_page(request: Request, db: DbSession, user: BuyerUser, q: str = "", page: str = ""):
    search = q.strip()[:100]
    return render(request, "surveys/candidates/list.html", {
        "rows": service.surveys_page(db, user=user, search=search, page=page_number(page)),
        "search": search,
        "base": "/enquetes-candidats" + (f"?{urlencode({'q': search})}" if search else "")},
        block="candidate_surveys")


@router.get("/resultats")
def organisation_results_page(request: Request, db: DbSession, user: BuyerUser, q: str = "",
                              page: str = ""):
    search = q.strip()[:100]
    return render(request, "surveys/candidates/results.html", {
        "results": group_results(db, buyer_org_id=user.organisation_id, search=search,
                                 page=page_number(page)),
        "minimum": MIN_ANSWERS_SHOWN, "search": search,
        "base": "/enquetes-candidats/resultats" + (f"?{urlencode({'q': search})}"
                                                   if search else "")})


def _contract_context(db, contract, *, addresses="", errors=None, summary=None,
                      page: int = 1) -> dict:
    survey = service.survey_of(db, contract.id)
    return {"contract": contract, "survey": survey,
            "invited": service.invited_count(db, survey.id) if survey else 0,
            "results": group_results(db, survey_id=survey.id, page=page) if survey else None,
            "closed": is_closed(db, survey.id) if survey else False,
            "search": "", "base": f"/enquetes-candidats/contrats/{contract.id}",
            "minimum": MIN_ANSWERS_SHOWN, "expiry_days": service.EXPIRY.days,
            "addresses": addresses, "errors": errors or {}, "error_summary": summary,
            "imported": 0}


@router.get("/contrats/{contract_id}")
def contract_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                  page: str = ""):
    contract = service.contract_for_buyer(db, contract_id, user=user)
    return render(request, CONTRACT_PAGE, _contract_context(db, contract,
                                                            page=page_number(page)))


@router.post("/contrats/{contract_id}")
def send_invitations(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                     form: Form):
    contract = service.contract_for_buyer(db, contract_id, user=user)
    typed = str(form.get(FIELD, ""))[:60_000]
    upload = form.get("fichier")
    try:
        attached = isinstance(upload, UploadFile) and bool(upload.filename)
        # A file attached is imported for a check first, whichever button was pressed.
        if form.get("action") == "importer" or attached:
            if not isinstance(upload, UploadFile) or not attached:
                raise Invalid("Aucune adresse n'a été importée.",
                              field_errors={"fichier": "Choisissez le fichier CSV à importer."})
            try:
                imported = addresses_from_csv(upload.file)
            except (Invalid, TooLarge) as error:
                raise type(error)("Aucune adresse n'a été importée.",
                                  field_errors={"fichier": error.message}) from error
            # Shown in the list for a check before sending: importing sends nothing.
            both = "\n".join(part for part in (typed.strip(), imported) if part)
            return render(request, CONTRACT_PAGE, _contract_context(
                db, contract, addresses=both,
                summary=None) | {"imported": len(imported.splitlines())})
        tokens, known = service.invite(db, contract, checked_addresses(typed), user=user)
    except PortalError as error:
        return refused_form(request, db, error, CONTRACT_PAGE, lambda errors, summary:
                            _contract_context(db, contract, addresses=typed, errors=errors,
                                              summary=summary))
    message = f"Enquête envoyée à {len(tokens)} adresse(s)."
    if known:
        message += f" {known} adresse(s) déjà invitée(s) n'ont pas reçu de second message."
    return redirect(request, f"/enquetes-candidats/contrats/{contract_id}", message=message)


@router.post("/contrats/{contract_id}/relancer")
def remind_candidates(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = service.contract_for_buyer(db, contract_id, user=user)
    service.remind(db, contract, user=user)
    # The same words whoever was reminded: how many were would tell how many answered.
    message = ("Relance envoyée aux candidats qui n'avaient pas encore répondu et ne l'avaient "
               "pas déjà été.")
    return redirect(request, f"/enquetes-candidats/contrats/{contract_id}", message=message)


@router.post("/contrats/{contract_id}/clore")
def close_survey(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = service.contract_for_buyer(db, contract_id, user=user)
    service.close(db, contract, user=user)
    return redirect(request, f"/enquetes-candidats/contrats/{contract_id}",
                    message="Enquête close : les liens non utilisés ne fonctionnent plus.")


# --- The public page: no login, the link's token is the only key ---------------------------------

def _answer_context(db, invitation, *, values=None, errors=None, summary=None) -> dict:
    survey = db.get(service.CandidateSurvey, invitation.survey_id)
    return {"contract": survey.contract, "questions": service.questions(db),
            "values": values or {}, "errors": errors or {}, "error_summary": summary,
            "expires_at": invitation.expires_at, "options": service.OPTIONS, "dead": None,
            "thanks": False}


def _dead(request, error: PortalError):
    return render(request, ANSWER_PAGE, {"dead": error.message, "thanks": False},
                  status_code=error.status_code, headers=NO_REFERRER)


@public_router.get("/{token}")
def answer_page(request: Request, db: DbSession, token: str):
    try:
        invitation = service.open_invitation(db, token)
    except PortalError as error:
        return _dead(request, error)
    return render(request, ANSWER_PAGE, _answer_context(db, invitation), headers=NO_REFERRER)


@public_router.post("/{token}")
def send_answer(request: Request, db: DbSession, token: str, form: Form):
    raw = {question.id: str(form.get(f"q-{question.id}", "")) for question in service.questions(db)}
    try:
        service.answer(db, token, raw)
    except Invalid as error:
        return refused_form(request, db, error, ANSWER_PAGE, lambda errors, summary:
                            _answer_context(db, service.open_invitation(db, token),
                                            values=raw, errors=errors, summary=summary),
                            headers=NO_REFERRER)
    except PortalError as error:
        db.rollback()
        return _dead(request, error)
    return render(request, ANSWER_PAGE, {"dead": None, "thanks": True}, headers=NO_REFERRER)
