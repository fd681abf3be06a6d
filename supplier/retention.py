"""How long the detail of insertion hours is kept (PORTAL_INSERTION_RETENTION_YEARS after the end
of the contract, 5 by default), and the job that removes it when the time is up.

The lines of a declaration are then replaced by one line per public category, sex, age band and
execution mode, carrying the sum of the hours and the number of lines merged, and no
beneficiary reference. These are the figures the indicators, drill-downs, attestations and
reports read, so they keep their values; the link to a person is gone.
"""

from datetime import date

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import plural
from portal.models import Commitment, CommitmentKind, Contract
from portal.settings import get_settings
from supplier.models import Declaration, InsertionLine

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
    """Declarations of contracts ended before the limit that still hold detailed lines."""
    detailed = select(InsertionLine.declaration_id).where(
        InsertionLine.beneficiary_ref.is_not(None)).distinct().subquery()
    query = (select(Declaration.id)
             .join(detailed, detailed.c.declaration_id == Declaration.id)
             .join(Commitment, Commitment.id == Declaration.commitment_id)
             .join(Contract, Contract.id == Commitment.contract_id)
             .where(Commitment.kind == CommitmentKind.insertion_hours,
                    Contract.end_date < retention_limit())
             .order_by(Declaration.id).limit(limit))
    return list(db.scalars(query))


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
    db.execute(delete(InsertionLine).where(selected)
               .execution_options(synchronize_session=False))
    if rows:
        db.execute(insert(InsertionLine), [
            {"declaration_id": declaration_id, "beneficiary_ref": None,
             "public_category": category, "sex": sex, "age_band": age_band,
             "execution_mode": mode, "hours": hours, "line_count": count}
            for declaration_id, _ref, category, sex, age_band, mode, hours, count in rows])
    return removed


def remove_expired_detail(db: Session) -> str:
    """Job: merges the insertion lines of contracts past the retention period, a batch at a
    time; running it again finds nothing more to do."""
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
