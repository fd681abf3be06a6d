"""Pages of the purchasing centrals: the administrators' memberships (/admin/centrales) and,
on a contract of a central, the members that use it (/acheteur/contrats/{id}/membres). The
figures are on the indicator pages (execution.centrals.figures)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from execution.centrals import memberships, uses
from portal.auth import AdminUser, BuyerUser, DbSession
from portal.errors import Conflict, Invalid
from portal.pagination import MAX_SEARCH, page_number
from portal.validation import row_id
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf

admin_router = APIRouter(prefix="/admin/centrales", dependencies=[Depends(verify_csrf)])
router = APIRouter(prefix="/acheteur/contrats", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
ADMIN_TEMPLATE = "execution/admin_centrals.html"
USES_TEMPLATE = "execution/central_uses.html"
MEMBERSHIP_LABELS = {"central_siret": "SIRET de la centrale d'achat",
                     "member_siret": "SIRET du membre"}


def _memberships_context(db, *, search="", page=1, values=None, errors=None, summary=None):
    return {"memberships": memberships.memberships(db, search=search, page=page),
            "search": search,
            "base": "/admin/centrales" + (f"?{urlencode({'q': search})}" if search else ""),
            "field_labels": MEMBERSHIP_LABELS, "values": values or {}, "errors": errors or {},
            "error_summary": summary}


@admin_router.get("")
def memberships_page(request: Request, db: DbSession, user: AdminUser, q: str = "",
                     page: str = ""):
    return render(request, ADMIN_TEMPLATE, _memberships_context(
        db, search=q.strip()[:MAX_SEARCH], page=page_number(page)),
        block="memberships")


@admin_router.post("")
def add_member(request: Request, db: DbSession, user: AdminUser, form: Form):
    values = {k: str(form.get(k, "")).strip()[:100] for k in MEMBERSHIP_LABELS}
    try:
        membership = memberships.add(db, admin=user, **values)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, ADMIN_TEMPLATE, lambda errors, summary: (
            _memberships_context(db, values=values, errors=errors, summary=summary)))
    return redirect(request, "/admin/centrales", message=(
        f"{membership.member.name} est désormais membre de {membership.central.name}."))


@admin_router.post("/{membership_id}/retirer")
def remove_member(request: Request, db: DbSession, user: AdminUser, membership_id: RowId):
    membership = memberships.remove(db, admin=user, membership_id=membership_id)
    return redirect(request, "/admin/centrales", message=(
        f"{membership.member.name} n'est plus membre de {membership.central.name}."))


def _uses_context(db, contract, *, chosen=None, amounts=None, errors=None, summary=None,
                  read=None) -> dict:
    current = uses.uses_of(db, contract.id)
    by_member = {u.member_org_id: u for u in current}
    options = uses.choices(db, contract)
    return {"contract": contract, "options": options,
            "field_labels": {"members": "Membres", **{f"amount_{org.id}": f"Montant de {org.name}"
                                                      for org in options}},
            "chosen": set(by_member) if chosen is None else set(chosen),
            "amounts": amounts if amounts is not None else {
                org_id: u.amount_excl_vat for org_id, u in by_member.items()},
            "errors": errors or {}, "error_summary": summary,
            "marker": uses.marker(current) if read is None else read}


@router.get("/{contract_id}/membres")
def uses_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = uses.picker_contract(db, contract_id, user)
    return render(request, USES_TEMPLATE, _uses_context(db, contract), block="uses_form")


@router.post("/{contract_id}/membres")
def save_uses(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
              form: Form):
    contract = uses.picker_contract(db, contract_id, user)
    chosen = [org_id for raw in form.getlist("members") if (org_id := row_id(raw))]
    amounts = {org.id: str(form.get(f"amount_{org.id}", ""))[:40]
               for org in uses.choices(db, contract)}
    read = str(form.get("marker", ""))
    try:
        uses.save_uses(db, contract_id, buyer=user, chosen=chosen, amounts=amounts, read=read)
    except (Invalid, Conflict) as error:
        # The marker stays the one the form read: on a conflict, saving again cannot silently
        # overwrite the other agent's list (the page says to reload).
        return refused_form(request, db, error, USES_TEMPLATE, lambda errors, summary: (
            _uses_context(db, uses.picker_contract(db, contract_id, user), chosen=chosen,
                          amounts=amounts, errors=errors, summary=summary, read=read)),
            block="uses_form")
    return redirect(request, f"/acheteur/contrats/{contract_id}",
                    message="Membres qui utilisent ce contrat enregistrés.")
