"""Invoice pages: the buyer's (a contract's invoices, the organisation's list, the edit form,
confirming what a holder declared) and the supplier's (its invoices across buyers, declaring an
unpaid one). Thin: parse, call execution.payments.service, render."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution.payments import service as invoices
from execution.payments.models import SOURCE_LABELS, STATUS_LABELS, Invoice
from execution.payments.schemas import InvoiceForm
from portal.auth import BuyerUser, DbSession, SupplierUser
from portal.errors import Invalid, PortalError
from portal.formatting import number_input
from portal.pagination import page_number
from portal.validation import row_id
from portal.web import RowId, form_version, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
CONTRACT_PAGE = "execution/payments/contract.html"
EDIT_PAGE = "execution/payments/edit.html"
DECLARE_PAGE = "execution/payments/declare.html"
FIELDS = ("number", "received_on", "amount_incl_vat", "paid_on", "suspended_days",
          "suspension_reason", "interest_paid_eur", "fee_paid", "supplier_org_id")
LABELS = {"number": "Numéro de facture", "received_on": "Reçue le",
          "amount_incl_vat": "Montant TTC", "paid_on": "Payée le",
          "suspended_days": "Jours de suspension", "suspension_reason": "Motif de la suspension",
          "interest_paid_eur": "Intérêts moratoires payés", "fee_paid": "Indemnité payée",
          "contract_id": "Contrat", "supplier_org_id": "Titulaire qui a émis la facture"}
COMMON = {"field_labels": LABELS, "invoice_source_labels": SOURCE_LABELS,
          "invoice_status_labels": STATUS_LABELS}


def _typed(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name) or "")[:2000] for name in FIELDS}


def _parse(values: dict[str, str]) -> InvoiceForm:
    return InvoiceForm.model_validate({k: v for k, v in values.items()
                                       if k != "fee_paid" or v})


def _values_of(invoice: Invoice) -> dict[str, str]:
    return {"number": invoice.number, "received_on": invoice.received_on.isoformat(),
            "amount_incl_vat": number_input(invoice.amount_incl_vat, 2),
            "paid_on": invoice.paid_on.isoformat() if invoice.paid_on else "",
            "suspended_days": str(invoice.suspended_days),
            "suspension_reason": invoice.suspension_reason or "",
            "interest_paid_eur": number_input(invoice.interest_paid_eur, 2)
            if invoice.interest_paid_eur is not None else "",
            "fee_paid": "on" if invoice.fee_paid else ""}


# --- Buyer ------------------------------------------------------------------------------------

def _contract_context(db, user, contract_id, *, values=None, errors=None, summary=None):
    contract = invoices.editable_contract(db, contract_id, user)
    return {**COMMON, "contract": contract,
            "awardee_options": [(o.id, o.name) for o in invoices.awardees(contract)],
            "rows": invoices.shown(db, invoices.contract_invoices(db, contract)),
            "legal_max": invoices.legal_max(db, contract.buyer_org_id),
            "values": values or {}, "errors": errors or {}, "error_summary": summary}


@router.get("/acheteur/contrats/{contract_id}/factures")
def contract_invoices_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    return render(request, CONTRACT_PAGE, _contract_context(db, user, contract_id))


@router.post("/acheteur/contrats/{contract_id}/factures")
def add_invoice(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                form: Form):
    values = _typed(form)
    try:
        contract = invoices.editable_contract(db, contract_id, user)
        invoice = invoices.create(db, actor=user, contract=contract, data=_parse(values))
    except (ValidationError, Invalid) as error:
        return refused_form(request, db, error, CONTRACT_PAGE, lambda errors, summary: (
            _contract_context(db, user, contract_id, values=values, errors=errors,
                              summary=summary)), block="invoice_form")
    return redirect(request, f"/acheteur/contrats/{contract_id}/factures",
                    message=f"Facture {invoice.number} enregistrée.")


@router.get("/acheteur/factures")
def buyer_invoices_page(request: Request, db: DbSession, user: BuyerUser, q: str = "",
                        etat: str = "", page: str | None = None):
    search, state = q.strip()[:100], etat if etat in invoices.STATES else ""
    found = invoices.buyer_list(db, user, search=search, state=state, page=page_number(page))
    query = urlencode({k: v for k, v in (("q", search), ("etat", state)) if v})
    return render(request, "execution/payments/buyer_list.html", {
        **COMMON, "page": found, "rows": invoices.shown(db, found.items), "q": search,
        "state": state, "states": invoices.STATES,
        "base": "/acheteur/factures" + (f"?{query}" if query else "")}, block="results")


def _edit_context(db, user, invoice_id, *, values=None, errors=None, summary=None):
    invoice = invoices.get_for_buyer(db, invoice_id, user)
    return {**COMMON, "invoice": invoice, "shown": invoices.shown(db, [invoice])[0],
            "values": values or _values_of(invoice), "errors": errors or {},
            "error_summary": summary}


@router.get("/acheteur/factures/{invoice_id}")
def invoice_page(request: Request, db: DbSession, user: BuyerUser, invoice_id: RowId):
    return render(request, EDIT_PAGE, _edit_context(db, user, invoice_id))


@router.post("/acheteur/factures/{invoice_id}")
def update_invoice(request: Request, db: DbSession, user: BuyerUser, invoice_id: RowId,
                   form: Form):
    values = _typed(form)
    try:
        invoice = invoices.update(db, actor=user, invoice_id=invoice_id, data=_parse(values),
                                  version=form_version(form))
    except (ValidationError, PortalError) as error:
        if isinstance(error, PortalError) and error.status_code in (403, 404):
            raise
        return refused_form(request, db, error, EDIT_PAGE, lambda errors, summary: (
            _edit_context(db, user, invoice_id, values=values, errors=errors,
                          summary=summary)), block="invoice_edit_form")
    return redirect(request, f"/acheteur/factures/{invoice.id}",
                    message=f"Facture {invoice.number} enregistrée.")


def _decide(request, db, user, invoice_id, form, *, confirm: bool):
    invoice = invoices.decide(db, actor=user, invoice_id=invoice_id, version=form_version(form),
                              confirm=confirm)
    verb = "confirmée" if confirm else "rejetée"
    return redirect(request, "/acheteur/factures?etat=a-confirmer",
                    message=f"Facture {invoice.number} {verb}.")


@router.post("/acheteur/factures/{invoice_id}/confirmer")
def confirm_invoice(request: Request, db: DbSession, user: BuyerUser, invoice_id: RowId,
                    form: Form):
    return _decide(request, db, user, invoice_id, form, confirm=True)


@router.post("/acheteur/factures/{invoice_id}/rejeter")
def reject_invoice(request: Request, db: DbSession, user: BuyerUser, invoice_id: RowId,
                   form: Form):
    return _decide(request, db, user, invoice_id, form, confirm=False)


# --- Supplier ---------------------------------------------------------------------------------

@router.get("/fournisseur/factures")
def supplier_invoices_page(request: Request, db: DbSession, user: SupplierUser, q: str = "",
                           page: str | None = None):
    search = q.strip()[:100]
    found = invoices.supplier_list(db, user, search=search, page=page_number(page))
    return render(request, "execution/payments/supplier_list.html", {
        **COMMON, "page": found, "rows": invoices.shown(db, found.items), "q": search,
        "base": "/fournisseur/factures" + (f"?{urlencode({'q': search})}" if search else "")},
        block="results")


def _declare_context(db, user, *, values=None, errors=None, summary=None):
    return {**COMMON, "contract_options": [(c.id, f"{c.reference} — {c.buyer.name}")
                                           for c in invoices.holder_contracts(db, user)],
            "values": values or {}, "errors": errors or {}, "error_summary": summary}


@router.get("/fournisseur/factures/declarer")
def declare_page(request: Request, db: DbSession, user: SupplierUser):
    return render(request, DECLARE_PAGE, _declare_context(db, user))


@router.post("/fournisseur/factures/declarer")
def declare_invoice(request: Request, db: DbSession, user: SupplierUser, form: Form):
    values = {**_typed(form), "contract_id": str(form.get("contract_id") or "")[:20]}
    try:
        contract_id = row_id(values["contract_id"])
        if contract_id is None:
            raise Invalid("Choisissez le contrat de la facture.",
                          field_errors={"contract_id": "Choisissez le contrat de la facture."})
        invoice = invoices.declare(db, actor=user, contract_id=contract_id, data=_parse(
            {k: v for k, v in values.items() if k in FIELDS}))
    except (ValidationError, Invalid) as error:
        return refused_form(request, db, error, DECLARE_PAGE, lambda errors, summary: (
            _declare_context(db, user, values=values, errors=errors, summary=summary)),
            block="invoice_declare_form")
    return redirect(request, f"/fournisseur/factures/{invoice.id}", message=(
        f"Facture {invoice.number} déclarée : l'acheteur doit maintenant la confirmer."))


@router.get("/fournisseur/factures/{invoice_id}")
def supplier_invoice_page(request: Request, db: DbSession, user: SupplierUser,
                          invoice_id: RowId):
    invoice = invoices.get_for_supplier(db, invoice_id, user)
    return render(request, "execution/payments/supplier_invoice.html", {
        **COMMON, "shown": invoices.shown(db, [invoice])[0], "invoice": invoice})
