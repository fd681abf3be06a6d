"""Each commitment of a contract against what was declared: the figures the contract pages show."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from portal.models import CommitmentKind, Contract
from supplier.compliance.insertion import hours_by_filer, insertion_progress
from supplier.kinds import handler_for


@dataclass
class CommitmentSummary:
    kind: str
    label: str
    template: str  # the section of the contract page, templates/compliance/<kind>.html
    context: dict[str, Any] = field(default_factory=dict)


def commitment_summaries(db: Session, contract: Contract, *,
                         kinds: set[str] | None = None) -> list[CommitmentSummary]:
    """The contract's commitments (only those of ``kinds`` when given) with their figures."""
    summaries = []
    for commitment in contract.commitments:
        if kinds is not None and commitment.kind not in kinds:
            continue
        handler = handler_for(commitment.kind)
        if commitment.kind == CommitmentKind.insertion_hours:
            filers = hours_by_filer(db, contract, commitment)
            context = {"progress": insertion_progress(db, [contract]).get(contract.id),
                       # Each organisation's hours, when several file their own.
                       "filers": filers if len(filers) > 1 else []}
        else:
            context = handler.compliance(db, contract, commitment)
        summaries.append(CommitmentSummary(commitment.kind, handler.label,
                                           f"compliance/{commitment.kind}.html", context))
    return summaries
