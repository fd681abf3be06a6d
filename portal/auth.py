"""Who is asking: session cookie for pages, bearer token for the API, as `Annotated` aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from portal import identity
from portal.db import SESSIONS_PER_PROCESS, get_session
from portal.errors import Forbidden, LoginRequired, PortalError
from portal.models import TokenKind, User
from portal.notifications import unread_count
from portal.settings import get_settings
from portal.web import rotate_csrf, set_cookie, signer

SESSION_COOKIE = "portal_session"

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def request_session(request: Request) -> Iterator[Session]:
    """The request's transaction; the methods that change something write (portal.db)."""
    yield from get_session(writes=request.method not in SAFE_METHODS)


# A request beyond the pool's connections waits for a session on the event loop, not in a worker
# thread: threads blocked waiting for a connection could otherwise take every thread that the
# requests holding the connections need to finish, and nothing would move until the pool's
# timeout (30 s, then a 500), as 200 API clients at once showed (tests/live).
DbSession = Annotated[Session, Depends(request_session, scope="function",
                                       max_concurrency=SESSIONS_PER_PROCESS)]


class ApiLoginRequired(PortalError):
    status_code = 401


def session_token(request: Request) -> str | None:
    return signer("session").unsign(request.cookies.get(SESSION_COOKIE))


def start_session(db: Session, response: Response, user: User) -> None:
    """Logs the user in on this browser: a new session token in a signed cookie."""
    hours = get_settings().session_hours
    token = identity.open_session(db, user, kind=TokenKind.session, hours=hours)
    set_cookie(response, SESSION_COOKIE, signer("session").sign(token), max_age=hours * 3600)
    rotate_csrf(response)


def optional_user(request: Request, db: DbSession) -> User | None:
    user = identity.user_for_token(db, session_token(request), kinds=(TokenKind.session,))
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


def manager_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_manager:
        raise Forbidden("Cette page est réservée aux gestionnaires de votre organisation.")
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Cette page est réservée aux administrateurs du portail.")
    return user


def api_user(request: Request, db: DbSession) -> User:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = None
    if scheme.lower() == "bearer":
        # The login token of POST /api/v1/auth/token or a personal token, same permissions.
        user = identity.user_for_token(db, token.strip(),
                                       kinds=(TokenKind.api, TokenKind.personal))
    if user is None:
        raise ApiLoginRequired("Jeton d'accès manquant, invalide ou expiré.")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BuyerUser = Annotated[User, Depends(buyer_user)]
SupplierUser = Annotated[User, Depends(supplier_user)]
AdminUser = Annotated[User, Depends(admin_user)]
ManagerUser = Annotated[User, Depends(manager_user)]
ApiUser = Annotated[User, Depends(api_user)]
