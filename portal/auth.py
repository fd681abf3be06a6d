"""Who is asking: session cookie for pages, bearer token for the API, as `Annotated` aliases."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from portal import identity
from portal.db import SESSIONS_PER_PROCESS, request_transaction
from portal.errors import Forbidden, LoginRequired, PortalError
from portal.models import TokenKind, User
from portal.notifications import UNREAD
from portal.settings import get_settings
from portal.web import rotate_csrf, set_cookie, signer

SESSION_COOKIE = "portal_session"

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction; the methods that change something write (portal.db)."""
    async with request_transaction(writes=request.method not in SAFE_METHODS) as db:
        yield db


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
    found = identity.user_for_token(db, session_token(request), kinds=(TokenKind.session,),
                                    extra=UNREAD)
    user, unread = found if found is not None else (None, 0)
    request.state.user, request.state.unread = user, unread
    return user


# The checks below only read the user already found: `async` keeps them on the event loop, where
# a plain `def` would cost each page one more trip through the thread pool.


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


async def buyer_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_buyer:
        raise Forbidden("Cette page est réservée aux agents des acheteurs.")
    return user


async def supplier_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_supplier:
        raise Forbidden("Cette page est réservée aux entreprises titulaires.")
    return user


async def facilitator_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_facilitator:
        raise Forbidden("Cette page est réservée aux facilitateurs de la clause sociale.")
    return user


async def contract_side_user(user: Annotated[User, Depends(current_user)]) -> User:
    """A buyer, a supplier or an administrator: a facilitator reaches only its own pages
    (execution.facilitation) and its account, never the rest of a contract's data."""
    if user.is_facilitator:
        raise Forbidden("Les facilitateurs de la clause sociale n'ont accès qu'aux heures "
                        "d'insertion des contrats qu'ils suivent.")
    return user


async def manager_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_manager:
        raise Forbidden("Cette page est réservée aux gestionnaires de votre organisation.")
    return user


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Cette page est réservée aux administrateurs du portail.")
    return user


# Read through FastAPI's HTTPBearer so that /openapi.json says which operations take the token
# (Swagger UI's « Authorize », generated clients' AuthenticatedClient); without auto_error, a
# missing token gets the portal's own 401 below.
BEARER = HTTPBearer(auto_error=False, scheme_name="bearer", description=(
    "Le jeton de `POST /api/v1/auth/token` ou un jeton personnel (`par_…`, créé sur "
    "/compte/jetons), dans `Authorization: Bearer <jeton>`."))


def api_user(db: DbSession,
             credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
             ) -> User:
    user = None
    if credentials is not None:
        # The login token of POST /api/v1/auth/token or a personal token, same permissions.
        found = identity.user_for_token(db, credentials.credentials,
                                        kinds=(TokenKind.api, TokenKind.personal))
        user = found[0] if found is not None else None
    if user is None:
        raise ApiLoginRequired("Jeton d'accès manquant, invalide ou expiré.")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BuyerUser = Annotated[User, Depends(buyer_user)]
SupplierUser = Annotated[User, Depends(supplier_user)]
AdminUser = Annotated[User, Depends(admin_user)]
FacilitatorUser = Annotated[User, Depends(facilitator_user)]
ContractSideUser = Annotated[User, Depends(contract_side_user)]
ManagerUser = Annotated[User, Depends(manager_user)]
ApiUser = Annotated[User, Depends(api_user)]


def contract_side_api_user(user: ApiUser) -> User:
    if user.is_facilitator:
        raise Forbidden("Les facilitateurs de la clause sociale n'ont accès qu'aux heures "
                        "d'insertion des contrats qu'ils suivent.")
    return user


ContractSideApiUser = Annotated[User, Depends(contract_side_api_user)]
