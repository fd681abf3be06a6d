"""AGEC pages: the administrators' settings of the minimum shares the decrees set, filled
from Légifrance (only the values confirmed in the domain reference ship with the portal; every
other one stays empty, « seuil à renseigner », until an administrator fills it here); and, in
« Données ouvertes », the buyers' own yearly totals and the official declaration file built from
them (`declaration_router`).
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution.agec import declaration_file, totals
from execution.indicators.scope import buyer_organisations
from execution.opendata.scope import admin_query, buyer_in_scope
from portal import agec
from portal.agec import MINIMUM_LABELS, MINIMUMS, Regime, ThresholdIn
from portal.auth import AdminUser, ContractSideUser, DbSession
from portal.errors import Conflict, Invalid, NotFound
from portal.models import Organisation
from portal.spreadsheet import CSV_TYPE
from portal.web import RowId, download, parsed_form, redirect, refused_form, render, verify_csrf
from supplier.compliance.agec import REGIME_TITLES

router = APIRouter(prefix="/admin/seuils-agec", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
TEMPLATE = "execution/agec_settings.html"
REGIMES = [(Regime.decree_2024, "Décret n° 2024-134 (à partir du 1er juillet 2024)",
            "Deux minimums distincts, réemploi ou réutilisation et matières recyclées, par "
            "palier : 2024, 2027 et 2030 (chaque palier s'applique jusqu'au suivant)."),
           (Regime.decree_2021, "Décret n° 2021-254 (jusqu'au 30 juin 2024)",
            "Une part globale (réemploi, réutilisation ou matières recyclées) et, dans celle-ci, "
            "une part minimale de réemploi ou de réutilisation.")]


@router.get("")
def thresholds_page(request: Request, db: DbSession, user: AdminUser):
    rows = agec.thresholds(db)
    return render(request, TEMPLATE, {
        "threshold": None,
        "regimes": [(regime, title, hint, [t for t in rows if t.category.regime == regime])
                    for regime, title, hint in REGIMES],
        "minimums": MINIMUMS, "minimum_labels": MINIMUM_LABELS,
        "empty_count": sum(1 for t in rows if not t.is_complete)})


def _edit_context(threshold, *, values=None, errors=None, summary=None, marker=None) -> dict:
    regime = Regime(threshold.category.regime)
    if values is None:
        values = {name: getattr(threshold, name) for name in MINIMUMS[regime]}
        # A note on where to look is not a source for a value the admin types.
        values["source"] = threshold.source if not threshold.is_empty else ""
    return {
        "threshold": threshold, "fields": MINIMUMS[regime], "minimum_labels": MINIMUM_LABELS,
        "field_labels": {"source": "Source",
                         **{name: MINIMUM_LABELS[name].capitalize() for name in MINIMUMS[regime]}},
        "values": values, "errors": errors or {}, "error_summary": summary,
        "marker": marker if marker is not None else threshold.marker,
    }


@router.get("/{threshold_id}")
def threshold_page(request: Request, db: DbSession, user: AdminUser, threshold_id: RowId):
    return render(request, TEMPLATE, _edit_context(agec.get_threshold(db, threshold_id)),
                  block="threshold_form")


@router.post("/{threshold_id}")
def save_threshold(request: Request, db: DbSession, user: AdminUser, threshold_id: RowId,
                   form: Form):
    threshold = agec.get_threshold(db, threshold_id)
    fields = MINIMUMS[Regime(threshold.category.regime)]
    values = {name: str(form.get(name, "")).strip() for name in (*fields, "source")}
    marker = str(form.get("marker", ""))
    try:
        data = ThresholdIn.model_validate(values)
        saved = agec.update_threshold(db, threshold_id, data, admin=user, marker=marker)
    except (ValidationError, Invalid, Conflict) as error:
        # On a conflict the form keeps the marker it was read with: saving again cannot
        # silently overwrite the other administrator's value.
        return refused_form(request, db, error, TEMPLATE, lambda errors, summary: _edit_context(
            agec.get_threshold(db, threshold_id), values=values, errors=errors, summary=summary,
            marker=marker), block="threshold_form",
            summary="Le seuil n'a pas été enregistré : corrigez les champs signalés.")
    return redirect(request, "/admin/seuils-agec",
                    message=f"Seuil enregistré : {saved.category.label}, {saved.from_year}.")



# --- The buyers' yearly totals and the declaration file (Données ouvertes) ---------------------

declaration_router = APIRouter(prefix="/donnees-ouvertes", dependencies=[Depends(verify_csrf)])
TOTALS_TEMPLATE = "execution/opendata/agec.html"


def _year(annee: str | None) -> int:
    """The ``annee`` GET parameter: by default the year being declared now (the previous)."""
    if annee is None or not annee.strip():
        return totals.default_year()
    if not annee.strip().isdigit() or len(annee.strip()) > 4:
        raise NotFound("Année inconnue.")
    return totals.check_year(int(annee))


def _chosen(db, user, acheteur: str | None) -> Organisation:
    buyer = buyer_in_scope(db, user, acheteur)
    if buyer is None:
        raise NotFound("Choisissez d'abord une organisation acheteuse (page Données ouvertes).")
    return buyer


def _query(user, buyer: Organisation | None, year: int, **extra) -> str:
    params: dict[str, object] = {"annee": year, **extra}
    if user.is_admin and buyer is not None:
        params["acheteur"] = buyer.id
    return urlencode(params)


def _totals_context(db, user, buyer: Organisation | None, year: int, *, parsed=None,
                    errors=None, summary=None) -> dict:
    context: dict = {"buyer": buyer, "year": year, "years": totals.years(),
                     "buyers": buyer_organisations(db) if user.is_admin else [],
                     "regime_title": REGIME_TITLES[agec.regime_of_year(year)],
                     "file_year": year >= agec.FIRST_DECLARATION_YEAR,
                     "first_file_year": agec.FIRST_DECLARATION_YEAR,
                     "field_names": totals.FIELD_NAMES,
                     "errors": errors or {}, "error_summary": summary}
    if buyer is None:
        return context
    rows = totals.page_rows(db, buyer.id, year)
    values = {row.code: {name: getattr(row.own, name) for name in totals.FIELDS}
              for row in rows if row.own is not None}
    versions = {row.code: row.own.version if row.own is not None else 0 for row in rows}
    if parsed is not None:  # a refused form: what was typed, at the versions it was read at
        values.update(parsed.values)
        versions.update(parsed.versions)
    regime = agec.regime_of_year(year)
    context.update({
        "regime": regime, "rows": rows, "form_rows": [r for r in rows if r.regime == regime],
        "values": values, "versions": versions,
        "labels": totals.error_labels(agec.categories(db, regime)),
        "has_figures": any(r.own is not None for r in rows),
        "query": _query(user, buyer, year),
        "buyer_query": admin_query(user, buyer),
    })
    return context


@declaration_router.get("/agec")
def agec_totals_page(request: Request, db: DbSession, user: ContractSideUser,
                     annee: str | None = None, acheteur: str | None = None):
    """The buyer's totals of a year per category, editable, beside the holders' declarations."""
    year = _year(annee)
    buyer = buyer_in_scope(db, user, acheteur)
    return render(request, TOTALS_TEMPLATE, _totals_context(db, user, buyer, year),
                  block="agec_totals")


@declaration_router.post("/agec")
def save_agec_totals(request: Request, db: DbSession, user: ContractSideUser, form: Form,
                     annee: str | None = None, acheteur: str | None = None):
    year = _year(annee)
    buyer = _chosen(db, user, acheteur)
    parsed = totals.parse_form(form, agec.categories(db, agec.regime_of_year(year)))
    try:
        changed = totals.save_year(db, buyer=buyer, year=year, parsed=parsed, user=user)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, TOTALS_TEMPLATE, lambda errors, summary:
                            _totals_context(db, user, buyer, year, parsed=parsed,
                                            errors=errors, summary=summary),
                            block="agec_totals", summary=totals.NOT_SAVED)
    return redirect(request, f"/donnees-ouvertes/agec?{_query(user, buyer, year)}",
                    message=totals.saved_message(year, changed))


@declaration_router.get("/agec.csv")
def agec_declaration_file(db: DbSession, user: ContractSideUser, annee: str | None = None,
                          acheteur: str | None = None):
    """The official CSV of the year, from the buyer's own totals."""
    year = _year(annee)
    buyer = _chosen(db, user, acheteur)
    content = declaration_file.declaration_csv(db, buyer, year)
    filename = declaration_file.declaration_filename(buyer, year)
    return download(content.encode("utf-8"), filename, CSV_TYPE)
