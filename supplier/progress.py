"""Insertion hours against the commitment: validated to date, expected to date, status."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.commitments import params_of
from portal.models import Commitment, CommitmentKind, Contract
from supplier.models import Declaration, InsertionLine, Status

CENT = Decimal("0.01")
STATUS_LABELS = {"achieved": "Objectif atteint", "on_track": "Dans les temps",
                 "behind": "En retard", "missed": "Objectif non atteint",
                 "not_started": "Pas encore commencé"}


@dataclass(frozen=True)
class InsertionProgress:
    target: Decimal
    validated: Decimal
    expected_to_date: Decimal
    elapsed_share: Decimal
    penalty_per_missing_hour: Decimal | None
    ended: bool

    @property
    def status(self) -> str:
        if self.validated >= self.target:
            return "achieved"
        if self.ended:
            return "missed"
        if self.elapsed_share == 0:
            return "not_started"
        return "on_track" if self.validated >= self.expected_to_date else "behind"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent_of_target(self) -> Decimal:
        return (self.validated / self.target * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def shortfall(self) -> Decimal:
        return max(self.target - self.validated, Decimal(0))

    @property
    def penalty(self) -> Decimal | None:
        """The penalty owed at the end of the contract, if it sets one."""
        if not self.ended or self.penalty_per_missing_hour is None:
            return None
        return (self.shortfall * self.penalty_per_missing_hour).quantize(CENT)


def elapsed_share(starts_on: date, ends_on: date, on: date) -> Decimal:
    """Share of the contract's duration elapsed at the end of day ``on``, between 0 and 1."""
    total = (ends_on - starts_on).days + 1
    done = (min(on, ends_on) - starts_on).days + 1
    return Decimal(max(0, min(done, total))) / Decimal(total)


def validated_hours(db: Session, commitment_ids: list[int]) -> dict[int, Decimal]:
    """Validated insertion hours per commitment, in one aggregate query."""
    if not commitment_ids:
        return {}
    rows = db.execute(
        select(Declaration.commitment_id, func.coalesce(func.sum(InsertionLine.hours), 0))
        .join(InsertionLine, InsertionLine.declaration_id == Declaration.id)
        .where(Declaration.commitment_id.in_(commitment_ids),
               Declaration.status == Status.validated)
        .group_by(Declaration.commitment_id))
    return {cid: Decimal(str(hours)).quantize(CENT) for cid, hours in rows}


def insertion_progress(db: Session, contracts: list[Contract], *,
                       on: date | None = None) -> dict[int, InsertionProgress]:
    """Progress of every contract of the list that has an insertion commitment, by contract id."""
    on = on or today()
    commitments = {c.id: c.commitment(CommitmentKind.insertion_hours) for c in contracts}
    commitments = {cid: com for cid, com in commitments.items() if com is not None}
    hours = validated_hours(db, [com.id for com in commitments.values()])
    result = {}
    for contract_id, commitment in commitments.items():
        contract = commitment.contract
        params = params_of(commitment)
        share = elapsed_share(contract.starts_on, contract.end_date, on)
        result[contract_id] = InsertionProgress(
            target=params.target_hours,
            validated=hours.get(commitment.id, Decimal("0.00")),
            expected_to_date=(params.target_hours * share).quantize(CENT, ROUND_HALF_UP),
            elapsed_share=share,
            penalty_per_missing_hour=params.penalty_per_missing_hour,
            ended=on >= contract.end_date,
        )
    return result


def insertion_commitment(db: Session, contract_id: int) -> Commitment | None:
    return db.scalar(select(Commitment).where(Commitment.contract_id == contract_id,
                                              Commitment.kind == CommitmentKind.insertion_hours))
