"""The SQL aggregates of the indicators about declarations themselves rather than their content:
filed on time, review delays (from the audit), yearly reports, progress plans. Same rules as
execution.indicators.queries, whose scope and helpers they use: one statement per function
whatever the number of contracts.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from execution.indicators.queries import (
    Scope,
    active_in,
    count_if,
    day_number,
    declarations_of_buyer,
)
from portal.formatting import PARIS
from portal.models import AuditEvent, Commitment, CommitmentKind, Contract
from portal.sql import utc_instant
from supplier.models import (
    Declaration,
    PlanAction,
    PlanUpdate,
    Status,
    Subject,
)

# --- Declarations: on time, review delays, yearly reports --------------------------------------

def end_of_due_day(due_on: date) -> datetime:
    """When a declaration due on ``due_on`` becomes late: the midnight, in Paris, that ends its
    due day (a UTC instant). The one definition of « filed on time »: filed before it."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=PARIS).astimezone(UTC)


@lru_cache(maxsize=8)
def _deadline_offsets(year: int) -> tuple[tuple[date, date, int], ...]:
    """The due dates of a year in runs sharing one `end_of_due_day` offset from their UTC
    midnight (23 h in winter, 22 h in summer), from Python's time-zone database: SQLite has
    none, and both databases then compare the same UTC bounds."""
    runs: list[tuple[date, date, int]] = []
    day = date(year, 1, 1)
    while day.year == year:
        offset = end_of_due_day(day) - datetime.combine(day, time(0), tzinfo=UTC)
        seconds = int(offset.total_seconds())
        if runs and runs[-1][2] == seconds:
            runs[-1] = (runs[-1][0], day, seconds)
        else:
            runs.append((day, day, seconds))
        day += timedelta(days=1)
    return tuple(runs)


def due_day_end(due_on, year: int) -> ColumnElement[datetime]:
    """SQL: `end_of_due_day` of a due date of ``year`` (NULL for a date of another year)."""
    return case(*((due_on.between(first, last), utc_instant(due_on, seconds))
                  for first, last, seconds in _deadline_offsets(year)))


def filed_on_time(year: int) -> ColumnElement[bool]:
    """SQL, for declarations due in ``year``: the first submission was made before the end of
    the due day, Paris time. The first one, whatever the buyer did since: a return or a reopen
    sends the declaration back to its filer, it does not make the filing late."""
    first = Declaration.first_submitted_at
    return first.is_not(None) & (first < due_day_end(Declaration.due_on, year))


def counted_for_on_time(scope: Scope) -> ColumnElement[bool]:
    """The declarations the on-time rate is about: due in the period, and either past their due
    date or already submitted once (a filing on time before the due date counts at once)."""
    return and_(scope.in_period(Declaration.due_on),
                or_(Declaration.due_on < scope.today, Declaration.first_submitted_at.is_not(None)))


@dataclass(frozen=True)
class OnTime:
    considered: int = 0
    on_time: int = 0


def on_time(db: Session, scope: Scope) -> OnTime:
    """Declarations due in Y whose due date has passed or which were submitted; on time when
    their first submission was made by the end of the due day, Paris time."""
    query = (select(func.count(), count_if(filed_on_time(scope.year))).select_from(Declaration)
             .where(counted_for_on_time(scope)))
    row = db.execute(declarations_of_buyer(query, scope)).one()
    return OnTime(int(row[0]), int(row[1]))


@dataclass(frozen=True)
class YearlyReports:
    expected: int = 0
    received: int = 0  # validated (even if reopened since: `ever_validated`)
    under_review: int = 0  # submitted, never validated yet


def ever_validated() -> ColumnElement[bool]:
    """SQL: the declaration is validated, or was once (the audit keeps the validation) and was
    reopened since for a correction: the report was received all the same."""
    validation = (select(AuditEvent.id)
                  .where(AuditEvent.entity == "declaration", AuditEvent.entity_id == Declaration.id,
                         AuditEvent.action == "validate").exists())
    return or_(Declaration.status == Status.validated, validation)


def yearly_report_due(scope: Scope) -> ColumnElement[bool]:
    """The yearly reports a period is about: of year Y for a year; for a semester or a
    quarter, those due in it (a report covers a year, not a part of one)."""
    if scope.period.is_year:
        return scope.in_period(Declaration.period_start)
    return scope.in_period(Declaration.due_on)


def yearly_reports(db: Session, scope: Scope) -> dict[str, YearlyReports]:
    """CSR and concession report declarations of the period, by commitment kind; received once
    validated, even if reopened since."""
    kinds = (CommitmentKind.csr_report, CommitmentKind.concession_report)
    received = ever_validated()
    query = (
        select(Commitment.kind, func.count(), count_if(received),
               count_if(~received & (Declaration.status == Status.submitted)))
        .select_from(Declaration).join(Commitment, Commitment.id == Declaration.commitment_id)
        .where(Commitment.kind.in_(kinds), yearly_report_due(scope))
        .group_by(Commitment.kind))
    if scope.buyer_org_id is not None:
        query = query.join(Contract, Contract.id == Commitment.contract_id).where(
            scope.of_buyer())
    found = {kind: YearlyReports(int(n), int(received), int(review))
             for kind, n, received, review in db.execute(query)}
    return {kind: found.get(kind, YearlyReports()) for kind in kinds}


@dataclass(frozen=True)
class Delays:
    reviews: int = 0
    total_days: Decimal = Decimal(0)
    median_days: Decimal | None = None


