"""`GET /api/v1/invoices` and `GET /api/v1/invoices/{id}`: a buyer reads its organisation's
invoices, a supplier its own (across buyers); the same rules as the pages."""

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from execution.payments import service as invoices
from execution.payments.models import Invoice
from execution.payments.schemas import InvoiceOut
from portal.api_errors import COMMON, error_responses
from portal.api_paging import ApiPage, PageOut
from portal.auth import ContractSideApiUser, DbSession
from portal.errors import Forbidden
from portal.models import User
from portal.web import RowId

router = APIRouter(prefix="/api/v1", tags=["invoices"], responses=COMMON)
ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Factures réservées aux acheteurs et aux entreprises",
    404: "Facture inconnue ou d'une autre organisation",
    422: "Paramètres invalides",
})
NOT_A_SIDE = "Les factures se lisent par l'acheteur ou par l'entreprise qui les a émises."


def _out(shown: invoices.Shown) -> InvoiceOut:
    i, d = shown.invoice, shown.delay
    return InvoiceOut(
        id=i.id, contract_id=i.contract_id, contract_reference=i.contract.reference,
        buyer=i.contract.buyer.name, supplier=i.supplier.name, number=i.number,
        received_on=i.received_on, amount_incl_vat=i.amount_incl_vat, paid_on=i.paid_on,
        suspended_days=i.suspended_days, suspension_reason=i.suspension_reason,
        source=i.source, status=i.status, delay_days=d.days,
        legal_delay_days=i.legal_delay_days, late_days=d.late_days, interest_rate=d.rate,
        interest_due_eur=d.interest, missing_rate=d.missing_rate, fee_due_eur=d.fee,
        interest_paid_eur=i.interest_paid_eur, fee_paid=i.fee_paid, version=i.version)


def _get(db: Session, invoice_id: int, user: User) -> Invoice:
    if user.is_supplier:
        return invoices.get_for_supplier(db, invoice_id, user)
    if user.is_buyer:
        return invoices.get_for_buyer(db, invoice_id, user)
    raise Forbidden(NOT_A_SIDE)


@router.get("/invoices", responses={k: ERRORS[k] for k in (401, 403, 422)},
            operation_id="invoices-list", summary="Factures et délais de paiement")
def list_invoices(db: DbSession, user: ContractSideApiUser, paging: ApiPage,
                  q: str = Query("", max_length=100, description="Numéro, marché ou entreprise"),
                  ) -> PageOut[InvoiceOut]:
    """The caller's invoices with their delay, the interest and fee due: a buyer's
    organisation's, a supplier's own."""
    if user.is_supplier:
        page = invoices.supplier_list(db, user, search=q, page=paging.page,
                                      per_page=paging.per_page)
    elif user.is_buyer:
        page = invoices.buyer_list(db, user, search=q, page=paging.page,
                                   per_page=paging.per_page)
    else:
        raise Forbidden(NOT_A_SIDE)
    return PageOut.of(page, [_out(s) for s in invoices.shown(db, page.items)])


@router.get("/invoices/{invoice_id}", responses={k: ERRORS[k] for k in (401, 403, 404, 422)},
            operation_id="invoices-get", summary="Une facture")
def get_invoice(invoice_id: RowId, db: DbSession, user: ContractSideApiUser) -> InvoiceOut:
    """One invoice of the caller's organisation."""
    return _out(invoices.shown(db, [_get(db, invoice_id, user)])[0])
