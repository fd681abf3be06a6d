"""Account pages: forgotten password, invitation and reset links, my account, notifications,
invitations to other organisations (buyers, administrators), and the administrators' "Envois"
page."""

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from portal import access, accounts, identity, mail, notifications, privacy, throttle
from portal.audit import audit
from portal.auth import (
    AdminUser,
    CurrentUser,
    DbSession,
    OptionalUser,
    session_token,
    start_session,
)
from portal.errors import Forbidden, Invalid, NotFound
from portal.models import Organisation, OrgKind
from portal.pagination import page_number
from portal.settings import get_settings
from portal.validation import row_id
from portal.web import (
    RowId,
    client_address,
    download,
    parsed_form,
    redirect,
    refused_form,
    render,
    retry_after,
    verify_csrf,
)

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[object, Depends(parsed_form)]
RESET_LABEL = "Mot de passe oublié"
MAIL_KINDS = {"invitation": "Invitation", "password_reset": RESET_LABEL,
              "reminder": "Rappel d'échéance", "overdue": "Retard (titulaire)",
              "overdue_buyer": "Retard (acheteur)", "digest": "Récapitulatif hebdomadaire",
              "survey": "Enquête de satisfaction", "survey_reminder": "Relance d'enquête",
              "access_request": "Demande d'ajout d'un utilisateur",
              "declaration_submit": "Déclaration déposée",
              "declaration_resubmit": "Déclaration corrigée déposée",
              "declaration_return": "Déclaration renvoyée", "declaration_validate":
              "Déclaration validée", "declaration_reopen": "Déclaration rouverte",
              "declaration_opinion": "Avis du facilitateur",
              "candidate_survey": "Enquête auprès des candidats évincés"}
# The one-time link must not leak to another site through the Referer header.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}
RESET_SENT = ("Si un compte actif correspond à cette adresse, un courriel vient de lui être "
              "envoyé avec un lien pour choisir un nouveau mot de passe.")


@router.get("/mot-de-passe-oublie")
def forgot_page(request: Request, user: OptionalUser):
    return render(request, "portal/forgot.html", {"email": "", "error": None, "sent": None})


@router.post("/mot-de-passe-oublie")
def forgot(request: Request, db: DbSession, form: Form):
    email = str(form.get("email", ""))[:254]
    try:
        throttle.count_request(db, throttle.RESET, email=email, host=client_address(request))
    except throttle.TooManyAttempts as error:
        return render(request, "portal/forgot.html",
                      {"email": email, "error": error.message, "sent": None}, status_code=429,
                      headers=retry_after(error))
    accounts.request_reset(db, email)
    # The same answer whether or not the address exists.
    return render(request, "portal/forgot.html", {"email": "", "error": None, "sent": RESET_SENT})


@router.get("/compte/lien/{token}")
def link_page(request: Request, db: DbSession, user: OptionalUser, token: str):
    try:
        row = accounts.token_user(db, token)
    except Invalid as error:
        return render(request, "portal/set_password.html", {"dead": error.message, "purpose": None},
                      status_code=410, headers=NO_REFERRER)
    return render(request, "portal/set_password.html",
                  {"token": token, "purpose": row.purpose, "account": row.user, "errors": {},
                   "error_summary": None, "dead": None},
                  headers=NO_REFERRER)


@router.post("/compte/lien/{token}")
def use_link(request: Request, db: DbSession, token: str, form: Form):
    try:
        row = accounts.token_user(db, token)
    except Invalid as dead:
        return render(request, "portal/set_password.html",
                      {"dead": dead.message, "purpose": None}, status_code=410,
                      headers=NO_REFERRER)
    try:
        user = accounts.set_password_with_token(db, token, str(form.get("password", "")),
                                                str(form.get("confirmation", "")))
    except Invalid as error:
        return refused_form(request, db, error, "portal/set_password.html",
                            lambda errors, summary: {
                                "token": token, "purpose": row.purpose, "account": row.user,
                                "errors": errors, "error_summary": summary, "dead": None},
                            headers=NO_REFERRER)
    response = redirect(request, "/", message="Votre mot de passe est enregistré. Bienvenue !")
    start_session(db, response, user)
    return response


