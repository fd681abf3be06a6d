"""« Jetons d'API »: a person's named tokens for the scripts that call the API on their behalf."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from portal import api_tokens
from portal.auth import CurrentUser, DbSession
from portal.errors import Invalid
from portal.validation import row_id
from portal.web import RowId, parsed_form, redirect, render, verify_csrf

router = APIRouter(prefix="/compte/jetons", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]


def _page(request, db, user, *, values=None, errors=None, summary=None, secret=None,
          status_code=200):
    return render(request, "portal/api_tokens.html", {
        "tokens": api_tokens.personal_tokens(db, user), "validity": api_tokens.VALIDITY_DAYS,
        "values": values or {"days": "90"}, "errors": errors or {}, "error_summary": summary,
        "secret": secret}, status_code=status_code,
        # The page that shows a secret once must not stay in a cache or the browser's history.
        headers={"Cache-Control": "no-store"} if secret else None)


@router.get("")
def tokens_page(request: Request, db: DbSession, user: CurrentUser):
    return _page(request, db, user)


@router.post("")
def create_token(request: Request, db: DbSession, user: CurrentUser, form: Form):
    values = {"name": str(form.get("name", ""))[:200], "days": str(form.get("days", ""))}
    days = row_id(values["days"]) or 0
    try:
        _token, secret = api_tokens.create(db, user, name=values["name"], days=days)
    except Invalid as error:
        db.rollback()
        return _page(request, db, user, values=values, errors=error.field_errors,
                     summary=error.message, status_code=422)
    # Shown once, on this answer only (never stored in clear, never in a redirect).
    return _page(request, db, user, secret=secret)


@router.post("/{token_id}/revoquer")
def revoke_token(request: Request, db: DbSession, user: CurrentUser, token_id: RowId):
    api_tokens.revoke(db, user, token_id)
    return redirect(request, "/compte/jetons", message="Jeton révoqué : il ne donne plus accès "
                    "à l'API.")
