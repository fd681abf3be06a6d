"""The drill-down page of an indicator: the contracts and declarations behind its figure, 50 a
page with their total, searched by contract reference.

It answers /indicateurs/{indicator_id} in place of execution.dashboard.drilldown_page (this
router is included first), which stays there unused until that module's owner removes it.
"""

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from execution import drilldown
from execution.dashboard import _common, _scope
from execution.indicators import compute_indicators
from portal.auth import CurrentUser, DbSession
from portal.pagination import page_number
from portal.web import render

router = APIRouter(prefix="/indicateurs")


# Out of the OpenAPI document: the shadowed route there has the same address and name (a
# duplicate operation id); both go once execution.dashboard.drilldown_page is removed.
@router.get("/{indicator_id}", include_in_schema=False)
def drilldown_page(request: Request, db: DbSession, user: CurrentUser, indicator_id: str,
                   annee: str | None = None, acheteur: str | None = None, q: str = "",
                   page: str = ""):
    current = _scope(db, user, annee, acheteur)
    search = q.strip()[:100]
    drill = drilldown.drill_down(db, indicator_id, year=current.year,
                                 buyer_org_id=current.buyer_org_id, page=page_number(page),
                                 search=search)
    indicator = next(i for i in compute_indicators(db, year=current.year,
                                                   buyer_org_id=current.buyer_org_id)
                     if i.id == indicator_id)
    common = _common(db, user, current)
    filters = urlencode({**current.query(), **({"q": search} if search else {})})
    return render(request, "execution/dashboard_detail.html", {
        **common, "drill": drill, "indicator": indicator, "search": search,
        "base": f"/indicateurs/{indicator_id}" + (f"?{filters}" if filters else ""),
        # The contract and declaration pages are the buyer's; administrators read the list.
        "links": user.is_buyer,
    }, block="indicateurs")
