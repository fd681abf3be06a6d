"""Writing a batch of normalised records into the register: buyer and holder organisations
found or created by identifier, contracts created, updated or left alone (same fingerprint),
and what the database refuses (a holder that is a buyer) reported like any bad record."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from portal.audit import audit
from portal.contracts import set_holders
from portal.models import (
    Commitment,
    Contract,
    ContractKind,
    ContractModification,
    Frequency,
    Organisation,
    OrgKind,
    User,
)

from .normalise import Party, Problem, Record

AUDIT_COMMENT = "Import des données essentielles (DECP)"


def placeholder_name(kind: OrgKind, id_kind: str, ident: str) -> str:
    """The name of an organisation the file does not name (the 2024 format gives no holder
    name): replaced by the first real name an import or the organisation itself gives."""
    return f"{'Acheteur' if kind == OrgKind.buyer else 'Entreprise'} {id_kind} {ident}"


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, list[Problem]]] = field(default_factory=list)


class Organisations:
    """The batch's organisations, read in two statements and created at most once."""

    def __init__(self, db: Session, records: Iterable[Record]):
        self.db = db
        records = list(records)
        sirets = {r.buyer_siret for r in records}
        sirets |= {p.ident for r in records for p in r.holders if p.kind == "SIRET"}
        foreign = {p.ident for r in records for p in r.holders if p.kind != "SIRET"}
        self.by_siret = {o.siret: o for o in db.scalars(
            select(Organisation).where(Organisation.siret.in_(sirets)))} if sirets else {}
        self.by_foreign = {(o.foreign_id_kind, o.foreign_id): o for o in db.scalars(
            select(Organisation).where(Organisation.foreign_id.in_(foreign)))} if foreign else {}

    def existing(self, kind: str, ident: str) -> Organisation | None:
        return self.by_siret.get(ident) if kind == "SIRET" else \
            self.by_foreign.get((kind, ident))

    def get(self, org_kind: OrgKind, kind: str, ident: str, name: str | None) -> Organisation:
        organisation = self.existing(kind, ident)
        if organisation is None:
            organisation = Organisation(
                name=name or placeholder_name(org_kind, kind, ident), kind=org_kind,
                siret=ident if kind == "SIRET" else None,
                foreign_id_kind=None if kind == "SIRET" else kind,
                foreign_id=None if kind == "SIRET" else ident)
            self.db.add(organisation)
            if kind == "SIRET":
                self.by_siret[ident] = organisation
            else:
                self.by_foreign[(kind, ident)] = organisation
        elif name and organisation.name == placeholder_name(OrgKind(organisation.kind), kind,
                                                            ident):
            # A real name replaces the placeholder; a real name is never overwritten.
            organisation.name = name
        return organisation


def _kind_problems(orgs: Organisations, record: Record) -> list[Problem]:
    problems = []
    buyer = orgs.existing("SIRET", record.buyer_siret)
    if buyer is not None and buyer.kind != OrgKind.buyer:
        problems.append(Problem("acheteur.id", record.buyer_siret,
                                "ce SIRET est celui d'une entreprise inscrite sur le portail, "
                                "pas d'un acheteur"))
    for n, party in enumerate(record.holders, start=1):
        holder = orgs.existing(party.kind, party.ident)
        if party.kind == "SIRET" and party.ident == record.buyer_siret or \
                holder is not None and holder.kind != OrgKind.supplier:
            problems.append(Problem(f"titulaires[{n}].id", party.ident,
                                    "ce titulaire est enregistré sur le portail comme "
                                    "acheteur, pas comme entreprise"))
    return problems


def _unique(parties: list[Party]) -> list[Party]:
    return list({(p.kind, p.ident): p for p in reversed(parties)}.values())[::-1]


