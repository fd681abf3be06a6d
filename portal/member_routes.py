"""« Mon organisation »: its people and, for its gestionnaires, inviting colleagues, departures,
the gestionnaire flag and the requests of buyers to add someone."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from portal import access, buyer_settings, members, throttle
from portal.auth import CurrentUser, DbSession, ManagerUser
from portal.errors import Invalid
from portal.pagination import page_number
from portal.web import RowId, client_address, parsed_form, redirect, render, verify_csrf

router = APIRouter(prefix="/organisation", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]


@router.get("")
def organisation_page(request: Request, db: DbSession, user: CurrentUser, q: str = "",
                      page: str = ""):
    search = q[:100]
    return render(request, "portal/organisation.html", {
        "people": members.members(db, user.organisation_id, search=search,
                                  page=page_number(page)),
        "search": search,
        "requests": access.pending_requests(db, user.organisation_id) if user.is_manager
        else [],
    }, block="people")


def _colleague_form(request, *, values, errors=None, summary=None, status_code=200):
    return render(request, "portal/colleague.html", {
        "values": values, "errors": errors or {}, "error_summary": summary},
        status_code=status_code)


@router.get("/inviter")
def colleague_page(request: Request, user: ManagerUser):
    return _colleague_form(request, values={})


@router.post("/inviter")
def invite_colleague(request: Request, db: DbSession, user: ManagerUser, form: Form):
    values = {k: str(form.get(k, "")).strip()[:254] for k in ("email", "full_name")}
    try:
        throttle.count_request(db, throttle.INVITE, email=values["email"],
                               host=client_address(request))
        # A savepoint: a refused invitation is undone, but still counted (it tells whether
        # an account exists).
        with db.begin_nested():
            invited = access.invite(db, inviter=user, organisation=user.organisation,
                                    email=values["email"], full_name=values["full_name"])
    except (Invalid, throttle.TooManyAttempts) as error:
        return _colleague_form(request, values=values, errors=error.field_errors,
                               summary=error.message, status_code=error.status_code)
    return redirect(request, "/organisation", message=f"Invitation envoyée à {invited.email}.")


@router.post("/membres/{user_id}/desactiver")
def deactivate(request: Request, db: DbSession, user: CurrentUser, user_id: RowId):
    member = members.deactivate(db, actor=user, user_id=user_id)
    return redirect(request, "/organisation", message=f"Le compte de {member.full_name} est "
                    "désactivé : ses sessions et ses jetons sont fermés.")


@router.post("/membres/{user_id}/reactiver")
def reactivate(request: Request, db: DbSession, user: CurrentUser, user_id: RowId):
    member = members.reactivate(db, actor=user, user_id=user_id)
    return redirect(request, "/organisation",
                    message=f"Le compte de {member.full_name} est réactivé.")


@router.post("/membres/{user_id}/gestionnaire")
def set_manager(request: Request, db: DbSession, user: CurrentUser, user_id: RowId, form: Form):
    grant = form.get("gestionnaire") == "oui"
    member = members.set_manager(db, actor=user, user_id=user_id, manager=grant)
    text = "est désormais gestionnaire" if grant else "n'est plus gestionnaire"
    return redirect(request, "/organisation", message=f"{member.full_name} {text}.")


@router.post("/membres/{user_id}/mediateur")
def set_mediator(request: Request, db: DbSession, user: CurrentUser, user_id: RowId, form: Form):
    grant = form.get("mediateur") == "oui"
    member = members.set_mediator(db, actor=user, user_id=user_id, mediator=grant)
    text = "est désormais médiateur" if grant else "n'est plus médiateur"
    return redirect(request, "/organisation", message=f"{member.full_name} {text} de "
                    "l'organisation.")


@router.post("/demandes/{request_id}/accepter")
def accept_request(request: Request, db: DbSession, user: CurrentUser, request_id: RowId):
    invited = access.accept(db, manager=user, request_id=request_id)
    return redirect(request, "/organisation", message=f"Demande acceptée : une invitation a été "
                    f"envoyée à {invited.email}.")


@router.post("/demandes/{request_id}/refuser")
def refuse_request(request: Request, db: DbSession, user: CurrentUser, request_id: RowId,
                   form: Form):
    access.refuse(db, manager=user, request_id=request_id,
                  comment=str(form.get("comment", "")))
    return redirect(request, "/organisation", message="Demande refusée ; son auteur est prévenu.")


@router.post("/avis-facilitateur")
def set_facilitator_opinion_rule(request: Request, db: DbSession, user: ManagerUser,
                                 form: Form):
    required = form.get("requires_facilitator_opinion") == "oui"
    buyer_settings.set_requires_facilitator_opinion(db, actor=user, required=required)
    text = ("attendent désormais l'avis du facilitateur" if required
            else "n'attendent plus l'avis du facilitateur")
    # The indicators' settings page shows the same choice and sends its form back to itself.
    back = ("/acheteur/parametres" if form.get("retour") == "parametres"
            else "/organisation#avis-facilitateur")
    return redirect(request, back,
                    message=f"Vos agents {text} pour valider les heures d'insertion.")
