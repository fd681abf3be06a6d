"""Survey results as SQL aggregates: per contract, per supplier, per buyer organisation and year.

Score on 100 = (mean of the 1–5 answers − 1) / 4 × 100, « Non concerné » left out; NPS of the 0–10
question = % promoters (9–10) − % detractors (0–6); response rate = submitted / invitations. Each
figure is None when its denominator is zero. Only submitted answers count, and only those the
reader may see (double-blind, see service.answers_visible).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.formatting import PARIS
from portal.models import Contract, ContractParty, Organisation, User
from portal.pagination import Page, paginate
from surveys.models import Answer, Campaign, Direction, Invitation, InvitationStatus, Scale
from surveys.service import answers_visible, involves

ONE_DECIMAL = Decimal("0.1")
# What the aggregates across contracts (a supplier's results, the year's, the indicators)
# count: the end-of-contract surveys only. A four-year contract reviewed every year would
# otherwise weigh four times as much as a one-year contract in the year's satisfaction, and
# its holder's last-year score would count twice (the review and the final survey). The
# yearly reviews are read on the contract's own results pages.
END_OF_CONTRACT = Campaign.anniversary == 0


def _ratio(numerator: int, denominator: int, scale: int = 100) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _count(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass
class Figures:
    """Counts from SQL and the figures derived from them."""

    invitations: int = 0
    submitted: int = 0
    scored: int = 0  # 1–5 answers (« Non concerné » left out)
    scored_sum: int = 0
    not_applicable: int = 0
    likelihood: int = 0  # 0–10 answers
    promoters: int = 0
    detractors: int = 0
    yes: int = 0
    no: int = 0
    unknown: int = 0

    @property
    def score(self) -> Decimal | None:
        # (sum/n − 1) / 4 × 100 = (sum − n) × 25 / n, exact in decimals.
        return _ratio(self.scored_sum - self.scored, self.scored, 25)

    @property
    def mean(self) -> Decimal | None:
        return _ratio(self.scored_sum, self.scored, 1)

    @property
    def nps(self) -> Decimal | None:
        return _ratio(self.promoters - self.detractors, self.likelihood)

    @property
    def response_rate(self) -> Decimal | None:
        return _ratio(self.submitted, self.invitations)

    @property
    def choices(self) -> int:
        return self.yes + self.no + self.unknown


@dataclass
class QuestionResult:
    position: int
    wording: str
    scale: str
    figures: Figures


@dataclass
class DirectionResult:
    direction: str
    figures: Figures = field(default_factory=Figures)
    hidden: int = 0  # submitted evaluations of the reader not readable yet (double-blind)
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (respondent, text)


_SCORED = (Answer.scale == Scale.satisfaction) & Answer.value.is_not(None)
_LIKELY = (Answer.scale == Scale.likelihood) & Answer.value.is_not(None)
_ANSWER_COUNTS = (
    _count(_SCORED),
    func.coalesce(func.sum(case((_SCORED, Answer.value), else_=0)), 0),
    _count(Answer.not_applicable.is_(True)),
    _count(_LIKELY),
    _count(_LIKELY & (Answer.value >= 9)),
    _count(_LIKELY & (Answer.value <= 6)),
    _count(Answer.choice == "yes"),
    _count(Answer.choice == "no"),
    _count(Answer.choice == "unknown"),
)
_ANSWER_FIELDS = ("scored", "scored_sum", "not_applicable", "likelihood", "promoters",
                  "detractors", "yes", "no", "unknown")
_ANSWERED = (Answer.value.is_not(None) | Answer.choice.is_not(None)
             | Answer.not_applicable.is_(True))


def _results(db: Session, scope: list[ColumnElement[bool]], visible: ColumnElement[bool], *,
             details: bool = True) -> dict[str, DirectionResult]:
    """Both directions' figures over the invitations in ``scope`` (conditions on Invitation,
    Campaign, Contract); answers count only where ``visible``."""
    results = {d.value: DirectionResult(d.value) for d in Direction}
    base = (select().select_from(Invitation).join(Invitation.campaign)
            .join(Campaign.contract).where(*scope))
    rows = db.execute(base.add_columns(
        Invitation.direction, func.count(Invitation.id),
        _count(Invitation.status == InvitationStatus.submitted),
        _count((Invitation.status == InvitationStatus.submitted) & ~visible),
    ).group_by(Invitation.direction))
    for direction, invitations, submitted, hidden in rows:
        result = results[direction]
        result.figures.invitations, result.figures.submitted = invitations, submitted
        result.hidden = hidden
    answers = base.join(Invitation.answers).where(visible, _ANSWERED)
    for direction, *counts in db.execute(answers.add_columns(Invitation.direction, *_ANSWER_COUNTS)
                                         .group_by(Invitation.direction)):
        _fill(results[direction].figures, counts)
    if not details:
        return results
    # Per question: the wording it was answered with (a reworded question is another question).
    per_question = answers.add_columns(
        Invitation.direction, func.min(Answer.position), Answer.wording, Answer.scale,
        *_ANSWER_COUNTS).where(Answer.scale != Scale.text).group_by(
        Invitation.direction, Answer.wording, Answer.scale).order_by(
        Invitation.direction, func.min(Answer.position), Answer.wording)
    for direction, position, wording, scale, *counts in db.execute(per_question):
        figures = Figures()
        _fill(figures, counts)
        results[direction].questions.append(QuestionResult(position, wording, scale, figures))
    comments = (select(Invitation.direction, Organisation.name, Answer.text)
                .select_from(Invitation).join(Invitation.campaign).join(Campaign.contract)
                .join(Invitation.answers).join(Invitation.respondent)
                .where(*scope, visible, Answer.scale == Scale.text, Answer.text.is_not(None))
                .order_by(Invitation.id, Answer.position))
    for direction, respondent, text in db.execute(comments):
        results[direction].comments.append((respondent, text))
    return results


def _fill(figures: Figures, counts) -> None:
    for name, value in zip(_ANSWER_FIELDS, counts, strict=True):
        setattr(figures, name, int(value or 0))


# --- Who reads which results --------------------------------------------------------------------

def contract_results(db: Session, contract_id: int, *, user: User, anniversary: int = 0
                     ) -> tuple[Campaign, dict[str, DirectionResult]]:
    """For users of the buyer organisation and of the contract's suppliers: the invitations that
    involve their organisation, in its end-of-contract survey or (``anniversary`` n > 0) the
    yearly review of its n-th anniversary."""
    org = user.organisation_id
    party = exists().where(ContractParty.contract_id == Contract.id,
                           ContractParty.organisation_id == org)
    member = db.scalar(select(Contract.id).where(Contract.id == contract_id,
                                                 (Contract.buyer_org_id == org) | party))
    campaign = None
    if member is not None:
        campaign = db.scalar(select(Campaign).where(Campaign.contract_id == contract_id,
                                                    Campaign.anniversary == anniversary))
    if campaign is None:
        raise NotFound(("Aucune enquête de fin de contrat" if anniversary == 0 else
                        "Aucune revue annuelle") + " n'existe pour ce contrat, ou vous n'y "
                       "avez pas accès.")
    scope = [Campaign.id == campaign.id, involves(user.organisation_id)]
    return campaign, _results(db, scope, answers_visible(user.organisation_id))


def supplier_results(db: Session, supplier_org_id: int, *, user: User
                     ) -> tuple[Organisation, dict[str, DirectionResult], int]:
    """For a buyer organisation's users: one supplier across its contracts with that buyer."""
    buyer_org = user.organisation_id
    supplier = db.get(Organisation, supplier_org_id)
    surveyed = select(func.count(Invitation.id)).join(Invitation.campaign).join(
        Campaign.contract).where(Contract.buyer_org_id == buyer_org,
                                 involves(supplier_org_id), END_OF_CONTRACT)
    if supplier is None or not user.is_buyer or not db.scalar(surveyed):
        raise NotFound("Aucune enquête ne concerne cette entreprise dans votre organisation.")
    scope = [Contract.buyer_org_id == buyer_org, involves(supplier_org_id), END_OF_CONTRACT]
    contracts = db.scalar(select(func.count(func.distinct(Campaign.id))).join(
        Campaign.invitations).join(Campaign.contract).where(*scope))
    return supplier, _results(db, scope, answers_visible(buyer_org)), contracts


