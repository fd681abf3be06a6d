"""« Jetons d'API »: a person's named tokens for the scripts that call the API on their behalf."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from portal import api_tokens
from portal.auth import CurrentUser, DbSession
from portal.errors import Invalid
from portal.validation import row_id
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(prefix="/compte/jetons", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]


PAGE = "portal/api_tokens.html"


def _context(db, user, *, values=None, errors=None, summary=None, secret=None) -> dict:
    return {"tokens": api_tokens.personal_tokens(db, user),
            "validity": [(days, f"{days} jours") for days in api_tokens.VALIDITY_DAYS],
            "values": values or {"days": "90"}, "errors": errors or {}, "error_summary": summary,
            "secret": secret}


@router.get("")
def tokens_page(request: Request, db: DbSession, user: CurrentUser):
    return render(request, PAGE, _context(db, user))


@router.post("")
def create_token(request: Request, db: DbSession, user: CurrentUser, form: Form):
    values = {"name": str(form.get("name", ""))[:200], "days": str(form.get("days", ""))}
    days = row_id(values["days"]) or 0
    try:
        _token, secret = api_tokens.create(db, user, name=values["name"], days=days)
    except Invalid as error:
        return refused_form(request, db, error, PAGE, lambda errors, summary: _context(
            db, user, values=values, errors=errors, summary=summary))
    # Shown once, on this answer only (never stored in clear, never in a redirect); the page
    # that shows it must not stay in a cache or the browser's history.
    return render(request, PAGE, _context(db, user, secret=secret),
                  headers={"Cache-Control": "no-store"})


@router.post("/{token_id}/revoquer")
def revoke_token(request: Request, db: DbSession, user: CurrentUser, token_id: RowId):
    api_tokens.revoke(db, user, token_id)
    return redirect(request, "/compte/jetons", message="Jeton révoqué : il ne donne plus accès "
                    "à l'API.")
