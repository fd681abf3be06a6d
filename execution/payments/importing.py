"""`portal import-invoices FILE --buyer SIRET`: invoices from a CSV export of the buyer's
accounting. The file is read as accounting software writes it: semicolon or comma, UTF-8 with or
without BOM or Latin-1, amounts « 12 345,67 », dates « 31/01/2025 » or « 2025-01-31 », stray
spaces (the DECP import's value parsers). Each bad line is reported with its number and the
reason; the good ones are imported. An invoice is known by its contract and its number: importing
the same file again changes nothing, and a newer export updates what changed of an invoice
already known (its payment date, suspension or amount: « mises à jour »). An invoice the buyer
rejected on the portal (declared by the holder) is left as it is, its line reported."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.decp.values import BadValue, amount, day, text
from execution.payments import service
from execution.payments.models import Invoice, InvoiceStatus, Source
from execution.payments.schemas import InvoiceForm
from portal.errors import Invalid, PortalError
from portal.identity import find_organisation_by_siret
from portal.models import Contract, OrgKind
from portal.schemas import date_from_text
from portal.siret import normalize, siret_error
from portal.validation import french_errors

MAX_BYTES = 20 * 1024 * 1024
# Column → accepted headers (compared without case, accents kept, spaces squeezed).
COLUMNS = {
    "contract": ("marche", "marché", "contrat", "reference marche", "référence marché"),
    "number": ("facture", "numero facture", "numéro facture", "n° facture"),
    "received_on": ("date reception", "date réception", "reçue le", "recue le"),
    "amount": ("montant ttc", "montant"),
    "paid_on": ("date paiement", "payée le", "payee le"),
    "suspended_days": ("jours suspendus", "suspension"),
    "suspension_reason": ("motif suspension", "motif"),
    # Optional: which awardee invoiced (a co-holder); empty or absent: the holder.
    "supplier_siret": ("siret_titulaire", "siret titulaire"),
}
REQUIRED = ("contract", "number", "received_on", "amount")


class UnreadableFile(Invalid):
    """The file cannot be imported at all."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (f"Factures importées : {self.created}, mises à jour : {self.updated}, "
                f"déjà présentes : {self.unchanged}, lignes rejetées : {len(self.rejected)}.")


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header_key(header: str) -> str | None:
    words = " ".join(header.replace("\ufeff", "").split()).lower()
    return next((key for key, names in COLUMNS.items() if words in names), None)


def _day(value: str | None):
    try:
        return day(date_from_text(value or ""))
    except BadValue as bad:
        raise BadValue(bad.reason.replace("au format AAAA-MM-JJ",
                                          "au format JJ/MM/AAAA ou AAAA-MM-JJ")) from None


def read_rows(content: str) -> tuple[dict[int, str], list[tuple[int, list[str]]]]:
    """(column index → key, [(line number, cells)]) ; the delimiter is the one of the header."""
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("Le fichier est vide.") from None
    columns = {n: key for n, name in enumerate(header) if (key := _header_key(name))}
    missing = [key for key in REQUIRED if key not in columns.values()]
    if missing:
        names = ", ".join(f"« {COLUMNS[key][0]} »" for key in missing)
        raise UnreadableFile(f"Colonnes manquantes dans l'en-tête : {names} (voir le README).")
    return columns, [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]


def _form(values: dict[str, str]) -> InvoiceForm:
    data = {"number": text(values.get("number")) or "",
            "received_on": _parsed("date de réception", _day, values.get("received_on")),
            "amount_incl_vat": _parsed("montant", amount, values.get("amount")),
            "paid_on": _parsed("date de paiement", _day, values.get("paid_on")),
            "suspended_days": "".join((values.get("suspended_days") or "0").split()) or "0",
            "suspension_reason": text(values.get("suspension_reason"))}
    if data["amount_incl_vat"] is None:
        raise BadValue("montant manquant")
    if data["received_on"] is None:
        raise BadValue("date de réception manquante")
    try:
        return InvoiceForm(**data)
    except ValidationError as error:
        key, message = next(iter(french_errors(error).items()))
        raise BadValue(f"{key} : {message}") from None


def _supplier(db: Session, siret: str | None) -> int | None:
    """The organisation a « siret_titulaire » names (the service checks it is an awardee)."""
    siret = (siret or "").strip()
    if not siret:
        return None
    if message := siret_error(siret):
        raise BadValue(f"siret_titulaire « {siret[:20]} » : {message}")
    found = find_organisation_by_siret(db, normalize(siret))
    if found is None:
        raise BadValue(f"aucune entreprise n'a le SIRET « {siret} »")
    return found.id


def _parsed(what: str, parse, value):
    try:
        return parse(value)
    except BadValue as bad:
        raise BadValue(f"{what} « {(value or '').strip()[:40]} » : {bad.reason}") from None


def import_invoices(db: Session, raw: bytes, *, buyer_siret: str) -> ImportResult:
    if message := siret_error(buyer_siret):
        raise UnreadableFile(f"--buyer : {message}")
    buyer = find_organisation_by_siret(db, normalize(buyer_siret))
    if buyer is None or buyer.kind != OrgKind.buyer:
        raise UnreadableFile(f"Aucun acheteur n'a le SIRET « {buyer_siret} ».")
    columns, rows = read_rows(decode(raw))
    contracts = {c.reference.strip().lower(): c for c in db.scalars(
        select(Contract).where(Contract.buyer_org_id == buyer.id))}
    known = {(invoice.contract_id, invoice.number): invoice for invoice in db.scalars(
        select(Invoice).where(Invoice.buyer_org_id == buyer.id))}
    result = ImportResult()
    for line, cells in rows:
        values = {key: cells[n] if n < len(cells) else "" for n, key in columns.items()}
        try:
            reference = text(values.get("contract")) or ""
            contract = contracts.get(reference.lower())
            if contract is None:
                raise BadValue(f"aucun marché de l'acheteur n'a la référence « {reference} »")
            data = _form(values)
            existing = known.get((contract.id, data.number))
            if existing is None:
                data.supplier_org_id = _supplier(db, values.get("supplier_siret"))
                known[(contract.id, data.number)] = service.create(
                    db, actor=None, contract=contract, data=data, source=Source.imported)
                result.created += 1
            elif existing.status == InvoiceStatus.rejected:
                raise BadValue(f"facture {data.number} rejetée sur le portail : non modifiée")
            elif service.update_from_import(db, invoice=existing, data=data):
                result.updated += 1
            else:
                result.unchanged += 1
        except BadValue as bad:
            result.rejected.append((line, bad.reason))
        except PortalError as refused:
            result.rejected.append((line, refused.message))
    return result


def read_file(path: Path) -> bytes:
    if not path.is_file():
        raise UnreadableFile(f"fichier introuvable : {path}")
    if path.stat().st_size > MAX_BYTES:
        raise UnreadableFile("fichier trop volumineux (20 Mo au plus).")
    return path.read_bytes()
