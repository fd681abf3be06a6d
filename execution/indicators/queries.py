"""The SQL aggregates behind the indicators of execution.indicators.service: each function
runs one or two statements whatever the number of contracts, and returns sums and counts,
never rows (the
declarations' own indicators are in execution.indicators.declarations).

Works on SQLite and PostgreSQL alike; turning a date or a timestamp into a number of days is
dialect-specific and lives in ``day_number``. With no buyer chosen, no statement joins a
declaration to its contract; with one, the declarations are kept by probing the set of the
buyer's commitments. Trends use the same selections grouped by year (``since``).

« Y » below is the scope's period: a year, or a semester or a quarter of one.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from execution.indicators.buyer_config import BuyerIndicatorSettings, SettingsSql
from portal.agec import AgecCategory
from portal.considerations import environmental_consideration, social_consideration
from portal.formatting import PARIS
from portal.models import (
    AWARDEES,
    Commitment,
    CommitmentKind,
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
)
from portal.money import cents, from_cents
from portal.permissions import facilitated_contract_ids
from portal.reporting_period import AboutAPeriod, ReportingPeriod
from portal.sql import year_of
from supplier.compliance.insertion import standing as insertion_standing
from supplier.compliance.insertion import validated_line_hours
from supplier.exits import KNOWN, POSITIVE
from supplier.models import (
    AgecLine,
    Declaration,
    InsertionExit,
    InsertionLine,
    Status,
)

SME_SIZES = ("TPE", "PME")


@dataclass(frozen=True)
class Scope(AboutAPeriod):
    """What the aggregates are about: a reporting period (a year, a semester or a quarter,
    portal.reporting_period) and a buyer organisation (None: all of them)."""

    period: ReportingPeriod
    buyer_org_id: int | None
    today: date
    # A facilitator organisation's scope: only the contracts it works on (its buyers' insertion
    # contracts, portal.permissions.facilitated_contract_ids).
    facilitator_org_id: int | None = None
    # A purchasing central's consolidation (execution.centrals.consolidation): the contracts of
    # these buyer organisations (the central's and its members'); ``buyer_org_id`` is then the
    # central, so that every « one buyer » branch below filters through ``of_buyer``.
    buyer_org_ids: tuple[int, ...] | None = None

    @property
    def first_day(self) -> date:
        return self.period.first_day

    @property
    def last_day(self) -> date:
        return self.period.last_day

    @property
    def start(self) -> datetime:
        """The period's first instant in Paris: timestamps are compared as the users live them."""
        return datetime.combine(self.period.first_day, time(0), tzinfo=PARIS)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.period.next_first_day, time(0), tzinfo=PARIS)

    def in_period(self, column) -> ColumnElement[bool]:
        return column.between(self.first_day, self.last_day)

    def of_buyer(self) -> ColumnElement[bool]:
        condition = Contract.buyer_org_id == self.buyer_org_id if self.buyer_org_id else true()
        if self.buyer_org_ids is not None:
            condition = Contract.buyer_org_id.in_(self.buyer_org_ids)
        if self.facilitator_org_id is not None:
            condition = and_(condition, Contract.id.in_(
                facilitated_contract_ids(self.facilitator_org_id)))
        return condition


def count_if(condition) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_if(condition, column) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def day_number(db: Session, column) -> ColumnElement:
    """Days (fractional) since a fixed origin, for a date or a UTC timestamp; differences of two
    are durations in days. SQLite: julianday; PostgreSQL: seconds since the epoch / 86 400."""
    if db.get_bind().dialect.name == "sqlite":
        return func.julianday(column)
    return func.extract("epoch", column) / 86400


def contract_end():
    """When execution really ends: the contractual end or the early closing date."""
    return Contract.end_date


def active_in(scope: Scope) -> ColumnElement[bool]:
    return and_(Contract.starts_on <= scope.last_day, contract_end() >= scope.first_day)


def _validated_in_scope(query, scope: Scope):
    """Validated declarations of the scope; the contract is joined only to pick a buyer."""
    return declarations_of_buyer(query.where(Declaration.status == Status.validated), scope)


def buyer_commitments(scope: Scope):
    """The ids of the commitments of the buyer's contracts."""
    return (select(Commitment.id).join(Contract, Contract.id == Commitment.contract_id)
            .where(scope.of_buyer()))


