"""Small builders for crafted indicator datasets: rows written directly (no workflow), so that
every date, status and figure is the one the hand computation in the tests uses."""

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from portal.models import (
    AuditEvent,
    Commitment,
    CommitmentKind,
    Contract,
    ContractParty,
    Organisation,
    OrgKind,
    PartyRole,
)
from supplier.models import (
    AgecLine,
    Declaration,
    InsertionLine,
    PlanAction,
    PlanUpdate,
    Status,
    Subject,
    declaration_owners,
)
from surveys.models import Answer, Campaign, Invitation, InvitationStatus, Scale
from tests import factories

_numbers = count(1)


def utc(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def org(db, kind: OrgKind = OrgKind.supplier, *, size: str | None = None,
        postcode: str | None = None, **fields) -> Organisation:
    return factories.make_org(db, kind, size=size, postcode=postcode, **fields)


def contract(db, buyer: Organisation, holder: Organisation, *, starts_on: date, ends_on: date,
             notified_on: date | None = None, amount: str | None = None,
             co_holders: tuple[Organisation, ...] = (), **flags) -> Contract:
    c = Contract(buyer_org_id=buyer.id, reference=f"IND-{next(_numbers):05d}",
                 object="Marché de test des indicateurs", nature="works",
                 amount_excl_vat=Decimal(amount) if amount is not None else None,
                 notified_on=notified_on, starts_on=starts_on, ends_on=ends_on,
                 frequency="quarterly", **flags)
    c.parties = [ContractParty(organisation_id=holder.id, role=PartyRole.holder),
                 *(ContractParty(organisation_id=o.id, role=PartyRole.co_holder)
                   for o in co_holders)]
    db.add(c)
    db.flush()
    return c


def commitment(db, c: Contract, kind: CommitmentKind, **params) -> Commitment:
    com = Commitment(contract_id=c.id, kind=kind, params=params)
    db.add(com)
    db.flush()
    return com


def insertion(db, c: Contract, target: str) -> Commitment:
    return commitment(db, c, CommitmentKind.insertion_hours, target_hours=target,
                      penalty_per_missing_hour=None)


def declaration(db, com: Commitment, start: date, end: date, due: date,
                status: Status = Status.validated, *, submitted_at: datetime | None = None,
                reviewed_at: datetime | None = None,
                subject: Subject = Subject.period) -> Declaration:
    d = Declaration(commitment_id=com.id, subject=subject, period_start=start, period_end=end,
                    due_on=due, status=status, submitted_at=submitted_at,
                    reviewed_at=reviewed_at, **declaration_owners(com.contract))
    db.add(d)
    db.flush()
    return d


def hours(db, d: Declaration, public: str, sex: str, age: str, amount: str) -> None:
    db.add(InsertionLine(declaration_id=d.id, beneficiary_ref=f"B-{next(_numbers)}",
                         public_category=public, sex=sex, age_band=age,
                         execution_mode="EMBAUCHE_DIRECTE", hours=Decimal(amount)))
    db.flush()


def agec(db, d: Declaration, code: str, total: str, reuse: str = "0", recycled: str = "0",
         donation: str = "0") -> None:
    db.add(AgecLine(declaration_id=d.id, category_code=code, total_excl_vat=Decimal(total),
                    reuse_excl_vat=Decimal(reuse), recycled_excl_vat=Decimal(recycled),
                    donation_excl_vat=Decimal(donation)))
    db.flush()


def action(db, plan: Declaration, key: str, deadline: date) -> None:
    db.add(PlanAction(declaration_id=plan.id, key=key, axis="social", title=f"Action {key}",
                      deadline=deadline))
    db.flush()


def update(db, d: Declaration, key: str, status: str) -> None:
    db.add(PlanUpdate(declaration_id=d.id, action_key=key, status=status))
    db.flush()


def event(db, d: Declaration, action_name: str, at: datetime) -> None:
    db.add(AuditEvent(entity="declaration", entity_id=d.id, action=action_name, at=at))
    db.flush()


def campaign(db, c: Contract, closed_at: datetime | None) -> Campaign:
    camp = Campaign(contract_id=c.id, reason="ended", due_on=date(2030, 1, 1),
                    closed_at=closed_at)
    db.add(camp)
    db.flush()
    return camp


def invitation(db, camp: Campaign, direction: str, respondent: Organisation,
               subject: Organisation, *answers: tuple[str, int | None], submitted: bool = True
               ) -> Invitation:
    """``answers``: (scale, value) pairs; value None on the satisfaction scale is « Non
    concerné »."""
    inv = Invitation(campaign_id=camp.id, direction=direction, respondent_org_id=respondent.id,
                     subject_org_id=subject.id,
                     status=InvitationStatus.submitted if submitted else InvitationStatus.draft,
                     submitted_at=utc(2025, 6, 1) if submitted else None)
    inv.answers = [Answer(position=n, wording=f"Question {n}", scale=scale, value=value,
                          not_applicable=scale == Scale.satisfaction and value is None)
                   for n, (scale, value) in enumerate(answers, start=1)]
    db.add(inv)
    db.flush()
    return inv
