"""The buyer's review of one declaration: its page, validate, return with a comment, reopen;
and the reminder of a late one (« Relancer », from the list of late filings)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from execution.facilitation import checks
from execution.review import reminder
from execution.review import service as review
from portal.auth import BuyerUser, DbSession
from portal.errors import Conflict, Invalid
from portal.formatting import plural
from portal.pagination import page_number
from portal.permissions import is_reviewer
from portal.web import RowId, form_version, parsed_form, redirect, refused_form, render, verify_csrf
from supplier import service as filing
from supplier.declaration_list import DeclarationFilters
from supplier.kind_forms import form_for
from supplier.kinds import handler_for
from supplier.list_pages import declarations_context
from supplier.models import Status

router = APIRouter(prefix="/acheteur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
PAGE = "execution/declaration.html"


@router.get("/declarations/{declaration_id}")
def declaration_page(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId):
    declaration = filing.get_declaration(db, declaration_id, user)
    return render(request, PAGE, _review_context(db, declaration, user))


def _review_context(db, declaration, user, **extra):
    handler = handler_for(declaration)
    # A draft's content stays the holder's: the page then says only that it is in progress.
    shown = declaration.content_shown_to(user)
    followed = checks.has_facilitator(db, declaration)
    return {"d": declaration, "contract": declaration.contract, "handler": handler,
            "kind_form": form_for(declaration), "shown": shown,
            "can_review": is_reviewer(user, declaration.contract), "errors": {},
            "error_summary": None, "comment": "", "show_checks": followed,
            "awaits_opinion": (followed and declaration.status == Status.submitted
                               and checks.awaits_opinion(db, declaration)),
            **(handler.view_context(db, declaration) if shown else {}), **extra}


@router.post("/declarations/{declaration_id}/valider")
def validate_declaration(request: Request, db: DbSession, user: BuyerUser,
                         declaration_id: RowId, form: Form):
    try:
        review.validate(db, declaration_id, reviewer=user, version=form_version(form))
    except Conflict as error:
        # Awaiting the facilitator's opinion, already handled, changed meanwhile: the page again
        # with the reason, its forms kept.
        return refused_form(request, db, error, PAGE, lambda errors, summary: _review_context(
            db, filing.get_declaration(db, declaration_id, user), user, errors=errors,
            error_summary=summary), block="review_form")
    return redirect(request, f"/acheteur/declarations/{declaration_id}",
                    message="Déclaration validée.")


def _comment_action(request, db, user, declaration_id, form, action, message):
    comment = str(form.get("comment", ""))
    try:
        action(db, declaration_id, reviewer=user, version=form_version(form), comment=comment)
    except Invalid as error:
        return refused_form(request, db, error, PAGE, lambda errors, summary: _review_context(
            db, filing.get_declaration(db, declaration_id, user), user, comment=comment,
            errors=errors, error_summary=summary), block="review_form")
    return redirect(request, f"/acheteur/declarations/{declaration_id}", message=message)


@router.post("/declarations/{declaration_id}/renvoyer")
def return_declaration(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId,
                       form: Form):
    return _comment_action(request, db, user, declaration_id, form, review.return_to_holder,
                           "Déclaration renvoyée au titulaire avec votre commentaire.")


@router.post("/declarations/{declaration_id}/rouvrir")
def reopen_declaration(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId,
                       form: Form):
    return _comment_action(request, db, user, declaration_id, form, review.reopen,
                           "Déclaration rouverte et renvoyée au titulaire.")


LATE_LIST = "/acheteur/declarations"


@router.post("/declarations/{declaration_id}/relancer")
def remind_holder(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId,
                  form: Form):
    """Reminds the holder, then goes back to the list the button was in (its filters and page
    come with the form)."""
    params = {key: value for key, value in form.items() if isinstance(value, str)}
    filters = DeclarationFilters.from_params(params, state="overdue")
    back = f"{LATE_LIST}?{filters.as_params()}&page={page_number(params.get('page'))}"
    try:
        done = reminder.remind_holder(db, declaration_id, reviewer=user)
    except Conflict as error:
        return refused_form(request, db, error, "execution/declarations.html",
                            lambda errors, summary: {
                                **declarations_context(db, user, params, action=LATE_LIST,
                                                       state="overdue"),
                                "error_summary": summary})
    return redirect(request, back, message=_reminded(done))


def _reminded(done: reminder.Reminded) -> str:
    notified = plural(done.notified_only, "utilisateur")
    if not done.mailed:
        return (f"Relance envoyée dans les notifications du portail ({notified} du titulaire) : "
                "aucun ne reçoit les rappels par courriel.")
    message = f"Relance envoyée par courriel à {plural(done.mailed, 'utilisateur')} du titulaire"
    if done.notified_only:
        several = done.notified_only > 1
        message += (f" ; {notified}, qui ne reçoi{'vent' if several else 't'} pas les rappels "
                    f"par courriel, la trouver{'ont' if several else 'a'} dans les "
                    "notifications du portail")
    return message + "."
