"""Insertion hours against the commitment: validated to date, expected to date, status."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Numeric,
    Select,
    Update,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from portal.clock import today
from portal.models import Commitment, CommitmentKind, Contract
from portal.money import cents, from_cents, in_cents
from portal.sql import days_between
from supplier.models import FILED_STATUSES, Declaration, InsertionLine, Status, filing_organisations

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
    # Classified in SQL by `standing` below, so that lists can filter and count on it too.
    status: str

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
        return cents(self.shortfall * self.penalty_per_missing_hour)


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
    return {cid: cents(hours) for cid, hours in rows}


def validated_line_hours(*, until: date | None = None):
    """The hours of the validated declarations of the enclosing query's commitment (a
    correlated sum, 0 when none), only of periods starting by ``until`` when given."""
    query = (select(func.coalesce(func.sum(InsertionLine.hours), 0))
             .join(Declaration, InsertionLine.declaration_id == Declaration.id)
             .where(Declaration.commitment_id == Commitment.id,
                    Declaration.status == Status.validated))
    if until is not None:
        query = query.where(Declaration.period_start <= until)
    return query.scalar_subquery()


def recount_validated_hours(commitment_ids: list[int] | None = None) -> Update:
    """The statement that sets `Commitment.validated_hours` from the lines (for rows written
    directly, e.g. an import or the benchmark's generator)."""
    statement = (update(Commitment).where(Commitment.kind == CommitmentKind.insertion_hours)
                 .values(validated_hours=validated_line_hours()))
    if commitment_ids is not None:
        statement = statement.where(Commitment.id.in_(commitment_ids))
    return statement


def count_validated(db: Session, declaration: Declaration, *, sign: int) -> None:
    """Adds (``sign`` 1, on validation) or removes (-1, on reopening) the declaration's hours
    to its commitment's validated hours, in one UPDATE that concurrent reviews cannot lose."""
    if declaration.commitment.kind != CommitmentKind.insertion_hours:
        return
    hours = (select(func.coalesce(func.sum(InsertionLine.hours), 0))
             .where(InsertionLine.declaration_id == declaration.id).scalar_subquery())
    db.execute(update(Commitment).where(Commitment.id == declaration.commitment_id)
               .values(validated_hours=Commitment.validated_hours + sign * hours)
               .execution_options(synchronize_session=False))
    db.expire(declaration.commitment, ["validated_hours"])


@dataclass(frozen=True)
class Standing:
    """SQL expressions over `Commitment` (an insertion commitment) joined to its `Contract`:
    the hours in cents, the days of the contract elapsed on a date, and the status."""

    target_cents: ColumnElement[int]
    validated_cents: ColumnElement[int]
    expected_cents: ColumnElement[int]
    done_days: ColumnElement[int]
    total_days: ColumnElement[int]
    status: ColumnElement[str]


@lru_cache(maxsize=4)
def standing(on: date) -> Standing:
    """The one place the insertion status is decided: achieved once the validated hours reach
    the target; missed when the contract ended below it; not started before its first day; on
    track while the validated hours reach the target's share of the days elapsed (rounded half
    up to the hundredth of an hour); behind otherwise."""
    end = Contract.end_date
    total = days_between(end, Contract.starts_on) + 1
    last = case((end < on, end), else_=literal(on, Date()))
    elapsed = days_between(last, Contract.starts_on) + 1
    done = case((elapsed < 0, 0), else_=elapsed)
    target = in_cents(cast(Commitment.params["target_hours"].as_string(), Numeric(14, 2)))
    validated = in_cents(Commitment.validated_hours)
    # Integer arithmetic, exact on both databases: round(target × done / total) half up.
    expected = (2 * target * done + total) // (2 * total)
    status = case((validated >= target, "achieved"), (end <= on, "missed"),
                  (done <= 0, "not_started"), (validated >= expected, "on_track"),
                  else_="behind")
    return Standing(target, validated, expected, done, total, status)


def expected_hours_between(db: Session, commitment_id: int, start: date, end: date) -> Decimal:
    """The hours of the target expected over [start, end] (a declaration's period) under the one
    expected-pace rule of `standing`: expected by ``end`` less expected the day before ``start``."""
    # Not through the cache of `standing`: the lists' date of today must stay in it.
    by_end, before = standing.__wrapped__(end), standing.__wrapped__(start - timedelta(days=1))
    expected = db.scalar(select(by_end.expected_cents - before.expected_cents)
                         .select_from(Commitment)
                         .join(Contract, Commitment.contract_id == Contract.id)
                         .where(Commitment.id == commitment_id))
    return from_cents(expected or 0)


def insertion_progress(db: Session, contracts: list, *,
                       on: date | None = None) -> dict[int, InsertionProgress]:
    """Progress of every contract of the list (entities or list rows: anything with an ``id``)
    that has an insertion commitment, by contract id, in one query."""
    on = on or today()
    if not contracts:
        return {}
    rows = db.execute(_progress_query(on), {"contracts": [c.id for c in contracts]})
    result = {}
    for contract_id, target, validated, expected, done, total, status, end, penalty in rows:
        result[contract_id] = InsertionProgress(
            target=from_cents(target), validated=from_cents(validated),
            expected_to_date=from_cents(expected), elapsed_share=Decimal(done) / Decimal(total),
            # Stored by the commitment's model as a decimal string, or null.
            penalty_per_missing_hour=Decimal(str(penalty)) if penalty is not None else None,
            ended=on >= end, status=status)
    return result


@lru_cache(maxsize=4)
def _progress_query(on: date) -> Select:
    """Built once a day: list pages run it on every request (see `portal.identity`)."""
    s = standing(on)
    return (select(Commitment.contract_id, s.target_cents, s.validated_cents, s.expected_cents,
                   s.done_days, s.total_days, s.status, Contract.end_date,
                   Commitment.params["penalty_per_missing_hour"].as_string())
            .join(Contract, Commitment.contract_id == Contract.id)
            .where(Commitment.kind == CommitmentKind.insertion_hours,
                   Commitment.contract_id.in_(bindparam("contracts", expanding=True))))


def insertion_commitment(db: Session, contract_id: int) -> Commitment | None:
    return db.scalar(select(Commitment).where(Commitment.contract_id == contract_id,
                                              Commitment.kind == CommitmentKind.insertion_hours))


@dataclass(frozen=True)
class FilerHours:
    """One filing organisation's part of a shared insertion commitment."""

    organisation_id: int | None
    name: str
    role: str | None  # its `PartyRole` on the contract
    target: Decimal | None  # its share of the target, when the buyer set one
    validated: Decimal
    filed: Decimal  # submitted or validated


def hours_by_filer(db: Session, contract: Contract, commitment: Commitment) -> list[FilerHours]:
    """Each filing organisation's validated and filed hours (one aggregate statement), in the
    order of `filing_organisations`: the holder first, then the sharers."""
    rows = {org_id: (validated, filed) for org_id, validated, filed in db.execute(
        select(Declaration.holder_org_id,
               func.coalesce(func.sum(case((Declaration.status == Status.validated,
                                            InsertionLine.hours))), 0),
               func.coalesce(func.sum(case((Declaration.status.in_(FILED_STATUSES),
                                            InsertionLine.hours))), 0))
        .join(InsertionLine, InsertionLine.declaration_id == Declaration.id)
        .where(Declaration.commitment_id == commitment.id)
        .group_by(Declaration.holder_org_id))}
    # Keyed like the filers (int | None), which may name an organisation no longer a party.
    names: dict[int | None, str] = {p.organisation_id: p.organisation.name
                                    for p in contract.parties}
    targets: dict[int | None, Decimal | None] = {share.organisation_id: share.target_hours
                                                 for share in commitment.shares}
    filers = filing_organisations(contract, commitment)
    # An organisation no longer sharing keeps what it filed: it still counts.
    filers += [org_id for org_id in rows if org_id not in filers]
    return [FilerHours(org_id, names.get(org_id, "Ancien déclarant"), contract.role_of(org_id),
                       targets.get(org_id), cents(rows.get(org_id, (0, 0))[0]),
                       cents(rows.get(org_id, (0, 0))[1]))
            for org_id in filers]
