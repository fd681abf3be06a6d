"""Invoices of a contract: entered by the buyer's agents, declared unpaid by the holder (the buyer
confirms or rejects), read by each side. Services take plain values, flush, never commit; each
change is audited."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from execution.indicators.buyer_config import effective_settings
from execution.payments import rules
from execution.payments import sql as payment_sql
from execution.payments.models import EcbRate, Invoice, InvoiceStatus, Source
from execution.payments.schemas import InvoiceForm
from portal.audit import audit
from portal.clock import today
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.models import Contract, ContractParty, Organisation, PartyRole, User
from portal.pagination import PER_PAGE, Page, contains_text, paginate, search_words
from portal.permissions import get_visible_contract, is_filer, is_reviewer

NOT_FOUND = "Cette facture n'existe pas ou vous n'y avez pas accès."
STALE = ("Cette facture a été modifiée entre-temps ; rechargez la page pour voir sa version "
         "actuelle.")
DUPLICATE = "Une facture porte déjà ce numéro sur ce contrat."
BUYERS_ONLY = "Seuls les agents de l'acheteur du contrat saisissent ses factures."
HOLDER_ONLY = "Seul le titulaire du contrat déclare une facture impayée."
NO_HOLDER = "Ce contrat n'a pas de titulaire : ses factures ne peuvent pas être saisies."
NOT_AN_AWARDEE = "Choisissez le titulaire ou un cotitulaire de ce contrat."
STATES = {"": "Toutes", "retard": "En retard", "impayees": "Non payées",
          "a-confirmer": "À confirmer"}


def ecb_rates(db: Session) -> dict[date, Decimal]:
    """Every rate entered, by half-year: a few rows a year, read once per page."""
    return {start: Decimal(str(rate)) for start, rate in
            db.execute(select(EcbRate.half_year_start, EcbRate.rate))}


def legal_max(db: Session, buyer_org_id: int) -> int:
    """The buyer's legal maximum payment delay (its own setting, else the instance's)."""
    return effective_settings(db, buyer_org_id).payment_delay_days


def figures(invoice: Invoice, rates: dict[date, Decimal], on: date | None = None) -> rules.Delay:
    return rules.delay(received_on=invoice.received_on, paid_on=invoice.paid_on,
                       today=on or today(), suspended_days=invoice.suspended_days,
                       legal_max=invoice.legal_delay_days, amount=invoice.amount_incl_vat,
                       ecb_rates=rates)


@dataclass(frozen=True)
class Shown:
    """An invoice and its delay, interest and fee, as the lists show them."""

    invoice: Invoice
    delay: rules.Delay


def shown(db: Session, invoices: list[Invoice]) -> list[Shown]:
    rates = ecb_rates(db)
    return [Shown(invoice, figures(invoice, rates)) for invoice in invoices]


# --- Reading ----------------------------------------------------------------------------------

def get_for_buyer(db: Session, invoice_id: int, user: User) -> Invoice:
    invoice = db.get(Invoice, invoice_id)
    if invoice is None or not (user.is_admin or (user.is_buyer and invoice.buyer_org_id
                                                 == user.organisation_id)):
        raise NotFound(NOT_FOUND)
    return invoice


def get_for_supplier(db: Session, invoice_id: int, user: User) -> Invoice:
    invoice = db.get(Invoice, invoice_id)
    if invoice is None or not user.is_supplier or invoice.supplier_org_id != user.organisation_id:
        raise NotFound(NOT_FOUND)
    return invoice


def editable_contract(db: Session, contract_id: int, user: User) -> Contract:
    contract = get_visible_contract(db, contract_id, user)
    if not is_reviewer(user, contract):
        raise Forbidden(BUYERS_ONLY)
    return contract


def _searched(query, search: str):
    if words := search_words(search):
        return query.where(contains_text(words, Invoice.number, Contract.reference,
                                         Organisation.name))
    return query


def _listed():
    return (select(Invoice).join(Invoice.contract).join(Invoice.supplier)
            .order_by(Invoice.received_on.desc(), Invoice.id.desc()))


def buyer_list(db: Session, user: User, *, search: str = "", state: str = "",
               page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The buyer organisation's invoices, newest first; ``state``: a key of STATES."""
    query = _searched(_listed().where(Invoice.buyer_org_id == user.organisation_id), search)
    on = today()
    if state == "retard":
        query = query.where(Invoice.status == InvoiceStatus.confirmed,
                            payment_sql.is_late(on))
    elif state == "impayees":
        query = query.where(Invoice.status == InvoiceStatus.confirmed,
                            Invoice.paid_on.is_(None))
    elif state == "a-confirmer":
        query = query.where(Invoice.status == InvoiceStatus.pending)
    else:
        query = query.where(Invoice.status != InvoiceStatus.rejected)
    return paginate(db, query, page=page, per_page=per_page)


