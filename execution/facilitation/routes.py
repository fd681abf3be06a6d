"""Facilitator pages (the declarations to check, the follow-up table and its files, the insertion
indicators of its buyers), the administrators' assignments of facilitators to buyers, and the
buyer's read-only list of the facilitators that work for it. A declaration's check page is
execution.facilitation.check_routes."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from execution.facilitation import assignments, followup
from execution.indicators import scope
from execution.indicators.format import value_text
from execution.indicators.service import insertion_indicators
from portal.auth import AdminUser, BuyerUser, DbSession, FacilitatorUser
from portal.errors import Conflict, Invalid
from portal.pagination import MAX_SEARCH, page_number
from portal.validation import row_id
from portal.web import RowId, download, parsed_form, redirect, render, verify_csrf
from supplier.declaration_list import OPINIONS
from supplier.list_pages import declarations_context

router = APIRouter(prefix="/facilitateur", dependencies=[Depends(verify_csrf)])
admin_router = APIRouter(prefix="/admin/facilitateurs", dependencies=[Depends(verify_csrf)])
buyer_router = APIRouter(prefix="/acheteur/facilitateurs")
Form = Annotated[FormData, Depends(parsed_form)]


def _buyer_id(raw: str | None) -> int | None:
    return row_id(raw) if raw and raw.strip() not in ("", "tous") else None


@router.get("")
def home_page(request: Request, db: DbSession, user: FacilitatorUser):
    """The filed insertion declarations of its contracts, those still to check first."""
    return render(request, "facilitation/home.html", {
        **declarations_context(db, user, request.query_params, action="/facilitateur",
                               state=""),
        "buyers": assignments.attached_buyers(db, user.organisation_id),
        "opinions": OPINIONS}, block="results")


def _followup_filters(q: str, acheteur: str | None, par: str) -> followup.FollowupFilters:
    return followup.FollowupFilters(
        search=q.strip()[:MAX_SEARCH], buyer_id=_buyer_id(acheteur),
        by=followup.BY_HOLDER if par == followup.BY_HOLDER else followup.BY_CONTRACT)


@router.get("/suivi")
def followup_page(request: Request, db: DbSession, user: FacilitatorUser, q: str = "",
                  acheteur: str | None = None, par: str = "", page: str = ""):
    filters = _followup_filters(q, acheteur, par)
    params = filters.as_params()
    return render(request, "facilitation/followup.html", {
        "rows": followup.followup_rows(db, user.organisation_id, filters,
                                       page=page_number(page)),
        "filters": filters, "params": params,
        "buyers": assignments.attached_buyers(db, user.organisation_id)}, block="results")


@router.get("/suivi.{fmt}")
def followup_file(db: DbSession, user: FacilitatorUser, fmt: str, q: str = "",
                  acheteur: str | None = None, par: str = ""):
    content, media_type, filename = followup.followup_file(
        db, user.organisation_id, _followup_filters(q, acheteur, par), fmt)
    return download(content, filename, media_type)


@router.get("/indicateurs")
def indicators_page(request: Request, db: DbSession, user: FacilitatorUser,
                    annee: str | None = None, acheteur: str | None = None,
                    periode: str | None = None):
    year = row_id(annee) if annee and annee.strip() else None
    current = scope.facilitated(db, user, year=year, buyer_id=_buyer_id(acheteur),
                                period=periode)
    return render(request, "facilitation/indicators.html", {
        "scope": current, "years": scope.years(current.year),
        "periods": scope.periods(current.period),
        "buyers": assignments.attached_buyers(db, user.organisation_id),
        "indicators": insertion_indicators(db, period=current.period,
                                           buyer_org_id=current.buyer_org_id,
                                           facilitator_org_id=user.organisation_id),
        "value_text": value_text})


# --- Administrators: who works for whom ------------------------------------------------------

ASSIGNMENT_LABELS = {"facilitator_id": "Facilitateur", "buyer_siret": "SIRET de l'acheteur",
                     "reference": "Référence du contrat"}


def _assignments_page(request, db, *, search="", page=1, values=None, errors=None,
                      summary=None, status_code=200):
    return render(request, "facilitation/admin_assignments.html", {
        "assignments": assignments.assignments(db, search=search, page=page),
        "search": search,
        "base": "/admin/facilitateurs" + (f"?{urlencode({'q': search})}" if search else ""),
        "facilitators": [(o.id, f"{o.name} (SIRET {o.siret})")
                         for o in assignments.facilitator_organisations(db)],
        "field_labels": ASSIGNMENT_LABELS, "values": values or {}, "errors": errors or {},
        "error_summary": summary}, block="assignments", status_code=status_code)


@admin_router.get("")
def assignments_page(request: Request, db: DbSession, user: AdminUser, q: str = "",
                     page: str = ""):
    return _assignments_page(request, db, search=q.strip()[:MAX_SEARCH],
                             page=page_number(page))


@admin_router.post("")
def attach(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {k: str(form.get(k, "")).strip()[:100] for k in ASSIGNMENT_LABELS}
    try:
        with db.begin_nested():
            assignment = assignments.attach(
                db, admin=user, facilitator_org_id=row_id(values["facilitator_id"]),
                buyer_siret=values["buyer_siret"], reference=values["reference"])
    except (Invalid, Conflict) as error:
        return _assignments_page(request, db, values=values, errors=error.field_errors,
                                 summary=error.message, status_code=error.status_code)
    what = f"le contrat « {values['reference']} »" if values["reference"] else \
        "tous les contrats avec des heures d'insertion"
    return redirect(request, "/admin/facilitateurs", message=(
        f"{assignment.facilitator.name} suit désormais {what} de {assignment.buyer.name}."))


@admin_router.post("/{assignment_id}/retirer")
def detach(request: Request, db: DbSession, user: AdminUser, assignment_id: RowId):
    assignment = assignments.detach(db, admin=user, assignment_id=assignment_id)
    return redirect(request, "/admin/facilitateurs", message=(
        f"Rattachement retiré : {assignment.facilitator.name} ne suit plus ces contrats de "
        f"{assignment.buyer.name}."))


# --- Buyers: who checks their insertion hours ------------------------------------------------

@buyer_router.get("")
def buyer_facilitators_page(request: Request, db: DbSession, user: BuyerUser, page: str = ""):
    return render(request, "facilitation/buyer_facilitators.html", {
        "assignments": assignments.buyer_assignments(db, user.organisation_id,
                                                     page=page_number(page))})
