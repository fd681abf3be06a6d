"""The contracts executed during the year, for the annual report: a summary the PDF prints (by
nature, by commitment, the contracts with the most insertion hours) in grouped statements, and
the full list as a CSV/XLSX annex written by execution.indicators.exports (same formats and the same
protection against formulas as every other export).

A PDF table of thousands of rows took WeasyPrint about a minute to lay out, for a list nobody
reads on paper: the PDF keeps the figures, the spreadsheet keeps the rows.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from execution.indicators import queries as q
from execution.indicators.export_data import Column, Dataset
from portal import labels
from portal.models import (
    Commitment,
    CommitmentKind,
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
)
from portal.money import cents
from supplier.kinds import HANDLERS
from supplier.models import Declaration, InsertionLine, Status

TOP = 10  # contracts listed by name in the PDF


def executed_in(year: int, *, start: date | None = None,
                end: date | None = None) -> ColumnElement[bool]:
    """Contracts executed during the year (or from ``start`` to ``end``, a semester of the
    exports): started before its end, not ended (contractual end or early closing) before its
    start."""
    start, end = start or date(year, 1, 1), end or date(year, 12, 31)
    return and_(Contract.starts_on <= end, Contract.ends_on >= start,
                or_(Contract.closed_on.is_(None), Contract.closed_on >= start))


def _in_scope(scope: q.Scope) -> list[ColumnElement[bool]]:
    return [executed_in(scope.year, start=scope.first_day, end=scope.last_day),
            scope.of_buyer()]


def _hours_of_year(scope: q.Scope):
    """Validated insertion hours of the declarations whose period starts in the scope's period
    (the year of the report, or the semester of an export), per contract of the scope."""
    query = (select(Commitment.contract_id.label("contract_id"),
                    func.sum(InsertionLine.hours).label("hours"))
             .join(Declaration, Declaration.commitment_id == Commitment.id)
             .join(InsertionLine, InsertionLine.declaration_id == Declaration.id)
             .where(Commitment.kind == CommitmentKind.insertion_hours,
                    Declaration.status == Status.validated,
                    scope.in_period(Declaration.period_start))
             .group_by(Commitment.contract_id))
    if scope.buyer_org_id is not None:
        query = query.where(Commitment.contract_id.in_(
            select(Contract.id).where(scope.of_buyer())))
    return query.subquery()


@dataclass(frozen=True)
class SummaryRow:
    label: str
    contracts: int
    amount: Decimal | None = None
    hours: Decimal | None = None


@dataclass(frozen=True)
class TopContract:
    reference: str
    object: str
    buyer: str
    holder: str | None
    hours: Decimal


@dataclass(frozen=True)
class Summary:
    contracts: int
    amount: Decimal
    hours: Decimal
    by_nature: list[SummaryRow]
    by_commitment: list[SummaryRow]
    top: list[TopContract]


def summary(db: Session, scope: q.Scope) -> Summary:
    hours = _hours_of_year(scope)
    by_nature = [
        SummaryRow(labels.NATURES.get(nature, nature), int(n), cents(amount), cents(done))
        for nature, n, amount, done in db.execute(
            select(Contract.nature, func.count(), func.sum(Contract.amount_excl_vat),
                   func.sum(hours.c.hours))
            .outerjoin(hours, hours.c.contract_id == Contract.id)
            .where(*_in_scope(scope)).group_by(Contract.nature).order_by(Contract.nature))]
    by_commitment = [
        SummaryRow(HANDLERS[kind].label if kind in HANDLERS else kind, int(n))
        for kind, n in db.execute(
            select(Commitment.kind, func.count(func.distinct(Contract.id)))
            .join(Commitment, Commitment.contract_id == Contract.id)
            .where(*_in_scope(scope)).group_by(Commitment.kind).order_by(Commitment.kind))]
    buyer, party, holder = aliased(Organisation), aliased(ContractParty), aliased(Organisation)
    top = [TopContract(reference, obj, buyer_name, holder_name, cents(done))
           for reference, obj, buyer_name, holder_name, done in db.execute(
               select(Contract.reference, Contract.object, buyer.name, holder.name,
                      hours.c.hours)
               .join(hours, hours.c.contract_id == Contract.id)
               .join(buyer, buyer.id == Contract.buyer_org_id)
               .outerjoin(party, and_(party.contract_id == Contract.id,
                                      party.role == PartyRole.holder))
               .outerjoin(holder, holder.id == party.organisation_id)
               .where(*_in_scope(scope), hours.c.hours > 0)
               .order_by(hours.c.hours.desc(), Contract.reference).limit(TOP))]
    return Summary(sum(r.contracts for r in by_nature),
                   sum((r.amount for r in by_nature), Decimal("0.00")),
                   sum((r.hours for r in by_nature), Decimal("0.00")),
                   by_nature, by_commitment, top)


def contracts_dataset(db: Session, scope: q.Scope) -> Dataset:
    """The annex: every contract executed in the year, one statement."""
    hours = _hours_of_year(scope)
    buyer, party, holder = aliased(Organisation), aliased(ContractParty), aliased(Organisation)
    flags = [getattr(Contract, name) for name in labels.CONSIDERATIONS]
    rows = db.execute(
        select(buyer.name, Contract.reference, Contract.object, holder.name, Contract.kind,
               Contract.nature, Contract.amount_excl_vat, Contract.notified_on,
               Contract.starts_on, Contract.end_date, *flags, hours.c.hours)
        .join(buyer, buyer.id == Contract.buyer_org_id)
        .outerjoin(party, and_(party.contract_id == Contract.id, party.role == PartyRole.holder))
        .outerjoin(holder, holder.id == party.organisation_id)
        .outerjoin(hours, hours.c.contract_id == Contract.id)
        .where(*_in_scope(scope)).order_by(Contract.reference, Contract.id))
    considered = list(labels.CONSIDERATIONS.values())
    n = len(flags)
    return Dataset("contrats", "Contrats de l'année", [
        Column("Acheteur"), Column("Référence du contrat"), Column("Objet du contrat"),
        Column("Titulaire"), Column("Type"), Column("Nature"), Column("Montant HT", "decimal"),
        Column("Notifié le", "date"), Column("Début d'exécution", "date"),
        Column("Fin d'exécution", "date"), Column("Considérations"),
        Column(f"Heures d'insertion validées {scope.period.during}", "decimal")],
        [[buyer_name, reference, obj, holder_name, labels.KINDS.get(kind, kind),
          labels.NATURES.get(nature, nature), cents(amount), notified, starts, ends,
          ", ".join(label for label, on in zip(considered, row[:n], strict=True) if on)
          or "Aucune", cents(row[n]) if row[n] is not None else None]
         for buyer_name, reference, obj, holder_name, kind, nature, amount, notified, starts,
         ends, *row in rows])
