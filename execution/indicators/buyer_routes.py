"""A buyer organisation's settings of its indicators (`/acheteur/parametres`): its agents read
them, its gestionnaires change them, an administrator those of the organisation it chose
(``?acheteur=``); suppliers and facilitators are refused. Each value left empty is the
instance's (execution.indicators.buyer_config); the targets likewise.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution.indicators import buyer_config, config, scope
from execution.indicators.buyer_config import OWN, BuyerSettingsIn
from execution.indicators.config import ALL_NOTIFIED, DEFINITIONS, UNIT_LABELS, TargetIn
from execution.indicators.routes import (
    FIELD_LABELS,
    SETTINGS_FIELDS,
    TARGET_FIELDS,
    query_number,
    target_row,
)
from portal.auth import CurrentUser, DbSession
from portal.clock import today
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.web import parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(prefix="/acheteur/parametres", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
TEMPLATE = "execution/buyer_settings.html"
LABELS = {**FIELD_LABELS, "threshold_mode": "Marchés comptés",
          "payment_delay_days": "Délai légal de paiement",
          "holder_amount_threshold_eur": "Montant minimal des marchés comptés en montant "
                                         "(TPE/PME, entreprises locales)"}
REFUSALS = ("Vous ne pouvez consulter que les paramètres de votre organisation.",
            "Les paramètres des indicateurs sont réservés aux acheteurs et aux administrateurs.")


def _buyer(db, user, acheteur: str | None):
    """The organisation the page is about; an administrator without one gets None (a chooser)."""
    buyer_id = query_number(acheteur, what="Organisation")
    return scope.chosen_buyer(db, user, buyer_id, refusals=REFUSALS)


def _chosen(db, user, acheteur: str | None):
    """The organisation whose settings a form changes, once its editor is known: whatever it
    typed, an agent (not a gestionnaire) is refused."""
    buyer = _buyer(db, user, acheteur)
    if buyer is None:
        raise NotFound("Choisissez d'abord l'organisation acheteuse dont vous modifiez les "
                       "paramètres.")
    if not config.may_edit(user, buyer.id):
        raise Forbidden("Seuls les gestionnaires de votre organisation modifient ces "
                        "paramètres ; vous pouvez les consulter.")
    return buyer


def _own_values(effective: buyer_config.Effective) -> dict:
    """What the form shows: the organisation's own values, empty where it takes the default."""
    values = {name: getattr(effective, name) if name in effective.own else ""
              for name in ("fte_hours", "payment_delay_days", "holder_amount_threshold_eur")}
    mode = buyer_config.INSTANCE
    if "threshold" in effective.own:
        mode = ALL_NOTIFIED if effective.all_notified else "montant"
    values["threshold_mode"] = mode
    values["consideration_threshold_eur"] = (effective.consideration_threshold_eur
                                             if mode == "montant" else "")
    return values


def _context(db, user, buyer, *, values=None, errors=None, summary_text=None, marker=None,
             target_values=None, target_errors=None, target_summary=None) -> dict:
    if buyer is None:
        return {"buyer": None, "buyers": scope.buyer_organisations(db)}
    effective = buyer_config.effective_settings(db, buyer.id)
    instance = buyer_config.effective_settings(db, None)
    return {
        "buyer": buyer, "effective": effective, "instance": instance, "own_label": OWN,
        "editable": config.may_edit(user, buyer.id),
        "query": urlencode({"acheteur": buyer.id}) if user.is_admin else "",
        "values": values if values is not None else _own_values(effective),
        "errors": errors or {}, "summary": summary_text,
        "marker": marker if marker is not None else effective.marker,
        "target_values": target_values or {"year": str(today().year)},
        "target_errors": target_errors or {}, "target_summary": target_summary,
        "own_targets": [target_row(t) for t in config.all_targets(db, buyer.id)],
        "instance_targets": [target_row(t) for t in config.all_targets(db)],
        "indicator_options": [(d.id, f"{d.label} ({UNIT_LABELS[d.unit]})") for d in DEFINITIONS],
        "payment_delay_options": list(config.PAYMENT_DELAY_CHOICES.items()),
        "field_labels": LABELS,
    }


def _back(buyer, user) -> str:
    return "/acheteur/parametres" + (f"?acheteur={buyer.id}" if user.is_admin else "")


@router.get("")
def buyer_settings_page(request: Request, db: DbSession, user: CurrentUser,
                        acheteur: str | None = None):
    return render(request, TEMPLATE, _context(db, user, _buyer(db, user, acheteur)))


@router.post("")
def save_buyer_settings(request: Request, db: DbSession, user: CurrentUser, form: Form,
                        acheteur: str | None = None):
    buyer = _chosen(db, user, acheteur)
    values = {name: str(form.get(name, "")).strip() for name in (*SETTINGS_FIELDS,
                                                                 "threshold_mode")}
    marker = str(form.get("marker", ""))
    try:
        # An empty value is the instance's default, not a missing number.
        data = BuyerSettingsIn.model_validate({k: v for k, v in values.items() if v != ""})
        buyer_config.update_buyer_settings(db, buyer, data, actor=user, marker=marker)
    except (ValidationError, Conflict, Invalid) as error:
        # On a conflict the form keeps the marker it was read with: saving again cannot
        # silently overwrite the other person's values.
        return refused_form(request, db, error, TEMPLATE, lambda errors, text: _context(
            db, user, buyer, values=values, errors=errors, summary_text=text, marker=marker),
            block="buyer_settings_form",
            summary="Les paramètres n'ont pas été enregistrés : corrigez les champs signalés.")
    return redirect(request, _back(buyer, user),
                    message=f"Paramètres des indicateurs de {buyer.name} enregistrés.")


@router.post("/objectifs")
def save_buyer_target(request: Request, db: DbSession, user: CurrentUser, form: Form,
                      acheteur: str | None = None):
    buyer = _chosen(db, user, acheteur)
    values = {name: str(form.get(name, "")).strip() for name in TARGET_FIELDS}
    try:
        data = TargetIn.model_validate(values)
        saved = config.set_target(db, data, admin=user, buyer_org_id=buyer.id)
    except (ValidationError, Invalid) as error:
        return refused_form(request, db, error, TEMPLATE, lambda errors, text: _context(
            db, user, buyer, target_values=values, target_errors=errors, target_summary=text),
            block="buyer_target_form",
            summary="L'objectif n'a pas été enregistré : corrigez les champs signalés.")
    label = config.BY_ID[data.indicator_id].label
    message = (f"Objectif enregistré : {label}, {data.year}." if saved is not None
               else f"Objectif retiré : {label}, {data.year} (celui de l'instance s'applique).")
    return redirect(request, _back(buyer, user), message=message)
