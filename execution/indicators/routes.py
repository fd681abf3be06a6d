"""Indicator pages for buyers (their organisation) and administrators (all, or one buyer
organisation): the year against its targets, trends, breakdowns, drill-down and exports; and
the administrators' settings of the indicators (`settings_router`): hours per full-time
equivalent, the amount from which a contract enters the "share of contracts" indicators, and
the targets per year.

Filters are plain GET forms; htmx only swaps the ``indicateurs`` block of the same template.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution.centrals import figures as central_figures
from execution.indicators import buyer_config, completeness, config, drilldown, exports, scope
from execution.indicators import charts as indicator_charts
from execution.indicators import queries as indicator_queries
from execution.indicators.config import (
    ALL_NOTIFIED,
    DEFINITIONS,
    UNIT_LABELS,
    SettingsIn,
    TargetIn,
)
from execution.indicators.drilldown_rows import kind_label
from execution.indicators.format import value_text
from execution.indicators.service import compute_indicators
from execution.indicators.trends import compute_trends
from portal.auth import AdminUser, ContractSideUser, DbSession
from portal.clock import today
from portal.errors import Conflict, Invalid, NotFound
from portal.formatting import number_input
from portal.pagination import page_number
from portal.validation import row_id
from portal.web import download, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(prefix="/indicateurs")


def query_number(raw: str | None, *, what: str) -> int | None:
    """A GET parameter: empty means "not chosen" (the « toutes » option of a select); anything
    but a plain whole number that fits a row id (« ² », « 1e9 », 99…9) names nothing: 404."""
    if raw is None or raw.strip() in ("", "tous"):
        return None
    number = row_id(raw)
    if number is None:
        raise NotFound(f"{what} inconnue.")
    return number


def _scope(db, user, annee: str | None, acheteur: str | None,
           periode: str | None = None, perimetre: str | None = None) -> scope.Scope:
    return scope.resolve(db, user, year=query_number(annee, what="Année"),
                         buyer_id=query_number(acheteur, what="Organisation"), period=periode,
                         perimeter=perimetre)


def _common(db, user, current: scope.Scope) -> dict:
    return {"scope": current, "query": urlencode(current.query()),
            "years": scope.years(current.year), "periods": scope.periods(current.period),
            "buyers": scope.buyer_organisations(db) if user.is_admin else [],
            "datasets": exports.DATASETS, "workbook": exports.WORKBOOK,
            "can_consolidate": central_figures.can_consolidate(db, current)}


@router.get("")
def dashboard_page(request: Request, db: DbSession, user: ContractSideUser,
                   annee: str | None = None, acheteur: str | None = None,
                   periode: str | None = None, perimetre: str | None = None):
    current = _scope(db, user, annee, acheteur, periode, perimetre)
    indicators = compute_indicators(db, period=current.period, buyer_org_id=current.buyer_org_id,
                                    buyer_org_ids=current.buyer_org_ids)
    # The trends are by year, in grouped statements; the year shown is computed once, unless
    # the page shows a semester or a quarter (then the whole year is one more trend point).
    years = scope.trend_years(current.year)
    by_year = compute_trends(db, years=years if not current.period.is_year else years[:-1],
                             buyer_org_id=current.buyer_org_id,
                             buyer_org_ids=current.buyer_org_ids)
    if current.period.is_year:
        by_year[current.year] = indicator_charts.by_id(indicators)
    return render(request, "execution/dashboard.html", {
        **_common(db, user, current),
        # The centrals' figures are the dashboard's alone (not the drill-downs').
        **central_figures.dashboard_context(db, user, current),
        "indicators": indicators,
        "year_panels": indicator_charts.year_panels(
            indicators, "de l'année" if current.period.is_year else f"du {current.period.label}"),
        "trend_panels": indicator_charts.trend_panels(by_year),
        "breakdown_panels": indicator_charts.breakdown_panels(indicators),
        # Which settings the figures used: the buyer's, or every buyer's when some differ.
        "effective": buyer_config.effective_settings(db, current.buyer_org_id),
        "settings_used": buyer_config.settings_used(db) if current.buyer is None else [],
    }, block="indicateurs")


@router.get("/export/{name}.{fmt}")
def export_file(db: DbSession, user: ContractSideUser, name: str, fmt: str,
                annee: str | None = None, acheteur: str | None = None,
                periode: str | None = None, perimetre: str | None = None):
    current = _scope(db, user, annee, acheteur, periode, perimetre)
    content, media_type, filename = exports.export(db, name, fmt, current)
    return download(content, filename, media_type)


@router.get("/completude")
def completeness_page(request: Request, db: DbSession, user: ContractSideUser,
                      annee: str | None = None, acheteur: str | None = None,
                      periode: str | None = None, q: str = "", page: str = "",
                      perimetre: str | None = None):
    """The period's commitments still missing a validated declaration, 50 a page, searched by
    contract reference or filing organisation, with the counts per indicator family."""
    current = _scope(db, user, annee, acheteur, periode, perimetre)
    search = q.strip()[:100]
    scope_q = indicator_queries.Scope(current.period, current.buyer_org_id, today(),
                                      buyer_org_ids=current.buyer_org_ids)
    filters = urlencode({**current.query(), **({"q": search} if search else {})})
    return render(request, "execution/completeness.html", {
        **_common(db, user, current), "search": search,
        "result": completeness.completeness(db, scope_q, page=page_number(page), search=search),
        "kind_label": kind_label,
        "base": "/indicateurs/completude" + (f"?{filters}" if filters else ""),
        "links": user.is_buyer and current.buyer_org_ids is None,  # members' are not theirs
    }, block="indicateurs")


@router.get("/{indicator_id}")
def drilldown_page(request: Request, db: DbSession, user: ContractSideUser, indicator_id: str,
                   annee: str | None = None, acheteur: str | None = None, q: str = "",
                   page: str = "", periode: str | None = None,
                   perimetre: str | None = None):
    """The contracts and declarations behind an indicator's figure, 50 a page with their
    total, searched by contract reference."""
    current = _scope(db, user, annee, acheteur, periode, perimetre)
    search = q.strip()[:100]
    drill = drilldown.drill_down(db, indicator_id, period=current.period,
                                 buyer_org_id=current.buyer_org_id, page=page_number(page),
                                 search=search, buyer_org_ids=current.buyer_org_ids)
    indicator = next(i for i in compute_indicators(db, period=current.period,
                                                   buyer_org_id=current.buyer_org_id,
                                                   buyer_org_ids=current.buyer_org_ids)
                     if i.id == indicator_id)
    filters = urlencode({**current.query(), **({"q": search} if search else {})})
    return render(request, "execution/dashboard_detail.html", {
        **_common(db, user, current), "drill": drill, "indicator": indicator,
        "search": search,
        "base": f"/indicateurs/{indicator_id}" + (f"?{filters}" if filters else ""),
        # The contract and declaration pages are the buyer's; administrators read the list.
        "links": user.is_buyer and current.buyer_org_ids is None,  # members' are not theirs
    }, block="indicateurs")


# --- Administrators' settings of the indicators ------------------------------------------

settings_router = APIRouter(prefix="/admin/indicateurs", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
TEMPLATE = "execution/indicator_settings.html"
SETTINGS_FIELDS = ("fte_hours", "consideration_threshold_eur", "payment_delay_days",
                   "holder_amount_threshold_eur")
TARGET_FIELDS = ("indicator_id", "year", "value")
FIELD_LABELS = {"fte_hours": "Heures par équivalent temps plein",
                "consideration_threshold_eur": "Montant minimal des marchés comptés",
                "indicator_id": "Indicateur", "year": "Année", "value": "Objectif",
                "payment_delay_days": "Délai légal de paiement",
                "holder_amount_threshold_eur": "Montant minimal des marchés comptés en montant"}


def _context(db, *, settings_values=None, settings_errors=None, settings_summary=None,
             marker=None, target_values=None, target_errors=None, target_summary=None) -> dict:
    settings = config.current_settings(db)
    if settings_values is None:
        settings_values = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
        settings_values["threshold_mode"] = ALL_NOTIFIED if settings.all_notified else "montant"
    return {
        "settings": settings, "marker": marker if marker is not None else settings.marker,
        "settings_values": settings_values, "settings_errors": settings_errors or {},
        "settings_summary": settings_summary,
        "target_values": target_values or {"year": str(today().year)},
        "target_errors": target_errors or {}, "target_summary": target_summary,
        "targets": [target_row(t) for t in config.all_targets(db)],
        "indicator_options": [(d.id, f"{d.label} ({UNIT_LABELS[d.unit]})") for d in DEFINITIONS],
        "payment_delay_options": list(config.PAYMENT_DELAY_CHOICES.items()),
        "field_labels": FIELD_LABELS, "buyers": scope.buyer_organisations(db),
    }


@settings_router.get("")
def indicator_settings_page(request: Request, db: DbSession, user: AdminUser):
    return render(request, TEMPLATE, _context(db))


@settings_router.post("")
def save_settings(request: Request, db: DbSession, user: AdminUser, form: Form):
    current = config.current_settings(db)
    # A value the form did not send (an older form, a script) keeps its current value.
    values = {name: str(form.get(name, getattr(current, name))).strip()
              for name in SETTINGS_FIELDS}
    values["threshold_mode"] = str(form.get("threshold_mode", ALL_NOTIFIED if current.all_notified
                                            else "montant"))
    marker = str(form.get("marker", ""))
    try:
        data = SettingsIn.model_validate({**{k: v for k, v in values.items()
                                             if k != "threshold_mode"},
                                          "all_notified": values["threshold_mode"] == ALL_NOTIFIED})
        config.update_settings(db, data, admin=user, marker=marker)
    except (ValidationError, Conflict) as error:
        # On a conflict the form keeps the marker it was read with: saving again cannot
        # silently overwrite the other administrator's values.
        return refused_form(request, db, error, TEMPLATE, lambda errors, summary: _context(
            db, settings_values=values, settings_errors=errors, settings_summary=summary,
            marker=marker), block="settings_form",
            summary="Les paramètres n'ont pas été enregistrés : corrigez les champs signalés.")
    return redirect(request, "/admin/indicateurs", message="Paramètres des indicateurs "
                    "enregistrés.")


@settings_router.post("/objectifs")
def save_target(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {name: str(form.get(name, "")).strip() for name in TARGET_FIELDS}
    try:
        data = TargetIn.model_validate(values)
        saved = config.set_target(db, data, admin=user)
    except (ValidationError, Invalid) as error:
        return refused_form(request, db, error, TEMPLATE, lambda errors, summary: _context(
            db, target_values=values, target_errors=errors, target_summary=summary),
            block="target_form",
            summary="L'objectif n'a pas été enregistré : corrigez les champs signalés.")
    label = config.BY_ID[data.indicator_id].label
    message = (f"Objectif enregistré : {label}, {data.year}." if saved is not None
               else f"Objectif retiré : {label}, {data.year}.")
    return redirect(request, "/admin/indicateurs", message=message)


def target_row(target) -> dict:
    definition = config.BY_ID.get(target.indicator_id)
    # Written as the dashboard writes the indicator's values (« 400 000,00 h », « 30,0 % »).
    return {"indicator_id": target.indicator_id, "year": target.year,
            "label": definition.label if definition else target.indicator_id,
            "text": value_text(target.value, definition.unit) if definition
            else number_input(target.value)}