def suppliers_rated(db: Session, *, user: User, search: str = "", page: int = 1) -> Page:
    """Rows (organisation id, name, campaigns) of the suppliers surveyed by the user's
    organisation, by name, one page of them."""
    query = (select(Organisation.id, Organisation.name, func.count(func.distinct(Campaign.id)))
             .select_from(Invitation).join(Invitation.campaign).join(Campaign.contract)
             .join(Organisation, Organisation.id == Invitation.subject_org_id)
             .where(Contract.buyer_org_id == user.organisation_id,
                    Invitation.direction == Direction.buyer_rates_holder, END_OF_CONTRACT)
             .group_by(Organisation.id, Organisation.name)
             .order_by(Organisation.name, Organisation.id))
    if search := search.strip().lower():
        query = query.where(func.lower(Organisation.name).like(f"%{search}%"))
    return paginate(db, query, page=page, scalars=False)


def _paris_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=PARIS)


def _year_scope(year: int, buyer_org_id: int | None, *, since: int | None = None,
                buyer_org_ids: Sequence[int] | None = None) -> list[ColumnElement[bool]]:
    """Campaigns closed in the year (or from the start of ``since`` to the end of ``year``), of
    one buyer organisation's contracts or (a central's consolidation) of several's."""
    scope = [Campaign.closed_at >= _paris_start(since if since is not None else year),
             Campaign.closed_at < _paris_start(year + 1), END_OF_CONTRACT]
    if buyer_org_ids is not None:
        scope.append(Contract.buyer_org_id.in_(buyer_org_ids))
    elif buyer_org_id is not None:
        scope.append(Contract.buyer_org_id == buyer_org_id)
    return scope


