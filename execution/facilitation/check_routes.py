"""The facilitator's page of one filed insertion declaration: a check form per line and the
opinion form (execution.facilitation.checks holds the rules)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from execution.facilitation import checks
from portal.auth import CurrentUser, DbSession
from portal.errors import Conflict, Invalid
from portal.web import (
    RowId,
    form_version,
    is_htmx_swap,
    parsed_form,
    redirect,
    refused_form,
    render,
    verify_csrf,
)
from supplier import plausibility
from supplier.models import Status

router = APIRouter(prefix="/facilitateur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
PAGE = "facilitation/declaration.html"
ANSWERS = {"oui": True, "non": False}


def _context(db, declaration, **extra):
    return {"d": declaration, "contract": declaration.contract,
            "flags": plausibility.of_declaration(db, declaration),
            "lines": declaration.insertion_lines,
            "checkable": declaration.status == Status.submitted,
            "failed_line": None, "saved_line": None, "line_values": {}, "opinion_values": {},
            "errors": {}, "error_summary": None, **extra}


@router.get("/declarations/{declaration_id}")
def declaration_page(request: Request, db: DbSession, user: CurrentUser, declaration_id: RowId):
    declaration = checks.get_for_facilitator(db, declaration_id, user)
    return render(request, PAGE, _context(db, declaration))


def _page(declaration_id: int) -> str:
    return f"/facilitateur/declarations/{declaration_id}"


@router.post("/declarations/{declaration_id}/lignes/{line_id}")
def check_line(request: Request, db: DbSession, user: CurrentUser, declaration_id: RowId,
               line_id: RowId, form: Form):
    values = {key: str(form.get(key, "")) for key in
              ("eligibility_confirmed", "proof_seen", "comment")}
    try:
        checks.check_line(db, declaration_id, line_id, facilitator=user,
                          eligibility_confirmed=ANSWERS.get(values["eligibility_confirmed"]),
                          proof_seen=ANSWERS.get(values["proof_seen"]),
                          comment=values["comment"], version=form_version(form))
    except (Invalid, Conflict) as error:
        def context(errors, summary):
            declaration = checks.get_for_facilitator(db, declaration_id, user)
            line = next((x for x in declaration.insertion_lines if x.id == line_id), None)
            return _context(db, declaration, failed_line=line_id, line=line,
                            line_values=values, errors=errors, error_summary=summary)
        return refused_form(request, db, error, PAGE, context, block="line_check")
    if is_htmx_swap(request):
        # The line's form comes back in place, saying it was saved: a redirect to this same
        # page (another anchor) would not reload it.
        declaration = checks.get_for_facilitator(db, declaration_id, user)
        line = next(x for x in declaration.insertion_lines if x.id == line_id)
        return render(request, PAGE, _context(db, declaration, line=line, saved_line=line_id),
                      block="line_check")
    return redirect(request, f"{_page(declaration_id)}#ligne-{line_id}",
                    message="Vérification de la ligne enregistrée.")


@router.post("/declarations/{declaration_id}/avis")
def give_opinion(request: Request, db: DbSession, user: CurrentUser, declaration_id: RowId,
                 form: Form):
    values = {key: str(form.get(key, "")) for key in ("opinion", "comment")}
    try:
        checks.give_opinion(db, declaration_id, facilitator=user,
                            opinion=values["opinion"] or None, comment=values["comment"],
                            version=form_version(form))
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, PAGE, lambda errors, summary: _context(
            db, checks.get_for_facilitator(db, declaration_id, user), opinion_values=values,
            errors=errors, error_summary=summary),
            block="opinion_form")
    return redirect(request, _page(declaration_id),
                    message="Avis enregistré : l'acheteur et le titulaire le voient.")
