"""Web plumbing: templates, page-or-fragment rendering, flash messages, CSRF, form parsing."""

import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import suppress
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from portal.errors import Forbidden, Invalid, PortalError, TooLarge
from portal.security import Signer, new_token, same_secret
from portal.settings import get_settings
from portal.templating import environment
from portal.validation import NUL_MESSAGE, ROW_ID_MAX, french_errors, whole_number

CSRF_COOKIE = "portal_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
FLASH_COOKIE = "portal_flash"
MAX_FORM_FIELDS = 13_000  # enough for a declaration of 2 000 lines of 6 fields
NOT_SAVED = "Rien n'a été enregistré : corrigez les champs signalés."

templates = Jinja2Blocks(env=environment)


@lru_cache
def signer(purpose: str) -> Signer:
    return Signer(get_settings().secret(), purpose)


def set_cookie(response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=get_settings().secure_cookies, path="/")


def client_address(request: Request) -> str | None:
    # Behind the reverse proxy, run uvicorn with --proxy-headers so this is the visitor's.
    return request.client.host if request.client else None


def retry_after(error: Exception) -> dict[str, str]:
    """The Retry-After header of an error that says when to try again (throttling)."""
    seconds = getattr(error, "retry_after", None)
    return {"Retry-After": str(seconds)} if seconds else {}


def is_htmx_swap(request: Request) -> bool:
    """A real htmx swap; boosted navigation and history restores want the whole page."""
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") != "true")


# CSRF: a random token in a signed HttpOnly cookie, echoed by every form (hidden field) and every
# htmx request (header). A cross-site page can neither read the cookie nor forge the echo.

def csrf_token(request: Request) -> str:
    token = getattr(request.state, "csrf_token", None)
    if token is None:
        token = signer("csrf").unsign(request.cookies.get(CSRF_COOKIE))
        if token is None:
            token = new_token()
            request.state.csrf_new = True
        request.state.csrf_token = token
    return token


def rotate_csrf(response: Response) -> None:
    """A new token when someone logs in: a token planted before the login (on a shared
    computer, by a sibling subdomain) is worth nothing afterwards."""
    set_cookie(response, CSRF_COOKIE, signer("csrf").sign(new_token()))


async def _read_form(request: Request) -> FormData:
    try:
        return await request.form(max_fields=MAX_FORM_FIELDS,
                                  max_part_size=get_settings().max_form_bytes)
    except HTTPException as exc:
        raise TooLarge("Le formulaire envoyé est trop volumineux : une déclaration compte "
                       "au plus 2 000 lignes et chaque texte quelques milliers de caractères."
                       ) from exc


async def parsed_form(request: Request) -> AsyncIterator[FormData]:
    """Dependency: the parsed form; its uploaded files (temporary files) are closed once the
    request is answered."""
    form = await _read_form(request)
    try:
        yield form
    finally:
        await form.close()


async def verify_csrf(request: Request) -> None:
    """Router dependency: refuses any state-changing request without the page's token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = signer("csrf").unsign(request.cookies.get(CSRF_COOKIE))
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await _read_form(request)).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not same_secret(expected, sent):
        raise Forbidden("Le formulaire a expiré ou ne vient pas du portail. "
                        "Rechargez la page et recommencez.")


def form_version(form: FormData) -> int:
    """The version of the record the form was read at; -1 when missing or odd, so that the
    change is refused as made on a stale page (never applied blindly)."""
    version = whole_number(form.get("version"))
    return version if version is not None else -1


def flash(response: Response, message: str, level: str = "success") -> Response:
    set_cookie(response, FLASH_COOKIE, signer("flash").sign(f"{level}|{message}"), max_age=60)
    return response


def _pop_flash(request: Request) -> dict[str, str] | None:
    value = signer("flash").unsign(request.cookies.get(FLASH_COOKIE))
    if not value or "|" not in value:
        return None
    level, message = value.split("|", 1)
    return {"level": level, "message": message}


def download(content: bytes, filename: str, media_type: str,
             headers: dict[str, str] | None = None) -> Response:
    """A file to save, never cached on the way (each holds one organisation's data): its name
    in plain ASCII for old clients and as typed (RFC 6266 ``filename*``) for the others."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "fichier"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, no-store", **(headers or {})})


def redirect(request: Request, url: str, *, message: str | None = None) -> Response:
    """After a successful POST: 303 to the next page, or HX-Redirect for htmx."""
    if request.headers.get("HX-Request") == "true":
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if message:
        flash(response, message)
    return response


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           block: str | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    """The full page, or only ``block`` when htmx swaps it."""
    message = _pop_flash(request)
    full_context = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "unread": getattr(request.state, "unread", 0),
        "csrf_token": csrf_token(request),
        "flash": message,
        **(context or {}),
    }
    response = templates.TemplateResponse(
        request, template, full_context, status_code=status_code, headers=headers,
        block_name=block if block and is_htmx_swap(request) else None)
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    if getattr(request.state, "csrf_new", False):
        set_cookie(response, CSRF_COOKIE, signer("csrf").sign(full_context["csrf_token"]))
    if message:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def refused_form(request: Request, db: Session, error: ValidationError | PortalError,
                 template: str, context: Callable[[dict[str, str], str], dict[str, Any]], *,
                 summary: str = NOT_SAVED, block: str | None = None,
                 headers: dict[str, str] | None = None) -> Response:
    """A form the service refused, shown again: what the request wrote is rolled back first
    (``context`` reads the database afresh), then the page, or its form ``block`` for htmx,
    with the errors by field, the summary and whatever ``context`` keeps of what was typed.

    ``context(errors, summary)`` builds the template's context. The summary is ``summary`` for
    a form that does not parse, the error's own message otherwise; the status is 422, or the
    error's (409 when the record changed meanwhile, 413 for a file too large…)."""
    db.rollback()
    if isinstance(error, ValidationError):
        errors, message, status = french_errors(error), summary, 422
    else:
        errors, message, status = error.field_errors, error.message, error.status_code
    return render(request, template, context(errors, message), block=block, status_code=status,
                  headers=headers)


# Every integer id of an address (path or query): beyond the database's integer it cannot exist
# (404 on a page, 422 in the API, never a 500).
RowId = Annotated[int, PathParam(gt=0, le=ROW_ID_MAX)]
QueryId = Annotated[int | None, Query(gt=0, le=ROW_ID_MAX)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]


def _nul_fields(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_fields(item, f"{path}.{index}" if path else str(index))


async def refuse_nul(request: Request) -> None:
    """App dependency: PostgreSQL refuses NUL in text (SQLite keeps it), so every text from
    outside (address, query, form, JSON body) is checked here once, the same on both."""
    texts: list[tuple[str, Any]] = [*request.path_params.items(),
                                    *request.query_params.multi_items()]
    content_type = request.headers.get("content-type", "")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if "form" in content_type:
            form = await _read_form(request)
            texts += [(key, value) for key, value in form.multi_items()
                      if isinstance(value, str)]
        elif "json" in content_type:
            # Malformed JSON: FastAPI's own validation answers it.
            with suppress(ValueError):
                texts.append(("", await request.json()))
    fields = [field for key, value in texts for field in _nul_fields(value, key)]
    if fields:
        raise Invalid(NUL_MESSAGE, field_errors=dict.fromkeys(fields, NUL_MESSAGE))
