"""Progress plans: the accepted versions, where each action stands, and revisions.

The buyer accepts a plan by validating its declaration and asks for changes by returning it (the
one review workflow); the latest validated plan declaration is the plan in force.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.clock import today
from portal.commitments import params_of
from portal.errors import Conflict, Forbidden, NotFound
from portal.formatting import PARIS
from portal.models import CommitmentKind, Contract, User
from portal.permissions import get_visible_contract, is_filer
from supplier.models import (
    Declaration,
    PlanAction,
    PlanUpdate,
    Status,
    Subject,
    declaration_owners,
)

NO_PLAN = ("Aucun plan de progrès n'a encore été accepté par l'acheteur : les actions pourront "
           "être mises à jour une fois le plan validé.")


@dataclass(frozen=True)
class Version:
    number: int
    declaration_id: int
    accepted_on: date | None
    actions: int


@dataclass(frozen=True)
class ActionStanding:
    key: str
    axis: str
    title: str
    unit: str | None
    baseline: Decimal | None
    target: Decimal | None
    deadline: date
    status: str | None  # of the latest validated update; None when never updated
    latest_value: Decimal | None
    standing: str  # done | late | on_time | abandoned


def _plans(commitment_id: int):
    return select(Declaration).where(Declaration.commitment_id == commitment_id,
                                     Declaration.subject == Subject.plan)


def accepted_plan(db: Session, commitment_id: int) -> Declaration | None:
    """The plan in force: the latest validated plan declaration."""
    return db.scalar(_plans(commitment_id).where(Declaration.status == Status.validated)
                     .order_by(Declaration.period_start.desc(), Declaration.id.desc()).limit(1))


def open_plan(db: Session, commitment_id: int) -> Declaration | None:
    """The plan proposal still being written or examined (the first one or a revision)."""
    return db.scalar(_plans(commitment_id).where(Declaration.status != Status.validated)
                     .order_by(Declaration.period_start.desc(), Declaration.id.desc()).limit(1))


def accepted_versions(db: Session, commitment_id: int) -> list[Version]:
    counts = (select(PlanAction.declaration_id, func.count().label("n"))
              .group_by(PlanAction.declaration_id).subquery())
    rows = db.execute(
        select(Declaration.id, Declaration.reviewed_at, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.declaration_id == Declaration.id)
        .where(Declaration.commitment_id == commitment_id, Declaration.subject == Subject.plan,
               Declaration.status == Status.validated)
        .order_by(Declaration.period_start, Declaration.id))
    # The day of acceptance as the users live it (Paris), not the UTC date.
    return [Version(number, declaration_id,
                    reviewed_at.astimezone(PARIS).date() if reviewed_at else None, n)
            for number, (declaration_id, reviewed_at, n) in enumerate(rows, start=1)]


def action_titles(db: Session, commitment_id: int) -> dict[str, str]:
    """Title of each action key, as the latest accepted version (or else proposal) words it."""
    rows = db.execute(
        select(PlanAction.key, PlanAction.title).join(Declaration)
        .where(Declaration.commitment_id == commitment_id, Declaration.subject == Subject.plan)
        .order_by(Declaration.status == Status.validated, Declaration.period_start))
    return dict(rows.all())


def next_key_number(db: Session, commitment_id: int) -> int:
    """The number of the next new action: never reuses a key of any version, even a removed one."""
    keys = db.scalars(select(PlanAction.key).join(Declaration)
                      .where(Declaration.commitment_id == commitment_id))
    numbers = (int(key[1:]) for key in keys if key[1:].isascii() and key[1:].isdigit())
    return max(numbers, default=0) + 1


def latest_updates(commitment_id: int):
    """Per action key, the update of the latest validated periodic declaration (rank 1)."""
    rank = func.row_number().over(partition_by=PlanUpdate.action_key,
                                  order_by=(Declaration.period_start.desc(),
                                            Declaration.id.desc()))
    return (select(PlanUpdate.action_key, PlanUpdate.status, PlanUpdate.latest_value,
                   rank.label("rank"))
            .join(Declaration, PlanUpdate.declaration_id == Declaration.id)
            .where(Declaration.commitment_id == commitment_id,
                   Declaration.subject == Subject.period,
                   Declaration.status == Status.validated)
            .subquery())


def action_standings(db: Session, commitment_id: int,
                     plan_id: int) -> tuple[list[ActionStanding], dict[str, int]]:
    """Each action of the plan with its latest validated update, and how many are done, late,
    on time (deadline not passed yet) or abandoned; two queries whatever the plan's size."""
    latest = latest_updates(commitment_id)
    standing = case(
        (latest.c.status == "done", "done"),
        (latest.c.status == "abandoned", "abandoned"),
        (PlanAction.deadline < today(), "late"),
        else_="on_time").label("standing")
    joined = (select(PlanAction).outerjoin(latest, and_(latest.c.action_key == PlanAction.key,
                                                        latest.c.rank == 1))
              .where(PlanAction.declaration_id == plan_id))
    rows = db.execute(joined.with_only_columns(
        PlanAction.key, PlanAction.axis, PlanAction.title, PlanAction.unit, PlanAction.baseline,
        PlanAction.target, PlanAction.deadline, latest.c.status, latest.c.latest_value, standing)
        .order_by(PlanAction.position, PlanAction.id))
    actions = [ActionStanding(*row) for row in rows]
    counts = dict.fromkeys(("done", "late", "on_time", "abandoned"), 0)
    counts.update(db.execute(joined.with_only_columns(standing, func.count())
                             .group_by(standing)).all())
    return actions, counts


def propose_revision(db: Session, contract_id: int, *, user: User) -> Declaration:
    """A new plan proposal, pre-filled with the actions of the plan in force, as a draft."""
    contract: Contract = get_visible_contract(db, contract_id, user)
    if not is_filer(user, contract):
        raise Forbidden("Seuls les utilisateurs du titulaire peuvent proposer une révision.")
    commitment = contract.commitment(CommitmentKind.progress_plan)
    if commitment is None:
        raise NotFound("Ce contrat ne prévoit pas de plan de progrès.")
    current = accepted_plan(db, commitment.id)
    if current is None:
        raise Conflict("Le plan de progrès n'a pas encore été accepté : complétez la proposition "
                       "en cours plutôt que d'en réviser une.")
    pending = open_plan(db, commitment.id)
    if pending is not None:
        raise Conflict("Une révision du plan est déjà en cours : complétez-la ou attendez "
                       "l'avis de l'acheteur.")
    if contract.end_date < today():
        raise Conflict("Le contrat est terminé : son plan de progrès ne peut plus être révisé.")
    latest_start = db.scalar(select(func.max(Declaration.period_start)).where(
        Declaration.commitment_id == commitment.id, Declaration.subject == Subject.plan))
    # One plan declaration per day and commitment (the unique key is its start date).
    start = max(today(), latest_start + timedelta(days=1))
    revision = Declaration(
        commitment_id=commitment.id, subject=Subject.plan, period_start=start, period_end=start,
        due_on=start + timedelta(days=params_of(commitment).plan_due_days),
        status=Status.draft, **declaration_owners(contract))
    revision.plan_actions = [
        PlanAction(key=a.key, axis=a.axis, title=a.title, owner=a.owner, indicator=a.indicator,
                   unit=a.unit, baseline=a.baseline, target=a.target, deadline=a.deadline,
                   position=a.position)
        for a in current.plan_actions]
    db.add(revision)
    db.flush()
    audit(db, user, "declaration", revision.id, "propose_revision", to_status=Status.draft,
          comment=f"Révision du plan accepté (déclaration {current.id})")
    return revision
