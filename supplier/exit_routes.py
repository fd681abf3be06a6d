"""The exits page of a contract (« Sorties des personnes en insertion »): the holder's
(/fournisseur) and the attached facilitator's (/facilitateur), one template."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from portal.auth import DbSession, FacilitatorUser, SupplierUser
from portal.errors import Invalid
from portal.pagination import page_number
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf
from supplier import exits
from supplier.contract_list import MAX_SEARCH

router = APIRouter(prefix="/fournisseur", dependencies=[Depends(verify_csrf)])
facilitator_router = APIRouter(prefix="/facilitateur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
PAGE = "supplier/exits.html"


def _context(db, user, contract_id, params, *, base, errors=None, summary=None, typed=None):
    contract = exits.exit_contract(db, contract_id, user)
    search = str(params.get("q", "")).strip()[:MAX_SEARCH]
    rows = exits.exit_rows(db, contract, user, search=search,
                           page=page_number(params.get("page")))
    return {"contract": contract, "rows": rows, "search": search, "base": base,
            "outcomes": exits.OUTCOME_LABELS, "errors": errors or {}, "error_summary": summary,
            "typed": typed or {}, "back": base.rsplit("/sorties", 1)[0]}


def _page(request, db, user, contract_id, base):
    return render(request, PAGE, _context(db, user, contract_id, request.query_params,
                                          base=base))


def _record(request, db, user, contract_id, form, base):
    typed = {name: str(form.get(name, "")) for name in ("beneficiary_ref", "outcome", "exited_on")}
    # Back to the page and search the row was on.
    params = {k: str(form.get(k, "")) for k in ("q", "page") if form.get(k)}
    try:
        data = exits.ExitIn(**{k: v or None for k, v in typed.items()})
        exits.record_exit(db, contract_id, user=user, beneficiary_ref=data.beneficiary_ref,
                          outcome=data.outcome, exited_on=data.exited_on)
    except (ValidationError, Invalid) as error:
        return refused_form(request, db, error, PAGE, lambda errors, summary: _context(
            db, user, contract_id, params, base=base, errors=errors, summary=summary,
            typed=typed), summary=exits.NOT_SAVED)
    query = f"?{urlencode(params)}" if params else ""
    return redirect(request, base + query,
                    message=f"Sortie de {typed['beneficiary_ref']} enregistrée.")


@router.get("/contrats/{contract_id}/sorties")
def exits_page(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId):
    return _page(request, db, user, contract_id, f"/fournisseur/contrats/{contract_id}/sorties")


@router.post("/contrats/{contract_id}/sorties")
def record_exit(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId,
                form: Form):
    return _record(request, db, user, contract_id, form,
                   f"/fournisseur/contrats/{contract_id}/sorties")


@facilitator_router.get("/contrats/{contract_id}/sorties")
def facilitator_exits_page(request: Request, db: DbSession, user: FacilitatorUser,
                           contract_id: RowId):
    return _page(request, db, user, contract_id,
                 f"/facilitateur/contrats/{contract_id}/sorties")


@facilitator_router.post("/contrats/{contract_id}/sorties")
def facilitator_record_exit(request: Request, db: DbSession, user: FacilitatorUser,
                            contract_id: RowId, form: Form):
    return _record(request, db, user, contract_id, form,
                   f"/facilitateur/contrats/{contract_id}/sorties")
