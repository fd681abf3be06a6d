"""The « Données ouvertes » hub: what the buyer imports (DECP) and publishes (DECP, AGEC, OCDS)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from execution.indicators.scope import buyer_organisations
from execution.opendata import ocds
from execution.opendata.scope import buyer_in_scope
from portal.auth import CurrentUser, DbSession
from portal.errors import NotFound
from portal.web import render

router = APIRouter(prefix="/donnees-ouvertes")


def acheteur_id(raw: str | None) -> int | None:
    """The ``acheteur`` GET parameter: empty means not chosen; anything but digits is unknown."""
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise NotFound("Cette organisation acheteuse n'existe pas.")
    return int(raw)


@router.get("")
def hub_page(request: Request, db: DbSession, user: CurrentUser, acheteur: str | None = None):
    buyer = buyer_in_scope(db, user, acheteur_id(acheteur))
    return render(request, "execution/opendata/index.html", {
        "buyer": buyer,
        "buyers": buyer_organisations(db) if user.is_admin else [],
        "query": f"?acheteur={buyer.id}" if buyer is not None and user.is_admin else "",
    })


@router.get("/ocds.json")
def ocds_download(db: DbSession, user: CurrentUser, acheteur: str | None = None):
    """The buyer's contracts and their execution as an OCDS 1.1 release package."""
    buyer = buyer_in_scope(db, user, acheteur_id(acheteur))
    if buyer is None:  # an administrator who has not chosen yet
        return RedirectResponse("/donnees-ouvertes", status_code=303)
    package = ocds.release_package(db, buyer)
    filename = ocds.package_filename(buyer)
    return Response(ocds.package_json(package), media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})