@router.get("/compte")
def account_page(request: Request, user: CurrentUser):
    return render(request, "portal/account.html", {"errors": {}, "error_summary": None})


@router.post("/compte/mot-de-passe")
def change_password(request: Request, db: DbSession, user: CurrentUser, form: Form):
    try:
        accounts.change_password(db, user, current=str(form.get("current", "")),
                                 new=str(form.get("password", "")),
                                 confirmation=str(form.get("confirmation", "")),
                                 keep_session=session_token(request))
    except Invalid as error:
        return refused_form(request, db, error, "portal/account.html", lambda errors, summary: {
            "errors": errors, "error_summary": summary})
    return redirect(request, "/compte", message="Mot de passe changé. Vos autres sessions et "
                    "vos jetons d'API ont été fermés.")


@router.get("/compte/donnees")
def my_data(user: CurrentUser, db: DbSession):
    """Everything the portal holds about me, as a JSON file (GDPR art. 15 and 20)."""
    return download(json.dumps(privacy.personal_data(db, user), ensure_ascii=False).encode(),
                    "mes-donnees-portail.json", "application/json")


@router.post("/compte/preferences")
def save_preferences(request: Request, db: DbSession, user: CurrentUser, form: Form):
    accounts.set_preferences(db, user, mail_alerts=form.get("mail_alerts") == "on",
                             mail_digest=form.get("mail_digest") == "on")
    return redirect(request, "/compte", message="Préférences enregistrées.")


@router.get("/notifications")
def notifications_page(request: Request, db: DbSession, user: CurrentUser, page: str = "",
                       filtre: str = ""):
    unread_only = filtre == "non-lues"
    return render(request, "portal/notifications.html", {
        "notifications": notifications.notifications_page(
            db, user, page=page_number(page), unread_only=unread_only),
        "unread_only": unread_only}, block="notifications")


@router.post("/notifications/lues")
def read_notifications(request: Request, db: DbSession, user: CurrentUser, form: Form):
    raw = form.get("id")
    if not raw:
        notifications.mark_read(db, user)
    elif notification_id := row_id(raw):
        notifications.mark_read(db, user, notification_id)
    # Any other id names no notification of this user: nothing to mark.
    return redirect(request, "/notifications")


def _invite_form(request, db, user, *, values, errors=None, summary=None, status_code=200):
    search = values.get("q", "")
    options = [(option.organisation.id, f"{option.organisation.name} (SIRET "
                f"{option.organisation.siret})" + (" — a déjà des utilisateurs : demande à ses "
                                                   "gestionnaires" if option.needs_request else ""))
               for option in access.options(db, user, search=search)]
    return render(request, "portal/invite.html", {
        "options": options, "search": search,
        "values": values, "errors": errors or {}, "error_summary": summary,
    }, status_code=status_code)


@router.get("/comptes/inviter")
def invite_page(request: Request, db: DbSession, user: CurrentUser, q: str = ""):
    if not (user.is_buyer or user.is_admin):
        raise Forbidden("Seuls les acheteurs et les administrateurs invitent des comptes dans "
                        "d'autres organisations ; vos collègues s'ajoutent depuis « Mon "
                        "organisation ».")
    return _invite_form(request, db, user, values={"q": q[:100]})


