"""Administrators' settings: the AGEC minimum shares the decrees set, filled from Légifrance.

Only the values confirmed in the domain reference ship with the portal; every other one stays
empty (« seuil à renseigner ») until an administrator fills it here.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from portal import agec
from portal.agec import MINIMUM_LABELS, MINIMUMS, Regime, ThresholdIn
from portal.auth import AdminUser, DbSession
from portal.errors import Conflict, Invalid
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf

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

