"""Kernel pages: home redirect, login, logout, health check."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy import text
from starlette.datastructures import FormData

from portal import directory, identity, throttle
from portal.auth import (
    SESSION_COOKIE,
    AdminUser,
    DbSession,
    OptionalUser,
    session_token,
    start_session,
)
from portal.errors import Invalid
from portal.pagination import MAX_SEARCH, page_number
from portal.web import client_address, parsed_form, redirect, render, retry_after, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]

HOME_BY_ROLE = {"supplier": "/fournisseur", "buyer": "/acheteur", "admin": "/admin",
                "facilitator": "/facilitateur"}


def _safe_next(url: str | None) -> str | None:
    # Only local paths: never redirect a freshly logged-in user to another site.
    return url if url and url.startswith("/") and not url.startswith("//") else None


@router.get("/")
def home(user: OptionalUser, request: Request):
    if user is None:
        return redirect(request, "/connexion")
    return redirect(request, HOME_BY_ROLE[user.role])


@router.get("/connexion")
def login_page(request: Request, user: OptionalUser, suivant: str | None = None):
    return render(request, "portal/login.html",
                  {"next": _safe_next(suivant), "email": "", "error": None})


@router.post("/connexion")
def login(request: Request, db: DbSession, form: Form):
    email = str(form.get("email", ""))[:254]
    next_url = _safe_next(str(form.get("next", "")))
    try:
        user = throttle.authenticate(db, email=email, password=str(form.get("password", "")),
                                     host=client_address(request))
    except (Invalid, throttle.TooManyAttempts) as error:
        return render(request, "portal/login.html",
                      {"error": error.message, "email": email, "next": next_url},
                      status_code=401 if isinstance(error, Invalid) else 429,
                      headers=retry_after(error))
    response = redirect(request, next_url or HOME_BY_ROLE[user.role],
                        message=f"Bienvenue, {user.full_name}.")
    start_session(db, response, user)
    return response


@router.post("/deconnexion")
def logout(request: Request, db: DbSession):
    token = session_token(request)
    if token:
        identity.close_token(db, token)
    response = redirect(request, "/connexion", message="Vous êtes déconnecté.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/healthz")
def healthz(db: DbSession):
    db.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@router.get("/admin")
def admin_page(request: Request, db: DbSession, user: AdminUser, q: str = "", kind: str = "",
               page: str = ""):
    search = q.strip()[:MAX_SEARCH]
    organisations = directory.organisations(db, search=search, kind=kind,
                                            page=page_number(page))
    return render(request, "portal/admin.html", {
        "organisations": organisations, "search": search, "kind": kind,
        "contract_counts": directory.contract_counts(db, organisations.items),
        "query": urlencode({k: v for k, v in {"q": search, "kind": kind}.items() if v})},
        block="organisations")
