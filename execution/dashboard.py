"""Indicator pages for buyers (their organisation) and administrators (all, or one buyer
organisation): the year against its targets, trends, breakdowns, drill-down and exports.

Filters are plain GET forms; htmx only swaps the ``indicateurs`` block of the same template.
"""

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from execution import drilldown, exports, indicator_charts, indicator_format, scope
from execution.indicator_trends import compute_trends
from execution.indicators import compute_indicators
from portal.auth import CurrentUser, DbSession
from portal.errors import NotFound
from portal.web import render, templates

router = APIRouter(prefix="/indicateurs")
templates.env.globals.update(indicator_value=indicator_format.value_text,
                             indicator_quantity=indicator_format.quantity,
                             indicator_details=indicator_format.detail_items)


def _number(raw: str | None, *, what: str) -> int | None:
    """A GET parameter: empty means "not chosen" (the « toutes » option of a select)."""
    if raw is None or raw.strip() in ("", "tous"):
        return None
    if not raw.strip().isdigit():
        raise NotFound(f"{what} inconnue.")
    return int(raw)


def _scope(db, user, annee: str | None, acheteur: str | None) -> scope.Scope:
    return scope.resolve(db, user, year=_number(annee, what="Année"),
                         buyer_id=_number(acheteur, what="Organisation"))


def _common(db, user, current: scope.Scope) -> dict:
    return {"scope": current, "query": urlencode(current.query()),
            "years": scope.years(current.year),
            "buyers": scope.buyer_organisations(db) if user.is_admin else [],
            "datasets": exports.DATASETS, "workbook": exports.WORKBOOK}


@router.get("")
def dashboard_page(request: Request, db: DbSession, user: CurrentUser,
                   annee: str | None = None, acheteur: str | None = None):
    current = _scope(db, user, annee, acheteur)
    indicators = compute_indicators(db, year=current.year, buyer_org_id=current.buyer_org_id)
    # The earlier years' trend figures in grouped statements; the year itself is computed once.
    by_year = compute_trends(db, years=scope.trend_years(current.year)[:-1],
                             buyer_org_id=current.buyer_org_id)
    by_year[current.year] = indicator_charts.by_id(indicators)
    return render(request, "execution/dashboard.html", {
        **_common(db, user, current),
        "indicators": indicators,
        "year_panels": indicator_charts.year_panels(indicators),
        "trend_panels": indicator_charts.trend_panels(by_year),
        "breakdown_panels": indicator_charts.breakdown_panels(indicators),
    }, block="indicateurs")


@router.get("/export/{name}.{fmt}")
def export_file(db: DbSession, user: CurrentUser, name: str, fmt: str,
                annee: str | None = None, acheteur: str | None = None):
    current = _scope(db, user, annee, acheteur)
    content, media_type, filename = exports.export(db, name, fmt, current)
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})


@router.get("/{indicator_id}")
def drilldown_page(request: Request, db: DbSession, user: CurrentUser, indicator_id: str,
                   annee: str | None = None, acheteur: str | None = None):
    current = _scope(db, user, annee, acheteur)
    drill = drilldown.drill_down(db, indicator_id, year=current.year,
                                 buyer_org_id=current.buyer_org_id)
    indicator = next(i for i in compute_indicators(db, year=current.year,
                                                   buyer_org_id=current.buyer_org_id)
                     if i.id == indicator_id)
    return render(request, "execution/dashboard_detail.html", {
        **_common(db, user, current), "drill": drill, "indicator": indicator,
        # The contract and declaration pages are the buyer's; administrators read the list.
        "links": user.is_buyer,
    }, block="indicateurs")