def _apply(contract: Contract, record: Record, holders: list[Organisation], *,
           keep_parties: bool) -> None:
    contract.reference, contract.object = record.reference, record.object
    contract.kind = ContractKind.concession if record.concession else ContractKind.market
    contract.nature, contract.cpv_code = record.nature, record.cpv_code
    contract.amount_excl_vat, contract.initial_amount = record.amount, record.initial_amount
    contract.duration_months = record.duration_months
    contract.notified_on, contract.starts_on = record.notified_on, record.starts_on
    contract.ends_on = record.ends_on
    contract.decp_facts = record.facts
    contract.decp_fingerprint = record.fingerprint
    if record.considerations is not None:
        for flag, value in record.considerations.items():
            setattr(contract, flag, value)
        if not contract.reserved:  # a basis the buyer typed stays unless no longer reserved
            contract.reserved_basis = None
    if not keep_parties:
        set_holders(contract, holders[0].id, [org.id for org in holders[1:]])
    # Rows kept by sequence (deleting and inserting the same sequence in one flush would
    # break the unique constraint).
    rows = {m.sequence: m for m in contract.modifications}
    for modification in record.modifications:
        row = rows.pop(modification.sequence, None)
        if row is None:
            row = ContractModification(sequence=modification.sequence)
            contract.modifications.append(row)
        row.notified_on, row.published_on = modification.notified_on, modification.published_on
        row.subject, row.amount = modification.subject, modification.amount
        row.duration_months, row.holders = modification.duration_months, modification.holders
    for row in rows.values():
        contract.modifications.remove(row)


def load_batch(db: Session, batch: list[tuple[int, Record]], *, actor: User | None) -> Outcome:
    """Writes the batch (flushed, not committed) and says what became of each record."""
    outcome = Outcome()
    if not batch:
        return outcome
    records = [record for _, record in batch]
    orgs = Organisations(db, records)
    keep: list[tuple[int, Record]] = []
    buyers: dict[str, Organisation] = {}
    holders: dict[int, list[Organisation]] = {}
    # Record after record: an organisation the batch creates as a buyer cannot be another
    # record's holder, nor the other way round.
    for position, record in batch:
        if problems := _kind_problems(orgs, record):
            outcome.rejected.append((position, record.reference, problems))
            continue
        keep.append((position, record))
        buyers[record.buyer_siret] = orgs.get(OrgKind.buyer, "SIRET", record.buyer_siret,
                                              record.buyer_name)
        holders[id(record)] = [orgs.get(OrgKind.supplier, p.kind, p.ident, p.name)
                               for p in _unique(record.holders)]
    db.flush()
    pairs = {(buyers[r.buyer_siret].id, r.reference) for _, r in keep}
    existing = {(c.buyer_org_id, c.reference): c for c in db.scalars(
        select(Contract).where(tuple_(Contract.buyer_org_id, Contract.reference).in_(pairs))
        .options(selectinload(Contract.parties), selectinload(Contract.modifications)))
    } if pairs else {}
    committed = set(db.scalars(select(Commitment.contract_id).where(
        Commitment.contract_id.in_([c.id for c in existing.values()])))) if existing else set()
    touched: list[tuple[Contract, str]] = []
    for _, record in keep:
        buyer = buyers[record.buyer_siret]
        contract = existing.get((buyer.id, record.reference))
        if contract is not None and contract.decp_fingerprint == record.fingerprint:
            outcome.unchanged += 1
            continue
        if contract is None:
            contract = Contract(buyer_org_id=buyer.id, frequency=Frequency.quarterly)
            db.add(contract)
            _apply(contract, record, holders[id(record)], keep_parties=False)
            touched.append((contract, "create"))
            outcome.created += 1
        else:
            # A contract the buyer already follows (commitments, hence declarations) keeps its
            # holders: changing them would hand its declarations to someone else.
            _apply(contract, record, holders[id(record)], keep_parties=contract.id in committed)
            touched.append((contract, "update"))
            outcome.updated += 1
    db.flush()
    for contract, action in touched:
        audit(db, actor, "contract", contract.id, action, to_status=contract.status,
              comment=AUDIT_COMMENT)
    db.flush()
    return outcome