def declarations_of_buyer(query, scope: Scope):
    """Declarations of the buyer's contracts, as a set of commitments the scan probes (cheaper
    than joining every row up to its contract); all of them, with no join, for all buyers."""
    if scope.buyer_org_id is None and scope.facilitator_org_id is None:
        return query
    return query.where(Declaration.commitment_id.in_(buyer_commitments(scope)))


def validated_lines(scope: Scope, *columns, since: int | None = None):
    """The insertion lines every insertion indicator reads: validated declarations of the scope
    whose period starts in Y (or, for trends, in the years from ``since`` to Y)."""
    query = _validated_in_scope(select(*columns).select_from(InsertionLine).join(
        Declaration, Declaration.id == InsertionLine.declaration_id), scope)
    first_day = date(since, 1, 1) if since is not None else scope.first_day
    return query.where(Declaration.period_start.between(first_day, scope.last_day))


# --- Insertion ---------------------------------------------------------------------------------

def insertion_groups(db: Session, scope: Scope) -> list[tuple[str, str, str, Decimal, int]]:
    """(public category, sex, age band, hours, lines) of the validated lines of periods in Y."""
    group = (InsertionLine.public_category, InsertionLine.sex, InsertionLine.age_band)
    rows = db.execute(validated_lines(scope, *group, func.sum(InsertionLine.hours),
                                      func.sum(InsertionLine.line_count)).group_by(*group))
    return [(public, sex, age, cents(hours), int(n)) for public, sex, age, hours, n in rows]


def insertion_hours_by_year(db: Session, scope: Scope, *, since: int
                            ) -> dict[int, tuple[Decimal, int]]:
    """(hours, lines) of the validated lines per year of their period, from ``since`` to Y."""
    year = year_of(Declaration.period_start)
    rows = db.execute(validated_lines(scope, year, func.sum(InsertionLine.hours),
                                      func.sum(InsertionLine.line_count), since=since)
                      .group_by(year))
    return {int(y): (cents(hours), int(n)) for y, hours, n in rows}


def insertion_hours_by_fte(db: Session, scope: Scope) -> list[tuple[Decimal | None, Decimal]]:
    """(the buyer's own hours per FTE, None for the instance's; hours) of the validated lines of
    periods in Y: the all-buyers FTE divides each buyer's hours by its own divisor."""
    fte = BuyerIndicatorSettings.fte_hours
    rows = db.execute(validated_lines(scope, fte, func.sum(InsertionLine.hours))
                      .join(Commitment, Commitment.id == Declaration.commitment_id)
                      .join(Contract, Contract.id == Commitment.contract_id)
                      .outerjoin(BuyerIndicatorSettings,
                                 BuyerIndicatorSettings.buyer_org_id == Contract.buyer_org_id)
                      .group_by(fte))
    return [(None if divisor is None else Decimal(str(divisor)), cents(hours))
            for divisor, hours in rows]


@dataclass(frozen=True)
class InsertionContracts:
    """Contracts with an insertion commitment active in Y, summed."""

    count: int
    target_hours: Decimal
    validated_hours: Decimal  # validated in periods up to the end of Y
    # Each contract's hours expected at the end of Y (supplier.compliance.insertion).
    expected_hours: Decimal


def insertion_contracts(db: Session, scope: Scope) -> InsertionContracts:
    """One aggregate over the contracts of the scope. The hours are summed per commitment of
    the scope only (a correlated sum), not for every buyer's commitments before the scope is
    applied; the hours expected are the contract page's rule, on the last day of Y."""
    validated = validated_line_hours(until=scope.last_day)
    standing = insertion_standing(scope.last_day)
    count, target, done, expected = db.execute(
        select(func.count(), func.sum(standing.target_cents), func.sum(validated),
               func.sum(standing.expected_cents))
        .select_from(Contract)
        .join(Commitment, and_(Commitment.contract_id == Contract.id,
                               Commitment.kind == CommitmentKind.insertion_hours))
        .where(active_in(scope), scope.of_buyer())).one()
    return InsertionContracts(count, from_cents(target), cents(done), from_cents(expected))


