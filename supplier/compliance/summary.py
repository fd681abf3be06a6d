"""Each commitment of a contract against what was declared: the figures the contract pages show."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from portal.models import CommitmentKind, Contract
from supplier.compliance.insertion import insertion_progress
from supplier.kinds import handler_for


@dataclass
class CommitmentSummary:
    kind: str
    label: str
    template: str  # the section of the contract page, templates/compliance/<kind>.html
    context: dict[str, Any] = field(default_factory=dict)


def commitment_summaries(db: Session, contract: Contract) -> list[CommitmentSummary]:
    summaries = []
    for commitment in contract.commitments:
        handler = handler_for(commitment.kind)
        if commitment.kind == CommitmentKind.insertion_hours:
            context = {"progress": insertion_progress(db, [contract]).get(contract.id)}
        else:
            context = handler.compliance(db, contract, commitment)
        summaries.append(CommitmentSummary(commitment.kind, handler.label,
                                           f"compliance/{commitment.kind}.html", context))
    return summaries
