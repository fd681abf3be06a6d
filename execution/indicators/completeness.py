"""Completeness of a period's indicators: which commitments still lack a validated declaration
of the period, per contract and per filing organisation (the holder, or a co-holder for its
part), and so which indicators rest on incomplete data.

A declaration is « of the period » as the indicators read it (execution.indicators.queries):
its period starts in the chosen one; a yearly report, for a semester or a quarter, when it
falls due in it (execution.indicators.declarations.yearly_report_due). Progress plans
themselves are not periodic: their updates are. Three statements whatever the number of
contracts: the counts per commitment kind, and the page of incomplete commitments with its
total.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from execution.indicators import queries as q
from execution.indicators.config import BY_ID
from execution.indicators.declarations import ever_validated, yearly_report_due
from execution.indicators.drilldown_rows import kind_label
from portal.models import Commitment, CommitmentKind, Contract, Organisation
from portal.pagination import PER_PAGE, Page, paginate
from supplier.models import Declaration, Status, Subject

REPORT_KINDS = (CommitmentKind.csr_report, CommitmentKind.concession_report)
# The indicators each kind of commitment feeds with its validated declarations. The on-time
# rate rests on every kind but not on validation, and is complete by construction.
FAMILIES: dict[str, tuple[str, ...]] = {
    CommitmentKind.insertion_hours: ("insertion_hours", "insertion_fte",
                                     "insertion_completion_rate", "insertion_women_share",
                                     "insertion_by_public", "insertion_people"),
    CommitmentKind.agec_share: ("agec_shares", "agec_completion_rate"),
    CommitmentKind.progress_plan: ("progress_plans",),
    CommitmentKind.csr_report: ("csr_reports_received",),
    CommitmentKind.concession_report: ("concession_reports_received",),
    CommitmentKind.carbon_report: ("carbon_emissions",),
}


@dataclass(frozen=True)
class Family:
    kind: str
    label: str
    indicators: list[str]  # their French labels
    commitments: int = 0  # (commitment, filer) pairs with a declaration of the period
    complete: int = 0  # of which every declaration of the period is validated
    declarations: int = 0
    validated: int = 0

    @property
    def missing(self) -> int:
        return self.declarations - self.validated

    @property
    def incomplete(self) -> int:
        return self.commitments - self.complete


@dataclass(frozen=True)
class Completeness:
    families: list[Family]
    page: Page  # rows: contract_id, reference, kind, holder, expected, validated, submitted

    @property
    def commitments(self) -> int:
        return sum(f.commitments for f in self.families)

    @property
    def complete(self) -> int:
        return sum(f.complete for f in self.families)

    @property
    def declarations(self) -> int:
        return sum(f.declarations for f in self.families)

    @property
    def validated(self) -> int:
        return sum(f.validated for f in self.families)


def of_the_period(scope: q.Scope):
    """SQL: the declaration is one of the period's, as the indicators count it."""
    return and_(Declaration.subject == Subject.period,
                or_(and_(Commitment.kind.in_(REPORT_KINDS), yearly_report_due(scope)),
                    and_(Commitment.kind.not_in(REPORT_KINDS),
                         scope.in_period(Declaration.period_start))))


def _pairs(scope: q.Scope, search: str = ""):
    """One row per (commitment, filing organisation) with a declaration of the period."""
    filer = aliased(Organisation)
    # A yearly report validated once and reopened since was received, as its indicator says.
    validated = q.count_if(or_(Declaration.status == Status.validated,
                               and_(Commitment.kind.in_(REPORT_KINDS), ever_validated())))
    query = (select(Contract.id.label("contract_id"), Contract.reference, Commitment.kind,
                    filer.name.label("holder"), func.count().label("expected"),
                    validated.label("validated"),
                    q.count_if(Declaration.status == Status.submitted).label("submitted"))
             .select_from(Declaration)
             .join(Commitment, Commitment.id == Declaration.commitment_id)
             .join(Contract, Contract.id == Commitment.contract_id)
             .outerjoin(filer, filer.id == Declaration.holder_org_id)
             .where(of_the_period(scope))
             .group_by(Contract.id, Contract.reference, Commitment.id, Commitment.kind,
                       Declaration.holder_org_id, filer.name))
    if scope.buyer_org_ids is not None:  # a central's consolidation
        query = query.where(Declaration.buyer_org_id.in_(scope.buyer_org_ids))
    elif scope.buyer_org_id is not None:
        query = query.where(Declaration.buyer_org_id == scope.buyer_org_id)
    if term := search.strip().lower():
        pattern = f"%{term}%"
        query = query.where(or_(func.lower(Contract.reference).like(pattern),
                                func.lower(filer.name).like(pattern)))
    return query, validated


def completeness(db: Session, scope: q.Scope, *, page: int = 1, search: str = "",
                 per_page: int = PER_PAGE) -> Completeness:
    """The counts per kind of commitment over the whole period, and one page of the
    commitments still missing a validated declaration (searched by contract reference or
    filing organisation), by contract reference."""
    pairs = _pairs(scope)[0].subquery()
    found = {kind: (int(n), int(complete), int(expected), int(validated))
             for kind, n, complete, expected, validated in db.execute(
                 select(pairs.c.kind, func.count(),
                        q.count_if(pairs.c.validated == pairs.c.expected),
                        func.sum(pairs.c.expected), func.sum(pairs.c.validated))
                 .group_by(pairs.c.kind))}
    families = [Family(kind, kind_label(kind), [BY_ID[i].label for i in ids],
                       *found.get(kind, (0, 0, 0, 0)))
                for kind, ids in FAMILIES.items()]
    query, validated = _pairs(scope, search)
    missing = (query.having(validated < func.count())
               .order_by(Contract.reference, Contract.id, Commitment.kind,
                         Declaration.holder_org_id))
    return Completeness(families, paginate(db, missing, page=page, per_page=per_page,
                                           scalars=False))