def people_accompanied(db: Session, scope: Scope) -> int:
    """Distinct people of the validated lines of periods in Y, contract by contract: a
    reference is the filing organisation's pseudonym of a person, so one per (contract,
    organisation, reference); plus the people merged lines kept past the retention period."""
    detailed = (validated_lines(scope, Declaration.commitment_id, Declaration.holder_org_id,
                                InsertionLine.beneficiary_ref)
                .where(InsertionLine.beneficiary_ref.is_not(None)).distinct().subquery())
    merged = (validated_lines(scope, func.coalesce(func.sum(InsertionLine.people), 0))
              .where(InsertionLine.beneficiary_ref.is_(None)).scalar_subquery())
    return db.scalar(select(select(func.count()).select_from(detailed).scalar_subquery()
                            + merged)) or 0


@dataclass(frozen=True)
class Exits:
    recorded: int = 0
    known: int = 0  # outcome known (supplier.exits.KNOWN): the denominator
    positive: int = 0  # supplier.exits.POSITIVE


def exit_outcomes(db: Session, scope: Scope) -> Exits:
    """The exits dated in Y of the scope's contracts, counted by outcome in one aggregate."""
    recorded, known, positive = db.execute(
        select(func.count(), count_if(InsertionExit.outcome.in_(KNOWN)),
               count_if(InsertionExit.outcome.in_(POSITIVE)))
        .select_from(InsertionExit).join(Contract, Contract.id == InsertionExit.contract_id)
        .where(scope.in_period(InsertionExit.exited_on), scope.of_buyer())).one()
    return Exits(int(recorded), int(known), int(positive))


# --- Contracts notified in Y -------------------------------------------------------------------

@dataclass(frozen=True)
class Notified:
    contracts: int = 0
    above: int = 0  # at or above the threshold
    above_amount: Decimal = Decimal(0)
    social: int = 0
    social_amount: Decimal = Decimal(0)
    environmental: int = 0
    environmental_amount: Decimal = Decimal(0)
    reserved: int = 0
    reserved_amount: Decimal = Decimal(0)
    # The climate follow-up (execution.indicators.climate), counted like the considerations.
    carbon: int = 0
    carbon_amount: Decimal = Decimal(0)
    global_cost: int = 0
    global_cost_amount: Decimal = Decimal(0)


def notified_by_year(db: Session, scope: Scope, *, settings: SettingsSql,
                     since: int | None = None) -> dict[int, Notified]:
    """Contracts notified in Y (or in each year from ``since`` to Y), grouped by year; each
    counted in the shares by its own buyer's threshold (or every one, without a threshold)."""
    amount = Contract.amount_excl_vat
    above = settings.counted(amount)
    social = above & social_consideration()
    environmental = above & environmental_consideration()
    reserved = Contract.reserved.is_(True)
    carbon = above & Contract.carbon_clause.is_(True)
    global_cost = above & Contract.global_cost_criterion.is_(True)
    year = year_of(Contract.notified_on)
    first_day = date(since, 1, 1) if since is not None else scope.first_day
    rows = db.execute(
        settings.join(select(year, func.count(), count_if(above), sum_if(above, amount),
                             count_if(social), sum_if(social, amount), count_if(environmental),
                             sum_if(environmental, amount), count_if(reserved),
                             sum_if(reserved, amount), count_if(carbon), sum_if(carbon, amount),
                             count_if(global_cost), sum_if(global_cost, amount)),
                      Contract.buyer_org_id)
        .where(Contract.notified_on.between(first_day, scope.last_day), scope.of_buyer())
        .group_by(year))
    return {int(y): Notified(int(row[0]), int(row[1]), cents(row[2]), int(row[3]), cents(row[4]),
                             int(row[5]), cents(row[6]), int(row[7]), cents(row[8]),
                             int(row[9]), cents(row[10]), int(row[11]), cents(row[12]))
            for y, *row in rows}


def notified_contracts(db: Session, scope: Scope, *, settings: SettingsSql) -> Notified:
    return notified_by_year(db, scope, settings=settings).get(scope.year, Notified())


def reserved_by_basis(db: Session, scope: Scope) -> dict[str | None, tuple[int, Decimal]]:
    """(count, amount) of the reserved contracts notified in Y by legal basis (None: not
    given)."""
    rows = db.execute(
        select(Contract.reserved_basis, func.count(),
               func.coalesce(func.sum(Contract.amount_excl_vat), 0))
        .where(Contract.reserved.is_(True), scope.in_period(Contract.notified_on),
               scope.of_buyer())
        .group_by(Contract.reserved_basis))
    return {basis: (int(n), cents(amount)) for basis, n, amount in rows}