@router.post("/comptes/inviter")
def invite(request: Request, db: DbSession, user: CurrentUser, form: Form):
    if not (user.is_buyer or user.is_admin):
        raise Forbidden("Seuls les acheteurs et les administrateurs invitent des comptes dans "
                        "d'autres organisations.")
    values = {k: str(form.get(k, "")).strip()[:254] for k in
              ("organisation_id", "siret", "name", "kind", "email", "full_name", "q")}
    try:
        throttle.count_request(db, throttle.INVITE, email=values["email"],
                               host=client_address(request))
        # A savepoint: a refused invitation is undone, but still counted (it tells whether
        # an account exists).
        with db.begin_nested():
            organisation = _target_organisation(db, user, values)
            outcome = access.invite(db, inviter=user, organisation=organisation,
                                    email=values["email"], full_name=values["full_name"])
    except (Invalid, throttle.TooManyAttempts) as error:
        return _invite_form(request, db, user, values=values, errors=error.field_errors,
                            summary=error.message, status_code=error.status_code)
    if isinstance(outcome, access.AccessRequest):
        message = (f"{organisation.name} a déjà des utilisateurs : votre demande d'ajout de "
                   f"{outcome.email} a été transmise à ses gestionnaires. Vous serez prévenu "
                   "de leur réponse.")
    else:
        message = f"Invitation envoyée à {outcome.email}."
    return redirect(request, "/comptes/inviter", message=message)


def _target_organisation(db, user, values) -> Organisation:
    """The organisation chosen in the list, or (administrators) a new buyer or facilitator
    organisation."""
    if values["organisation_id"]:
        organisation_id = row_id(values["organisation_id"])
        organisation = db.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            raise Invalid("Choisissez une organisation.",
                          field_errors={"organisation_id": "Organisation inconnue."})
        return organisation
    if not user.is_admin:
        raise Invalid("Choisissez l'entreprise dans la liste.", field_errors={
            "organisation_id": "Choisissez une entreprise titulaire ou co-traitante de l'un de "
                               "vos contrats."})
    if not values["siret"]:
        raise Invalid("Choisissez une organisation ou indiquez le SIRET d'une nouvelle "
                      "organisation acheteuse ou facilitatrice.", field_errors={
                          "organisation_id": "Choisissez une organisation."})
    if identity.find_organisation_by_siret(db, values["siret"]) is not None:
        raise Invalid("Cette organisation est déjà sur le portail.", field_errors={
            "siret": "Ce SIRET est déjà sur le portail : choisissez l'organisation dans la "
                     "liste."})
    kind = values["kind"] or OrgKind.buyer
    if kind not in access.ADMIN_REACHES:
        raise Invalid("Choisissez le type de la nouvelle organisation.",
                      field_errors={"kind": "Acheteur ou facilitateur de la clause sociale."})
    organisation = identity.create_organisation(db, name=values["name"], siret=values["siret"],
                                                kind=OrgKind(kind))
    audit(db, user, "organisation", organisation.id, "create")
    return organisation


@router.get("/admin/envois")
def mails_page(request: Request, db: DbSession, user: AdminUser, statut: str = "",
               motif: str = "", q: str = "", page: str = ""):
    status = statut if statut in mail.STATUSES else ""
    kind = motif if motif in MAIL_KINDS else ""
    search = q.strip()[:100]
    filters = {k: v for k, v in (("q", search), ("statut", status), ("motif", kind)) if v}
    return render(request, "portal/mails.html", {
        "mails": mail.sent_mails(db, status=status, kind=kind, search=search,
                                 page=page_number(page)),
        "status": status, "kind": kind, "search": search, "mail_kinds": MAIL_KINDS,
        "base": "/admin/envois" + (f"?{urlencode(filters)}" if filters else ""),
        "smtp": bool(get_settings().smtp_url)}, block="mails")


@router.post("/admin/envois/{mail_id}/renvoyer")
def retry_mail(request: Request, db: DbSession, user: AdminUser, mail_id: RowId):
    if db.get(mail.OutgoingMail, mail_id) is None:
        raise NotFound()
    mail.retry(db, mail_id)
    return redirect(request, "/admin/envois", message="Le courriel sera renvoyé sous peu.")