def answered_submission(db: Session, review):
    """The submission a review (an AuditEvent alias) answered: the latest submission or
    resubmission of the same declaration at or before it; a correlated ``max(at)``."""
    submission = aliased(AuditEvent)
    action = submission.action
    if db.get_bind().dialect.name == "sqlite":
        # Without statistics (the embedded default never runs ANALYZE) SQLite would look each
        # submission up in ix_audit_event_action (entity, action, at <= the review): a scan
        # of every earlier submission per review. An expression on the action leaves it the
        # declaration's own events, ix_audit_event_entity (entity, entity_id).
        action = action.concat("")
    return (select(func.max(submission.at).label("at"))
            .where(submission.entity == "declaration",
                   submission.entity_id == review.entity_id,
                   action.in_(("submit", "resubmit")),
                   submission.at <= review.at))


def review_delays(db: Session, scope: Scope) -> Delays:
    """Each review (validation or return) made in Y, from the audit, with the submission it
    answered: the latest submission of the declaration before it. One statement: the count,
    the sum and the median over the delays, each review's submission looked up once
    (PostgreSQL: LATERAL and percentile_cont; SQLite: the middle rows of a row_number)."""
    review = aliased(AuditEvent)
    latest = answered_submission(db, review)
    reviews = select().select_from(review).where(
        review.entity == "declaration", review.action.in_(("validate", "return")),
        review.at >= scope.start, review.at < scope.end)
    if scope.buyer_org_id is not None:
        mine = declarations_of_buyer(select(Declaration.id), scope)
        reviews = reviews.where(review.entity_id.in_(mine))
    if db.get_bind().dialect.name == "postgresql":
        submitted = latest.lateral("submitted")
        # Intervals, exact to the microsecond, turned into days once per aggregate.
        delays = reviews.join(submitted, true()).add_columns(
            (review.at - submitted.c.at).label("span")).subquery()
        median = func.percentile_cont(0.5).within_group(delays.c.span)
        query = select(func.count(delays.c.span),
                       func.extract("epoch", func.sum(delays.c.span)) / 86400,
                       func.extract("epoch", median) / 86400)
    else:
        # Materialized: flattened into the window query, the lookup would be copied (and run)
        # once per use of the delay. Unknown delays (no submission) sort first; the middle is
        # counted after them, rather than filtered out (a filter would be pushed down too).
        delays = reviews.add_columns(
            (day_number(db, review.at) - day_number(db, latest.scalar_subquery()))
            .label("delay")).cte("delays").prefix_with("MATERIALIZED")
        ranked = (select(delays.c.delay,
                         func.row_number().over(order_by=delays.c.delay).label("k"),
                         func.count(delays.c.delay).over().label("n"),
                         func.count().over().label("rows"))
                  .subquery())
        unknown = ranked.c.rows - ranked.c.n
        middle = ranked.c.k.in_((unknown + (ranked.c.n + 1) // 2,
                                 unknown + (ranked.c.n + 2) // 2))
        query = select(func.count(ranked.c.delay), func.sum(ranked.c.delay),
                       func.avg(case((middle, ranked.c.delay))))
    count, total, median = db.execute(query).one()
    return Delays(int(count), Decimal(str(total or 0)),
                  Decimal(str(median)) if count else None)


# --- Progress plans ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Plans:
    active: int = 0
    actions_due: int = 0
    done_on_time: int = 0


def plans_in_force(scope: Scope, *columns):
    """The plans validated by the end of Y of contracts active in Y, ranked per commitment: the
    one in force has ``rank`` 1 (the latest). Columns: id, commitment_id, ``columns``, rank."""
    rank = func.row_number().over(partition_by=Declaration.commitment_id,
                                  order_by=(Declaration.period_start.desc(),
                                            Declaration.id.desc()))
    return (select(Declaration.id, Declaration.commitment_id, *columns, rank.label("rank"))
            .join(Declaration.commitment).join(Commitment.contract)
            .where(Declaration.subject == Subject.plan, Declaration.status == Status.validated,
                   Declaration.period_start <= scope.last_day, active_in(scope),
                   scope.of_buyer())
            .subquery())


def action_done_on_time(plans):
    """Whether the PlanAction of a plan of ``plans`` was reported done in a validated update
    of a period starting on or before its deadline."""
    update = aliased(Declaration)
    return (select(PlanUpdate.id).join(update, update.id == PlanUpdate.declaration_id)
            .where(update.commitment_id == plans.c.commitment_id,
                   update.subject == Subject.period, update.status == Status.validated,
                   update.period_start <= PlanAction.deadline,
                   PlanUpdate.action_key == PlanAction.key, PlanUpdate.status == "done")
            .exists())


def progress_plans(db: Session, scope: Scope) -> Plans:
    """Plans in force in Y (the latest plan validated by the end of Y, contract active in Y) and
    their actions due in Y; an action is done on time when a validated update reports it done
    for a period starting on or before its deadline."""
    plans = plans_in_force(scope)
    done_on_time = action_done_on_time(plans)
    row = db.execute(
        select(func.count(func.distinct(plans.c.id)), func.count(PlanAction.id),
               count_if(PlanAction.id.is_not(None) & done_on_time))
        .select_from(plans)
        .outerjoin(PlanAction, and_(PlanAction.declaration_id == plans.c.id,
                                    scope.in_period(PlanAction.deadline)))
        .where(plans.c.rank == 1)).one()
    return Plans(*(int(value) for value in row))