@dataclass(frozen=True)
class Holders:
    organisations: int = 0
    sme: int = 0
    unknown_size: int = 0
    pairs: int = 0  # distinct (buyer, holder): a holder of two buyers counts for each
    regional: int = 0
    unknown_region: int = 0
    # By amount: contracts notified in Y from their buyer's amount threshold, and the part of
    # their amount whose holder (the titulaire) is a TPE/PME, or is in the buyer's region.
    above: int = 0
    above_amount: Decimal = Decimal(0)
    sme_amount: Decimal = Decimal(0)
    regional_amount: Decimal = Decimal(0)


def holders(db: Session, scope: Scope, *, settings: SettingsSql) -> Holders:
    """Holders and co-holders of the contracts notified in Y, each organisation once per buyer;
    and the amounts of those contracts from the threshold by their holder's size and region."""
    pairs = (select(Contract.buyer_org_id.label("buyer_id"),
                    ContractParty.organisation_id.label("holder_id"))
             .join(ContractParty, and_(ContractParty.contract_id == Contract.id,
                                       ContractParty.role.in_(AWARDEES)))
             .where(scope.in_period(Contract.notified_on), scope.of_buyer())
             .distinct().subquery())
    holder, buyer = aliased(Organisation), aliased(Organisation)
    unknown_region = or_(holder.region.is_(None), buyer.region.is_(None))
    row = db.execute(
        select(func.count(func.distinct(holder.id)),
               func.count(func.distinct(case((holder.size.in_(SME_SIZES), holder.id)))),
               func.count(func.distinct(case((holder.size.is_(None), holder.id)))),
               func.count(), count_if(~unknown_region & (holder.region == buyer.region)),
               count_if(unknown_region))
        .select_from(pairs).join(holder, holder.id == pairs.c.holder_id)
        .join(buyer, buyer.id == pairs.c.buyer_id)).one()
    amount = Contract.amount_excl_vat
    party = aliased(ContractParty)
    local = buyer.region.is_not(None) & (holder.region == buyer.region)
    by_amount = db.execute(settings.join(
        select(func.count(), sum_if(true(), amount), sum_if(holder.size.in_(SME_SIZES), amount),
               sum_if(local, amount))
        .select_from(Contract)
        .join(party, and_(party.contract_id == Contract.id, party.role == PartyRole.holder))
        .join(holder, holder.id == party.organisation_id)
        .join(buyer, buyer.id == Contract.buyer_org_id), Contract.buyer_org_id)
        .where(scope.in_period(Contract.notified_on), scope.of_buyer(),
               amount >= settings.holder_amount_threshold)).one()
    n_orgs, n_sme, n_unknown_size, n_pairs, n_regional, n_unknown = (int(v) for v in row)
    return Holders(n_orgs, n_sme, n_unknown_size, n_pairs, n_regional, n_unknown,
                   above=int(by_amount[0]), above_amount=cents(by_amount[1]),
                   sme_amount=cents(by_amount[2]), regional_amount=cents(by_amount[3]))


# --- AGEC --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgecSpend:
    code: str
    label: str
    regime: str
    lines: int
    total: Decimal
    reuse: Decimal
    donation: Decimal
    recycled: Decimal


def agec_spend(db: Session, scope: Scope) -> list[AgecSpend]:
    """Validated AGEC lines of periods in Y, summed per product category, in catalogue order."""
    query = _validated_in_scope(
        select(AgecCategory.code, AgecCategory.label, AgecCategory.regime, func.count(),
               func.sum(AgecLine.total_excl_vat), func.sum(AgecLine.reuse_excl_vat),
               func.sum(AgecLine.donation_excl_vat), func.sum(AgecLine.recycled_excl_vat))
        .select_from(AgecLine).join(AgecLine.declaration)
        .join(AgecCategory, AgecCategory.code == AgecLine.category_code), scope)
    rows = db.execute(query.where(scope.in_period(Declaration.period_start))
                      .group_by(AgecCategory.code, AgecCategory.label, AgecCategory.regime,
                                AgecCategory.position)
                      .order_by(AgecCategory.regime.desc(), AgecCategory.position))
    return [AgecSpend(code, label, regime, int(n), cents(total), cents(reuse), cents(donation),
                      cents(recycled))
            for code, label, regime, n, total, reuse, donation, recycled in rows]
