"""Administrators and people: one account's page, deactivation and erasure (GDPR art. 17)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select
from starlette.datastructures import FormData

from portal import directory, members, privacy
from portal.auth import AdminUser, DbSession
from portal.errors import NotFound
from portal.models import AuditEvent, User
from portal.pagination import MAX_SEARCH, page_number
from portal.web import RowId, parsed_form, redirect, render, verify_csrf

router = APIRouter(prefix="/admin/comptes", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]


@router.get("")
def accounts_page(request: Request, db: DbSession, user: AdminUser, q: str = "",
                  page: str = ""):
    search = q.strip()[:MAX_SEARCH]
    return render(request, "portal/admin_accounts.html", {
        "accounts": directory.accounts(db, search=search, page=page_number(page)),
        "search": search}, block="accounts")


def _account(db, user_id: int) -> User:
    account = db.get(User, user_id)
    if account is None:
        raise NotFound("Ce compte n'existe pas.")
    return account


def _page(request, db, account: User, *, error: str | None = None, status_code: int = 200):
    authored = db.scalar(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.actor_id == account.id))
    return render(request, "portal/admin_account.html", {
        "account": account, "authored": authored, "erase_error": error},
        status_code=status_code)


@router.get("/{user_id}")
def account_page(request: Request, db: DbSession, user: AdminUser, user_id: RowId):
    return _page(request, db, _account(db, user_id))


@router.post("/{user_id}/desactiver")
def deactivate(request: Request, db: DbSession, user: AdminUser, user_id: RowId):
    account = members.deactivate(db, actor=user, user_id=user_id)
    return redirect(request, f"/admin/comptes/{account.id}", message="Compte désactivé : ses "
                    "sessions et ses jetons sont fermés.")


@router.post("/{user_id}/reactiver")
def reactivate(request: Request, db: DbSession, user: AdminUser, user_id: RowId):
    account = members.reactivate(db, actor=user, user_id=user_id)
    return redirect(request, f"/admin/comptes/{account.id}", message="Compte réactivé.")


@router.post("/{user_id}/effacer")
def erase(request: Request, db: DbSession, user: AdminUser, user_id: RowId, form: Form):
    if form.get("confirmation") != "oui":
        return _page(request, db, _account(db, user_id), status_code=422,
                     error="Cochez la case pour confirmer l'effacement : il est définitif.")
    account = privacy.erase(db, admin=user, user_id=user_id)
    return redirect(request, f"/admin/comptes/{account.id}", message="Données personnelles "
                    "effacées : le compte porte désormais un pseudonyme.")
