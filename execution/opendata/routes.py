"""The « Données ouvertes » hub: what the buyer imports (DECP) and publishes (DECP, AGEC, OCDS)."""


from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from execution.indicators.scope import buyer_organisations
from execution.opendata import decp_export, ocds
from execution.opendata.scope import admin_query, buyer_in_scope
from portal.auth import ContractSideUser, DbSession
from portal.errors import Invalid
from portal.pagination import Page, page_number
from portal.web import download, flash, render

router = APIRouter(prefix="/donnees-ouvertes")


@router.get("")
def hub_page(request: Request, db: DbSession, user: ContractSideUser, acheteur: str | None = None):
    buyer = buyer_in_scope(db, user, acheteur)
    return render(request, "execution/opendata/index.html", {
        "buyer": buyer,
        "buyers": buyer_organisations(db) if user.is_admin else [],
        "query": admin_query(user, buyer),
        **_decp_section(db, buyer, request.query_params),
    })


@router.get("/decp.json")
def decp_download(db: DbSession, user: ContractSideUser, annee: str | None = None,
                  acheteur: str | None = None):
    """The buyer's complete contracts in the DECP 2024 format (?annee=: of notification)."""
    buyer = buyer_in_scope(db, user, acheteur)
    if buyer is None:  # an administrator who has not chosen yet
        response = RedirectResponse("/donnees-ouvertes", status_code=303)
        flash(response, "Choisissez d'abord l'organisation acheteuse dont exporter les données.")
        return response
    year = decp_export.check_year(annee)
    export = decp_export.export_decp(db, buyer, year=year)
    filename = f"decp-{buyer.siret or buyer.id}-{year or 'toutes-annees'}.json"
    return download(export.json_bytes(), filename, "application/json", headers={
        # What was left out, for a script that downloads the file.
        "X-Contrats-Exportes": str(export.exported),
        "X-Contrats-Incomplets": str(len(export.incomplete))})


DECP_PER_PAGE = 50


def _decp_section(db, buyer, params) -> dict:
    """The hub's DECP export part: what the download holds, and the incomplete contracts (50 a
    page, ``decp_page``) with what each lacks; ``annee`` narrows both."""
    if buyer is None:
        return {}
    typed = params.get("annee", "")
    try:
        year, error = decp_export.check_year(typed), None
    except Invalid as refused:
        year, error = None, refused.message
    export = decp_export.export_decp(db, buyer, year=year)
    left = export.incomplete
    number = min(page_number(params.get("decp_page")), max(1, -(-len(left) // DECP_PER_PAGE)))
    start = (number - 1) * DECP_PER_PAGE
    return {"decp": {
        "year": typed.strip()[:20], "year_error": error, "exported": export.exported,
        "summary": export.summary,
        "incomplete": Page(items=left[start:start + DECP_PER_PAGE], total=len(left),
                           number=number, per_page=DECP_PER_PAGE)}}


@router.get("/ocds.json")
def ocds_download(db: DbSession, user: ContractSideUser, acheteur: str | None = None):
    """The buyer's contracts and their execution as an OCDS 1.1 release package."""
    buyer = buyer_in_scope(db, user, acheteur)
    if buyer is None:  # an administrator who has not chosen yet
        return RedirectResponse("/donnees-ouvertes", status_code=303)
    package = ocds.release_package(db, buyer)
    filename = ocds.package_filename(buyer)
    return download(ocds.package_json(package), filename, "application/json")
