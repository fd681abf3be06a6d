"""How long the detail of insertion hours is kept (PORTAL_INSERTION_RETENTION_YEARS after the end
of the contract, 5 by default), and the job that removes it when the time is up.

The lines of a declaration are then replaced by one line per public category, sex, age band and
execution mode, carrying the sum of the hours, the number of lines merged and the number of
people first seen there, and no beneficiary reference. These are the figures the indicators,
drill-downs, attestations and reports read, so they keep their values; the link to a person is
gone. A contract's declarations are merged together, so that each person is counted once per
contract, filing organisation, year and status (« personnes accompagnées »).
"""

from collections import Counter
from datetime import date
from typing import cast

from sqlalchemy import CursorResult, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import plural
from portal.models import Commitment, CommitmentKind, Contract
from portal.settings import get_settings
from portal.sql import year_of
from supplier.models import Declaration, InsertionExit, InsertionLine, Status

BATCH = 500
_GROUP = (InsertionLine.public_category, InsertionLine.sex, InsertionLine.age_band,
          InsertionLine.execution_mode)


def retention_limit() -> date:
    """Contracts that ended before this day have their insertion detail removed."""
    now = today()
    years = get_settings().insertion_retention_years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def declarations_to_merge(db: Session, *, limit: int = BATCH) -> list[int]:
    """Declarations of contracts ended before the limit that still hold detailed lines, every
    declaration of a commitment in the same batch (of about ``limit`` declarations)."""
    detailed = select(InsertionLine.declaration_id).where(
        InsertionLine.beneficiary_ref.is_not(None)).distinct().subquery()
    expired = (select(Declaration.commitment_id)
               .join(detailed, detailed.c.declaration_id == Declaration.id)
               .join(Commitment, Commitment.id == Declaration.commitment_id)
               .join(Contract, Contract.id == Commitment.contract_id)
               .where(Commitment.kind == CommitmentKind.insertion_hours,
                      Contract.end_date < retention_limit())
               .group_by(Declaration.commitment_id).order_by(Declaration.commitment_id))
    ids: list[int] = []
    for commitment_id in db.scalars(expired):
        if len(ids) >= limit:
            break
        ids += db.scalars(select(Declaration.id).join(
            detailed, detailed.c.declaration_id == Declaration.id).where(
            Declaration.commitment_id == commitment_id).order_by(Declaration.id))
    return ids


def _people_first_seen(db: Session, declaration_ids: list[int]) -> Counter:
    """For each (declaration, group), the people whose first line of the year (per contract,
    filing organisation and validated or not) is there: their count survives the merge."""
    year = year_of(Declaration.period_start)
    lines = db.execute(
        select(Declaration.commitment_id, Declaration.holder_org_id, year,
               Declaration.status == Status.validated, InsertionLine.beneficiary_ref,
               InsertionLine.declaration_id, *_GROUP)
        .join(Declaration, Declaration.id == InsertionLine.declaration_id)
        .where(InsertionLine.declaration_id.in_(declaration_ids),
               InsertionLine.beneficiary_ref.is_not(None))
        .order_by(Declaration.period_start, Declaration.id, InsertionLine.id))
    seen: set[tuple] = set()
    first: Counter[tuple] = Counter()
    for commitment, organisation, y, validated, ref, declaration_id, *group in lines:
        person = (commitment, organisation, int(y), validated, ref)
        if person not in seen:
            seen.add(person)
            first[(declaration_id, *group)] += 1
    return first


def merge_lines(db: Session, declaration_ids: list[int]) -> int:
    """Replaces the lines of these declarations by their sums per group; returns how many
    detailed lines were removed."""
    if not declaration_ids:
        return 0
    selected = InsertionLine.declaration_id.in_(declaration_ids)
    removed = db.scalar(select(func.count()).select_from(InsertionLine).where(
        selected, InsertionLine.beneficiary_ref.is_not(None)))
    sums = (select(InsertionLine.declaration_id, literal(None), *_GROUP,
                   func.sum(InsertionLine.hours), func.sum(InsertionLine.line_count))
            .where(selected).group_by(InsertionLine.declaration_id, *_GROUP))
    rows = db.execute(sums).all()
    people = _people_first_seen(db, declaration_ids)
    kept = db.execute(select(InsertionLine.declaration_id, *_GROUP, InsertionLine.people).where(
        selected, InsertionLine.beneficiary_ref.is_(None))).all()
    for declaration_id, *group, count in kept:  # merged before: their count stays
        people[(declaration_id, *group)] += count
    db.execute(delete(InsertionLine).where(selected)
               .execution_options(synchronize_session=False))
    if rows:
        db.execute(insert(InsertionLine), [
            {"declaration_id": declaration_id, "beneficiary_ref": None,
             "public_category": category, "sex": sex, "age_band": age_band,
             "execution_mode": mode, "hours": hours, "line_count": count,
             "people": people[(declaration_id, category, sex, age_band, mode)]}
            for declaration_id, _ref, category, sex, age_band, mode, hours, count in rows])
    return removed


def forget_exit_references(db: Session) -> int:
    """The exit outcomes of contracts past the retention period lose their reference too: the
    positive-exits indicator reads outcomes and dates only."""
    expired = select(Contract.id).where(Contract.end_date < retention_limit())
    # An UPDATE's result is a CursorResult, which has the row count.
    return cast(CursorResult, db.execute(update(InsertionExit)
                                         .where(InsertionExit.contract_id.in_(expired),
                                                InsertionExit.beneficiary_ref.is_not(None))
                                         .values(beneficiary_ref=None)
                                         .execution_options(synchronize_session=False))
                ).rowcount


def remove_expired_detail(db: Session) -> str:
    """Job: merges the insertion lines of contracts past the retention period, a batch at a
    time, and forgets the references of their exits; running it again finds nothing more to
    do."""
    forget_exit_references(db)
    merged = declarations = 0
    while ids := declarations_to_merge(db):
        merged += merge_lines(db, ids)
        declarations += len(ids)
        db.flush()
    years = get_settings().insertion_retention_years
    lines = plural(merged, "ligne d'insertion détaillée regroupée",
                   "lignes d'insertion détaillées regroupées")
    return (f"{lines} dans {plural(declarations, 'déclaration')} (contrats terminés depuis plus "
            f"de {plural(years, 'an')})")
