"""Who is asking: session cookie for pages, bearer token for the API, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from portal import identity
from portal.db import get_session
from portal.errors import Forbidden, LoginRequired, PortalError
from portal.models import User
from portal.notifications import unread_count
from portal.web import signer

SESSION_COOKIE = "portal_session"

DbSession = Annotated[Session, Depends(get_session, scope="function")]


class ApiLoginRequired(PortalError):
    status_code = 401


def session_token(request: Request) -> str | None:
    return signer("session").unsign(request.cookies.get(SESSION_COOKIE))


def optional_user(request: Request, db: DbSession) -> User | None:
    user = identity.user_for_token(db, session_token(request), kind="session")
    request.state.user = user
    request.state.unread = unread_count(db, user) if user is not None else 0
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def buyer_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_buyer:
        raise Forbidden("Cette page est réservée aux agents des acheteurs.")
    return user


def supplier_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_supplier:
        raise Forbidden("Cette page est réservée aux entreprises titulaires.")
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Cette page est réservée aux administrateurs du portail.")
    return user


def api_user(request: Request, db: DbSession) -> User:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = identity.user_for_token(db, token.strip(), kind="api") if scheme.lower() == "bearer" \
        else None
    if user is None:
        raise ApiLoginRequired("Jeton d'accès manquant, invalide ou expiré.")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BuyerUser = Annotated[User, Depends(buyer_user)]
SupplierUser = Annotated[User, Depends(supplier_user)]
AdminUser = Annotated[User, Depends(admin_user)]
ApiUser = Annotated[User, Depends(api_user)]
