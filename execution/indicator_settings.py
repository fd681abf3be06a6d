"""Administrators' settings of the indicators: hours per full-time equivalent, the amount from
which a contract enters the "share of contracts" indicators, and the targets per year."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution import indicator_config as config
from execution.indicator_config import DEFINITIONS, UNIT_LABELS, SettingsIn, TargetIn
from portal.auth import AdminUser, DbSession
from portal.clock import today
from portal.errors import Conflict, Invalid
from portal.formatting import number
from portal.validation import french_errors
from portal.web import parsed_form, redirect, render, verify_csrf

router = APIRouter(prefix="/admin/indicateurs", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
TEMPLATE = "execution/indicator_settings.html"
SETTINGS_FIELDS = ("fte_hours", "consideration_threshold_eur")
TARGET_FIELDS = ("indicator_id", "year", "value")
FIELD_LABELS = {"fte_hours": "Heures par équivalent temps plein",
                "consideration_threshold_eur": "Montant minimal des marchés comptés",
                "indicator_id": "Indicateur", "year": "Année", "value": "Objectif"}


def _page(request, db, *, settings_values=None, settings_errors=None, settings_summary=None,
          marker=None, target_values=None, target_errors=None, target_summary=None,
          block=None, status_code=200):
    settings = config.current_settings(db)
    if settings_values is None:
        settings_values = {name: _french(getattr(settings, name)) for name in SETTINGS_FIELDS}
    return render(request, TEMPLATE, {
        "settings": settings, "marker": marker if marker is not None else settings.marker,
        "settings_values": settings_values, "settings_errors": settings_errors or {},
        "settings_summary": settings_summary,
        "target_values": target_values or {"year": str(today().year)},
        "target_errors": target_errors or {}, "target_summary": target_summary,
        "targets": [_target_row(t) for t in config.all_targets(db)],
        "indicator_options": [(d.id, f"{d.label} ({UNIT_LABELS[d.unit]})") for d in DEFINITIONS],
        "field_labels": FIELD_LABELS,
    }, block=block, status_code=status_code)


@router.get("")
def indicator_settings_page(request: Request, db: DbSession, user: AdminUser):
    return _page(request, db)


@router.post("")
def save_settings(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {name: str(form.get(name, "")).strip() for name in SETTINGS_FIELDS}
    marker = str(form.get("marker", ""))
    try:
        config.update_settings(db, SettingsIn.model_validate(values), admin=user, marker=marker)
    except (ValidationError, Conflict) as error:
        db.rollback()
        if isinstance(error, ValidationError):
            errors = french_errors(error)
            summary = "Les paramètres n'ont pas été enregistrés : corrigez les champs signalés."
        else:
            errors, summary = {}, error.message
        # On a conflict the form keeps the marker it was read with: saving again cannot
        # silently overwrite the other administrator's values.
        return _page(request, db, settings_values=values, settings_errors=errors,
                     settings_summary=summary, marker=marker, block="settings_form",
                     status_code=409 if isinstance(error, Conflict) else 422)
    return redirect(request, "/admin/indicateurs", message="Paramètres des indicateurs "
                    "enregistrés.")


@router.post("/objectifs")
def save_target(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {name: str(form.get(name, "")).strip() for name in TARGET_FIELDS}
    try:
        data = TargetIn.model_validate(values)
        saved = config.set_target(db, data, admin=user)
    except (ValidationError, Invalid) as error:
        db.rollback()
        errors = (french_errors(error) if isinstance(error, ValidationError)
                  else error.field_errors)
        return _page(request, db, target_values=values, target_errors=errors,
                     target_summary="L'objectif n'a pas été enregistré : corrigez les champs "
                                    "signalés.", block="target_form", status_code=422)
    label = config.BY_ID[data.indicator_id].label
    message = (f"Objectif enregistré : {label}, {data.year}." if saved is not None
               else f"Objectif retiré : {label}, {data.year}.")
    return redirect(request, "/admin/indicateurs", message=message)


def _target_row(target) -> dict:
    definition = config.BY_ID.get(target.indicator_id)
    unit = UNIT_LABELS[definition.unit] if definition else ""
    return {"indicator_id": target.indicator_id, "year": target.year,
            "label": definition.label if definition else target.indicator_id,
            "text": f"{number(target.value, 0 if target.value % 1 == 0 else 2)} {unit}".strip()}


def _french(value) -> str:
    """« 1607 » for 1607.00, « 12,5 » for 12.50; empty for no value."""
    if value is None:
        return ""
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")
