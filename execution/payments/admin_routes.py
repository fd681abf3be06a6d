"""The administrators' ECB rate page and the payment indicators page (/indicateurs/paiements),
read by whoever reads the indicators dashboard: a buyer its organisation's, an administrator
every buyer's or the one it chooses."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from execution.indicators.scope import (
    INDICATOR_REFUSALS,
    buyer_organisations,
    chosen_buyer,
    valid_year,
    years,
)
from execution.payments import indicators, rates
from execution.payments.rules import POINTS_ABOVE_ECB, half_year_label
from portal.auth import AdminUser, ContractSideUser, DbSession
from portal.errors import Invalid
from portal.web import QueryId, Year, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
RATES_PAGE = "execution/payments/rates.html"


def _rates_context(db, *, values=None, errors=None, summary=None):
    return {"rates": [(r, half_year_label(r.half_year_start), r.rate + POINTS_ABOVE_ECB)
                      for r in rates.all_rates(db)],
            "values": values or {}, "errors": errors or {}, "error_summary": summary,
            "field_labels": {"half_year": "Semestre", "rate": "Taux BCE"}}


@router.get("/admin/taux-bce")
def rates_page(request: Request, db: DbSession, user: AdminUser):
    return render(request, RATES_PAGE, _rates_context(db))


@router.post("/admin/taux-bce")
def set_rate(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {name: str(form.get(name) or "")[:20] for name in ("half_year", "rate")}
    try:
        row = rates.set_rate(db, actor=user, **values)
    except Invalid as error:
        return refused_form(request, db, error, RATES_PAGE, lambda errors, summary: (
            _rates_context(db, values=values, errors=errors, summary=summary)))
    return redirect(request, "/admin/taux-bce", message=(
        f"Taux BCE du {half_year_label(row.half_year_start)} enregistré."))


@router.get("/indicateurs/paiements")
def payment_indicators_page(request: Request, db: DbSession, user: ContractSideUser,
                            annee: Year = None, acheteur: QueryId = None):
    buyer = chosen_buyer(db, user, acheteur, refusals=INDICATOR_REFUSALS)
    year = valid_year(annee)
    buyer_org_id = buyer.id if buyer is not None else None
    query = {"annee": year, **({"acheteur": buyer.id} if user.is_admin and buyer else {})}
    return render(request, "execution/payments/indicators.html", {
        "year": year, "years": years(year), "buyer": buyer,
        "organisations": buyer_organisations(db) if user.is_admin else [],
        "total": indicators.total(db, year=year, buyer_org_id=buyer_org_id),
        "sme": indicators.sme_only(db, year=year, buyer_org_id=buyer_org_id),
        "by_size": indicators.by_size(db, year=year, buyer_org_id=buyer_org_id),
        "by_buyer": (indicators.by_buyer(db, year=year, buyer_org_id=None)
                     if buyer is None else []),
        "query": urlencode(query)}, block="indicateurs")
