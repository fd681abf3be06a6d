"""What the OCDS export reads, in a fixed number of statements whatever the number of contracts
and declarations: the contracts, then each related table once for the whole buyer, grouped by
contract here (no lazy load, no IN list that grows with the contracts)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.documents import Document
from portal.models import (
    Commitment,
    CommitmentKind,
    Contract,
    ContractModification,
    ContractParty,
    Organisation,
)
from supplier.csr import REPORT_ROLE
from supplier.kinds.concession import ANNEX_ROLE
from supplier.models import Attachment, Declaration, Status

# The reports whose validated documents the export lists (the CSR report's PDF, the concession
# report's annexes).
REPORT_DOCUMENTS = ((CommitmentKind.csr_report, REPORT_ROLE),
                    (CommitmentKind.concession_report, ANNEX_ROLE))


@dataclass(frozen=True)
class DeclarationRow:
    id: int
    kind: str
    subject: str
    period_start: date
    period_end: date
    due_on: date
    status: str
    reviewed_at: datetime | None
    updated_at: datetime
    is_overdue: bool  # Declaration.is_overdue, the portal's one rule, read in SQL


@dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: str
    filename: str
    content_type: str
    period_start: date
    validated_at: datetime | None


@dataclass
class ContractRows:
    contract: Contract
    parties: list[ContractParty] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    modifications: list[ContractModification] = field(default_factory=list)
    declarations: list[DeclarationRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)

    def has(self, kind: str) -> bool:
        return any(c.kind == kind for c in self.commitments)


def contract_rows(db: Session, buyer: Organisation) -> list[ContractRows]:
    """The buyer's contracts with everything the export writes about them, in seven statements."""
    mine = Contract.buyer_org_id == buyer.id
    rows = {c.id: ContractRows(c) for c in db.scalars(
        select(Contract).where(mine).order_by(Contract.id))}
    for party in db.scalars(select(ContractParty).join(Contract).where(mine)
                            .order_by(ContractParty.id)):
        rows[party.contract_id].parties.append(party)
    for commitment in db.scalars(select(Commitment).join(Contract).where(mine)
                                 .order_by(Commitment.id)):
        rows[commitment.contract_id].commitments.append(commitment)
    for modification in db.scalars(select(ContractModification).join(Contract).where(mine)
                                   .order_by(ContractModification.sequence)):
        rows[modification.contract_id].modifications.append(modification)
    for contract_id, declaration in _declarations(db, buyer).items():
        rows[contract_id].declarations.extend(declaration)
    for contract_id, documents in _documents(db, buyer).items():
        rows[contract_id].documents.extend(documents)
    return list(rows.values())


def _declarations(db: Session, buyer: Organisation) -> dict[int, list[DeclarationRow]]:
    found: dict[int, list[DeclarationRow]] = defaultdict(list)
    statement = (
        select(Commitment.contract_id, Declaration.id, Commitment.kind, Declaration.subject,
               Declaration.period_start, Declaration.period_end, Declaration.due_on,
               Declaration.status, Declaration.reviewed_at, Declaration.updated_at,
               Declaration.is_overdue)
        .join(Commitment, Declaration.commitment_id == Commitment.id)
        .join(Contract, Commitment.contract_id == Contract.id)
        .where(Contract.buyer_org_id == buyer.id)
        .order_by(Commitment.contract_id, Declaration.due_on, Declaration.id))
    for contract_id, *values in db.execute(statement):
        found[contract_id].append(DeclarationRow(*values))
    return found


def _documents(db: Session, buyer: Organisation) -> dict[int, list[DocumentRow]]:
    """The documents of the validated reports: nothing a buyer has not accepted is listed."""
    found: dict[int, list[DocumentRow]] = defaultdict(list)
    for kind, role in REPORT_DOCUMENTS:
        statement = (
            select(Commitment.contract_id, Document.id, Commitment.kind, Document.filename,
                   Document.content_type, Declaration.period_start, Declaration.reviewed_at)
            .select_from(Attachment)
            .join(Declaration, Attachment.declaration_id == Declaration.id)
            .join(Commitment, Declaration.commitment_id == Commitment.id)
            .join(Contract, Commitment.contract_id == Contract.id)
            .join(Document, Attachment.document_id == Document.id)
            .where(Contract.buyer_org_id == buyer.id, Commitment.kind == kind,
                   Attachment.role == role, Declaration.status == Status.validated)
            .order_by(Commitment.contract_id, Declaration.period_start, Document.id))
        for (contract_id, document_id, commitment_kind, filename, content_type, period_start,
             validated_at) in db.execute(statement):
            found[contract_id].append(DocumentRow(document_id, commitment_kind, filename,
                                                  content_type, period_start, validated_at))
    return found