def supplier_list(db: Session, user: User, *, search: str = "", page: int = 1,
                  per_page: int = PER_PAGE) -> Page:
    """The supplier organisation's own invoices, whatever the buyer."""
    return paginate(db, _searched(_listed().where(
        Invoice.supplier_org_id == user.organisation_id), search), page=page,
        per_page=per_page)


def contract_invoices(db: Session, contract: Contract) -> list[Invoice]:
    return list(db.scalars(_listed().where(Invoice.contract_id == contract.id)))


# --- Changes ----------------------------------------------------------------------------------

def _refuse(field: str, message: str) -> NoReturn:
    raise Invalid(message, field_errors={field: message})


def check_dates(data: InvoiceForm) -> None:
    """What no invoice can say, typed or imported (one rule): a payment before receipt or in
    the future, more days suspended than have passed (the delay would be negative)."""
    on = today()
    if data.paid_on is not None and data.paid_on < data.received_on:
        _refuse("paid_on", "La date de paiement précède la date de réception.")
    if data.received_on > on:
        _refuse("received_on", "La date de réception est dans le futur.")
    if data.paid_on is not None and data.paid_on > on:
        _refuse("paid_on", "La date de paiement est dans le futur.")
    elapsed = ((data.paid_on or on) - data.received_on).days
    if data.suspended_days > elapsed:
        until = "au paiement" if data.paid_on is not None else "à aujourd'hui"
        _refuse("suspended_days", f"Les jours de suspension ({data.suspended_days}) dépassent "
                f"les {elapsed} jours écoulés de la réception {until}.")


def _apply(invoice: Invoice, data: InvoiceForm) -> None:
    invoice.number, invoice.received_on = data.number, data.received_on
    invoice.amount_incl_vat, invoice.paid_on = data.amount_incl_vat, data.paid_on
    invoice.suspended_days = data.suspended_days
    invoice.suspension_reason = data.suspension_reason if data.suspended_days else None
    invoice.interest_paid_eur, invoice.fee_paid = data.interest_paid_eur, data.fee_paid
    invoice.rate_half_year = rules.half_year_start(rules.interest_start(
        data.received_on, data.suspended_days, invoice.legal_delay_days))


def _flush(db: Session) -> None:
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError:
        raise Invalid(DUPLICATE, field_errors={"number": DUPLICATE}) from None


def awardees(contract: Contract) -> list[Organisation]:
    """Who may have invoiced: the holder first, then the co-holders."""
    holder = contract.holder
    return ([holder] if holder is not None else []) + contract.co_holders


def invoicing_awardee(contract: Contract, wanted: int | None) -> Organisation:
    """The awardee the invoice is from: the one chosen, else the holder."""
    if contract.holder is None:
        raise Invalid(NO_HOLDER)
    if wanted is None:
        return contract.holder
    found = next((o for o in awardees(contract) if o.id == wanted), None)
    if found is None:
        _refuse("supplier_org_id", NOT_AN_AWARDEE)
    return found


def create(db: Session, *, actor: User | None, contract: Contract, data: InvoiceForm,
           source: Source = Source.buyer) -> Invoice:
    supplier = invoicing_awardee(contract, data.supplier_org_id)
    check_dates(data)
    invoice = Invoice(contract_id=contract.id, buyer_org_id=contract.buyer_org_id,
                      supplier_org_id=supplier.id, source=source,
                      status=InvoiceStatus.confirmed,
                      legal_delay_days=legal_max(db, contract.buyer_org_id),
                      created_by_id=actor.id if actor else None)
    _apply(invoice, data)
    db.add(invoice)
    _flush(db)
    audit(db, actor, "invoice", invoice.id, "create", to_status=invoice.status,
          comment=f"{source} {invoice.number}")
    return invoice


