"""The « par centrale d'achat » figures the Nord scheme names, and a member's share of the
central's contracts it uses. Each is one grouped SQL aggregate whatever the number of centrals,
members or contracts.

- Per central, on the contracts the central itself signed: the insertion hours of validated
  declarations whose period lies in the period shown, and the share of its contracts notified in
  it and counted by the central's own rule (its threshold, or all notified contracts) that have an
  environmental consideration (portal.considerations).
- A member's line, for each central whose contracts it uses (portal.centrals.CentralContractUse),
  over those contracts active in the period: their validated insertion hours, and its share:
  where its amount is given, the hours × its amount / the contract's amount (at most all of
  them); where it is not, the contract's hours are given whole, as « contrats utilisés », not
  apportioned. The consolidation itself (the central and its members' contracts) is the
  indicators' scope (execution.indicators.scope, ``perimetre=centrale``).
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from execution.indicators import queries as q
from execution.indicators.buyer_config import Settings
from execution.indicators.scope import Scope
from execution.indicators.service import ratio
from portal.centrals import CentralContractUse, CentralMembership, is_central
from portal.clock import today
from portal.considerations import environmental_consideration
from portal.models import Commitment, CommitmentKind, Contract, Organisation, User
from portal.money import cents
from portal.reporting_period import ReportingPeriod
from supplier.models import Declaration, InsertionLine, Status

CENTRAL_SENTENCE = (
    "Sur les contrats signés par la centrale elle-même : heures des lignes d'insertion des "
    "déclarations validées dont la période se situe {during} ; part des contrats notifiés "
    "{during} et retenus selon la règle de la centrale (son seuil, ou tous les contrats "
    "notifiés) qui comportent une considération environnementale (clause, critère ou clause "
    "carbone).")
MEMBER_SENTENCE = (
    "Contrats de la centrale que votre organisation utilise (marchés subséquents, bons de "
    "commande) en cours d'exécution {during}, et leurs heures d'insertion validées dont la "
    "période se situe {during}. Votre part : pour chaque contrat dont votre montant est "
    "renseigné, ses heures × votre montant / le montant du contrat (au plus toutes ses "
    "heures) ; les contrats utilisés sans montant renseigné sont comptés à part, heures "
    "entières, sans prorata. Ces heures restent celles de la centrale dans ses indicateurs.")


@dataclass(frozen=True)
class CentralRow:
    central: Organisation
    members: int
    insertion_hours: Decimal
    environmental: int
    above: int

    @property
    def environmental_share(self) -> Decimal | None:
        return ratio(self.environmental, self.above)


@dataclass(frozen=True)
class MemberShare:
    central: Organisation
    contracts: int
    with_amount: int
    hours: Decimal  # every used contract's hours of the period, whole
    share_hours: Decimal  # pro rata of the member's amount, contracts with an amount
    unapportioned_hours: Decimal  # the hours of the used contracts without an amount


def _period_hours(scope: q.Scope):
    """Validated insertion hours of the declarations of the period, per contract (a subquery)."""
    return (select(Commitment.contract_id.label("contract_id"),
                   func.sum(InsertionLine.hours).label("hours"))
            .select_from(InsertionLine)
            .join(Declaration, Declaration.id == InsertionLine.declaration_id)
            .join(Commitment, Commitment.id == Declaration.commitment_id)
            .where(Declaration.status == Status.validated,
                   Commitment.kind == CommitmentKind.insertion_hours,
                   scope.in_period(Declaration.period_start))
            .group_by(Commitment.contract_id).subquery())


def central_rows(db: Session, *, period: ReportingPeriod,
                 central_id: int | None = None) -> list[CentralRow]:
    """One row per central (or the one asked), by name: three grouped statements."""
    scope = q.Scope(period, None, today())
    centrals = select(CentralMembership.central_org_id)
    if central_id is not None:
        centrals = centrals.where(CentralMembership.central_org_id == central_id)
    members = dict(db.execute(
        select(CentralMembership.central_org_id, func.count())
        .where(CentralMembership.central_org_id.in_(centrals))
        .group_by(CentralMembership.central_org_id)).all())
    if not members:
        return []
    hours = _period_hours(scope)
    by_hours = {org_id: cents(total) for org_id, total in db.execute(
        select(Contract.buyer_org_id, func.sum(hours.c.hours))
        .join(hours, hours.c.contract_id == Contract.id)
        .where(Contract.buyer_org_id.in_(centrals)).group_by(Contract.buyer_org_id))}
    # Each central's contracts counted by its own rule (or the instance's), as its indicators.
    sql = Settings.of(db, None).sql
    above = sql.counted(Contract.amount_excl_vat)
    by_share = {org_id: (int(green), int(n)) for org_id, green, n in db.execute(
        sql.join(select(Contract.buyer_org_id, q.count_if(above & environmental_consideration()),
                        q.count_if(above)), Contract.buyer_org_id)
        .where(Contract.buyer_org_id.in_(centrals), scope.in_period(Contract.notified_on))
        .group_by(Contract.buyer_org_id))}
    organisations = db.scalars(select(Organisation).where(Organisation.id.in_(list(members)))
                               .order_by(Organisation.name, Organisation.id))
    return [CentralRow(org, int(members[org.id]), by_hours.get(org.id, Decimal("0.00")),
                       *by_share.get(org.id, (0, 0))) for org in organisations]


def member_shares(db: Session, *, period: ReportingPeriod, member_id: int) -> list[MemberShare]:
    """The member's line for each central whose contracts it uses: one grouped statement."""
    scope = q.Scope(period, None, today())
    hours = _period_hours(scope)
    contract_hours = func.coalesce(hours.c.hours, 0)
    amount, total = CentralContractUse.amount_excl_vat, Contract.amount_excl_vat
    apportioned = and_(amount.is_not(None), total > 0)
    part = case((amount >= total, 1), else_=amount / total)
    rows = db.execute(
        select(Contract.buyer_org_id, func.count(), q.count_if(apportioned),
               func.sum(contract_hours), q.sum_if(apportioned, contract_hours * part),
               q.sum_if(~apportioned, contract_hours))
        .select_from(CentralContractUse)
        .join(Contract, Contract.id == CentralContractUse.contract_id)
        .outerjoin(hours, hours.c.contract_id == Contract.id)
        .where(CentralContractUse.member_org_id == member_id, q.active_in(scope))
        .group_by(Contract.buyer_org_id)).all()
    names = {org.id: org for org in db.scalars(select(Organisation).where(
        Organisation.id.in_([row[0] for row in rows])))}
    return sorted((MemberShare(names[org_id], int(n), int(known), cents(whole), cents(share),
                               cents(rest))
                   for org_id, n, known, whole, share, rest in rows),
                  key=lambda s: (s.central.name, s.central.id))


def can_consolidate(db: Session, scope: Scope) -> bool:
    """Whether the pages' filters offer « centrale + membres »: the scope is a central's."""
    return scope.buyer is not None and is_central(db, scope.buyer.id)


def dashboard_context(db: Session, user: User, scope: Scope) -> dict:
    """What the dashboard shows of centrals for this scope: administrators every central's
    figures (all buyers) or the chosen central's; a central's agents its own row and the
    choice of the consolidation; a member its share of the central's contracts it uses,
    never another member's figures."""
    buyer = scope.buyer
    if buyer is None:
        rows = central_rows(db, period=scope.period) if user.is_admin else []
        return {"central_rows": rows, "member_shares": [], "can_consolidate": False,
                "central_sentence": CENTRAL_SENTENCE.format(during=scope.period.during)}
    central = is_central(db, buyer.id)
    return {
        "central_rows": central_rows(db, period=scope.period, central_id=buyer.id) if central
        else [],
        "can_consolidate": central,
        "member_shares": member_shares(db, period=scope.period, member_id=buyer.id),
        "central_sentence": CENTRAL_SENTENCE.format(during=scope.period.during),
        "member_sentence": MEMBER_SENTENCE.format(during=scope.period.during)}