def year_results(db: Session, *, year: int, buyer_org_id: int | None
                 ) -> dict[str, DirectionResult]:
    """Surveys closed in the year (Paris time): closed campaigns are readable by both sides, and
    these pages show only aggregates. Comments are left out."""
    results = _results(db, _year_scope(year, buyer_org_id),
                       Invitation.status == InvitationStatus.submitted)
    for result in results.values():
        result.comments = []
    return results


def satisfaction(db: Session, *, direction: str, year: int,
                 buyer_org_id: int | None) -> Figures:
    """What the indicators read: `supplier_satisfaction` is direction holder_rates_buyer,
    `buyer_satisfaction` buyer_rates_holder; surveys closed in ``year``."""
    figures = satisfaction_by_year(db, years=[year], buyer_org_id=buyer_org_id)
    return figures[year][Direction(direction).value]


def satisfaction_by_year(db: Session, *, years: Sequence[int], buyer_org_id: int | None,
                         buyer_org_ids: Sequence[int] | None = None
                         ) -> dict[int, dict[str, Figures]]:
    """Both directions' figures of the surveys closed in each year (Paris time), grouped by
    year and direction: two statements for a year or for a trend over several."""
    first, last = min(years), max(years)
    # The Paris year of the closing, read from the year boundaries (no time zone in SQL); a
    # single year needs no grouping by year.
    by_year = [case(*((Campaign.closed_at >= _paris_start(y), y) for y in range(last, first, -1)),
                    else_=first)] if last > first else []
    found = _figures(db, _year_scope(last, buyer_org_id, since=first,
                                     buyer_org_ids=buyer_org_ids),
                     by_year, first, range(first, last + 1))
    return {y: found[y] for y in years}


def satisfaction_in(db: Session, *, start: datetime, end: datetime, buyer_org_id: int | None,
                    buyer_org_ids: Sequence[int] | None = None) -> dict[str, Figures]:
    """Both directions' figures of the surveys closed from ``start`` to before ``end`` (a
    year, a semester or a quarter of the indicators), of one buyer organisation or (a central's
    consolidation) of several: two statements."""
    scope = [Campaign.closed_at >= start, Campaign.closed_at < end, END_OF_CONTRACT]
    if buyer_org_ids is not None:
        scope.append(Contract.buyer_org_id.in_(buyer_org_ids))
    elif buyer_org_id is not None:
        scope.append(Contract.buyer_org_id == buyer_org_id)
    return _figures(db, scope, [], 0, [0])[0]


def _figures(db: Session, scope: list[ColumnElement[bool]], by_year: list, first: int,
             years: Iterable[int]) -> dict[int, dict[str, Figures]]:
    found = {y: {d.value: Figures() for d in Direction} for y in years}
    base = (select().select_from(Invitation).join(Invitation.campaign).join(Campaign.contract)
            .where(*scope))
    submitted = Invitation.status == InvitationStatus.submitted

    def grouped(query, *columns):
        for row in db.execute(query.add_columns(*by_year, Invitation.direction, *columns)
                              .group_by(*by_year, Invitation.direction)):
            year, (direction, *counts) = (row[0], row[1:]) if by_year else (first, row)
            yield found[year][direction], counts

    for figures, (invitations, filed) in grouped(base, func.count(Invitation.id),
                                                 _count(submitted)):
        figures.invitations, figures.submitted = invitations, filed
    for figures, counts in grouped(base.join(Invitation.answers).where(submitted, _ANSWERED),
                                   *_ANSWER_COUNTS):
        _fill(figures, counts)
    return found