def update(db: Session, *, actor: User, invoice_id: int, data: InvoiceForm,
           version: int) -> Invoice:
    invoice = get_for_buyer(db, invoice_id, actor)
    if not actor.is_buyer:
        raise Forbidden(BUYERS_ONLY)
    if invoice.version != version:
        raise Conflict(STALE)
    check_dates(data)
    _apply(invoice, data)
    _flush(db)
    audit(db, actor, "invoice", invoice.id, "update", to_status=invoice.status)
    return invoice


def update_from_import(db: Session, *, invoice: Invoice, data: InvoiceForm) -> bool:
    """What a newer accounting export says of an invoice already known: its receipt, amount,
    payment date and suspension. Whether the interest and fee were paid is the buyer's to
    type (kept), and an export without a payment date never erases one already entered (an
    older export imported again must not undo a payment). Audited, version bumped; False
    when nothing changed."""
    data = data.model_copy(update={
        "paid_on": data.paid_on or invoice.paid_on,
        "suspension_reason": data.suspension_reason or invoice.suspension_reason,
        "interest_paid_eur": invoice.interest_paid_eur, "fee_paid": invoice.fee_paid})
    if (invoice.received_on, invoice.amount_incl_vat, invoice.paid_on,
            invoice.suspended_days) == (data.received_on, data.amount_incl_vat, data.paid_on,
                                        data.suspended_days):
        return False
    check_dates(data)
    _apply(invoice, data)
    _flush(db)
    audit(db, None, "invoice", invoice.id, "update", to_status=invoice.status,
          comment=f"{Source.imported} {invoice.number}")
    return True


def declare(db: Session, *, actor: User, contract_id: int, data: InvoiceForm) -> Invoice:
    """The holder says an invoice is unpaid: pending until the buyer confirms it. What it says
    of payment and interest is the buyer's to fill, so it is ignored."""
    contract = get_visible_contract(db, contract_id, actor)
    if not is_filer(actor, contract):
        raise Forbidden(HOLDER_ONLY)
    data = data.model_copy(update={"paid_on": None, "interest_paid_eur": None,
                                   "fee_paid": False, "suspended_days": 0})
    check_dates(data)
    invoice = Invoice(contract_id=contract.id, buyer_org_id=contract.buyer_org_id,
                      supplier_org_id=actor.organisation_id, source=Source.holder,
                      status=InvoiceStatus.pending,
                      legal_delay_days=legal_max(db, contract.buyer_org_id),
                      created_by_id=actor.id)
    _apply(invoice, data)
    db.add(invoice)
    _flush(db)
    audit(db, actor, "invoice", invoice.id, "declare", to_status=invoice.status)
    return invoice


def decide(db: Session, *, actor: User, invoice_id: int, version: int, confirm: bool) -> Invoice:
    """The buyer confirms a declared invoice (it then counts) or rejects it."""
    invoice = get_for_buyer(db, invoice_id, actor)
    if not actor.is_buyer:
        raise Forbidden(BUYERS_ONLY)
    if invoice.version != version:
        raise Conflict(STALE)
    if invoice.status != InvoiceStatus.pending:
        raise Conflict("Cette facture n'attend pas de confirmation.")
    before = invoice.status
    invoice.status = InvoiceStatus.confirmed if confirm else InvoiceStatus.rejected
    db.flush()
    audit(db, actor, "invoice", invoice.id, "confirm" if confirm else "reject",
          from_status=before, to_status=invoice.status)
    return invoice


def holder_contracts(db: Session, user: User) -> list[Contract]:
    """The contracts the supplier holds: those it may declare an invoice on."""
    return list(db.scalars(select(Contract).join(ContractParty).where(
        ContractParty.organisation_id == user.organisation_id,
        ContractParty.role == PartyRole.holder).order_by(Contract.reference)).unique())
