"""Closing a contract early, and reopening one closed by mistake: what each will do (the
confirmation pages show it before anything changes), then doing it, audited."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal import contracts as register
from portal.clock import today
from portal.errors import Conflict
from portal.models import Commitment, Contract, ContractStatus, User
from portal.periods import Period, period_label
from supplier.kinds import handler_for
from supplier.models import Declaration, Subject
from supplier.service import PeriodChanges, period_changes, sync_declarations
from surveys.models import Campaign, LaunchReason
from surveys.service import (
    answers_due_on,
    campaign_of,
    is_unheard_of,
    launch_campaign,
    withdraw_campaign,
)


@dataclass(frozen=True)
class PeriodLine:
    """One declaration period as the confirmation pages name it."""

    commitment: str  # the commitment's label
    period: str  # « 3e trimestre 2025 », « Proposition de plan »
    ends_on: date
    due_on: date


@dataclass(frozen=True)
class ClosingPreview:
    contract: Contract
    closing_on: date
    withdrawn: list[PeriodLine]  # periods after the closing day, nothing filed: deleted
    shortened: list[PeriodLine]  # the period under way, ending on the closing day
    kept: list[PeriodLine]  # periods after the closing day the holder has filled in: kept
    campaign: Campaign | None  # a survey launched already: closing launches no other
    survey_due_on: date  # the answers' deadline of the survey closing would launch


@dataclass(frozen=True)
class ReopeningPreview:
    contract: Contract
    ends_on: date
    restored: list[PeriodLine]  # the periods closing withdrew, expected again
    lengthened: list[PeriodLine]  # the period closing shortened, to its full length again
    campaign: Campaign | None
    withdraws_campaign: bool  # see `reopen_contract`


def _line(commitment: Commitment, subject: str, period: Period) -> PeriodLine:
    label = ("Proposition de plan" if subject == Subject.plan
             else period_label(period.start, period.end).capitalize())
    return PeriodLine(handler_for(commitment.kind).label, label, period.end, period.due)


def _declared(declaration: Declaration) -> PeriodLine:
    return _line(declaration.commitment, declaration.subject,
                 Period(declaration.period_start, declaration.period_end, declaration.due_on))


def _moved(declaration: Declaration, period: Period) -> PeriodLine:
    """A period whose end moves, named after its longer version (« 2e trimestre 2025 », not
    « du 01/04/2025 au 10/05/2025 »), with its new end and due date."""
    line = _line(declaration.commitment, declaration.subject, Period(
        declaration.period_start, max(declaration.period_end, period.end), period.due))
    return PeriodLine(line.commitment, line.period, period.end, period.due)


def _changes_if_closed_on(db: Session, contract: Contract, closed_on: date | None
                          ) -> PeriodChanges:
    """What syncing the declarations would do were the contract closed on ``closed_on`` (None:
    not closed), read from a detached copy of its dates: the contract itself is untouched."""
    dates = Contract(starts_on=contract.starts_on, ends_on=contract.ends_on,
                     frequency=contract.frequency, closed_on=closed_on)
    return period_changes(db, contract, dates=dates)


def closing_preview(db: Session, contract: Contract) -> ClosingPreview | None:
    """What closing the contract today would do; None when it is closed already."""
    if contract.status == ContractStatus.closed:
        return None
    changes = _changes_if_closed_on(db, contract, today())
    return ClosingPreview(
        contract=contract, closing_on=today(),
        withdrawn=[_declared(d) for d in changes.withdrawn],
        shortened=[_moved(d, period) for d, period in changes.moved],
        kept=[_declared(d) for d in changes.kept],
        campaign=campaign_of(db, contract.id),
        survey_due_on=answers_due_on(today()))


def reopening_preview(db: Session, contract: Contract) -> ReopeningPreview | None:
    """What reopening the contract would do; None when it is not closed."""
    if contract.status != ContractStatus.closed:
        return None
    changes = _changes_if_closed_on(db, contract, None)
    campaign = campaign_of(db, contract.id)
    return ReopeningPreview(
        contract=contract, ends_on=contract.ends_on,
        # A period of a shared commitment comes back once per filing organisation: told once.
        restored=[_line(c, subject, period) for c, subject, period in dict.fromkeys(
            (c, subject, period) for c, subject, period, _ in changes.added)],
        lengthened=[_moved(d, period) for d, period in changes.moved],
        campaign=campaign,
        withdraws_campaign=campaign is not None and is_unheard_of(db, campaign))


def _named(title: str, lines: list[PeriodLine]) -> str | None:
    if not lines:
        return None
    return f"{title} : " + " ; ".join(f"{line.commitment}, {line.period}" for line in lines)


def close_contract(db: Session, contract_id: int, *, buyer: User,
                   version: int) -> ClosingPreview:
    """Closes the contract as of today: the periods after today are withdrawn (those the holder
    has filled in stay), the one under way ends today, and the end-of-contract survey is
    launched. Returns what was done, as the confirmation page announced it."""
    preview = closing_preview(db, register.get_contract_for_reviewer(db, contract_id, buyer))
    if preview is None:
        raise Conflict(register.ALREADY_CLOSED)
    contract = register.close_contract(db, contract_id, buyer=buyer, version=version,
                                       comment=_named("Périodes retirées", preview.withdrawn))
    sync_declarations(db, contract)
    launch_campaign(db, contract, reason=LaunchReason.closed_early, by=buyer)
    return preview


def reopen_contract(db: Session, contract_id: int, *, buyer: User,
                    version: int) -> ReopeningPreview:
    """Undoes an early closing: the contract runs to its contractual end again, the periods the
    closing withdrew are expected again (they held nothing: they come back empty) and the period
    it shortened gets its full length and due date back.

    The survey the closing launched is withdrawn only while nobody has heard of it: no
    respondent told by the daily job, no answer saved. Then reopening leaves no trace, and the
    survey is launched again at the real end of the contract. Once people were told or have
    answered, it stays: withdrawing it would lose their answers and leave the link of the mail
    they received pointing nowhere; the buyer sees it on the contract page like a survey
    launched by hand."""
    preview = reopening_preview(db, register.get_contract_for_reviewer(db, contract_id, buyer))
    if preview is None:
        raise Conflict(register.NOT_CLOSED)
    survey = None
    if preview.campaign is not None:
        survey = "Enquête retirée" if preview.withdraws_campaign else "Enquête conservée"
    comment = " ; ".join(filter(None, (_named("Périodes rétablies", preview.restored), survey)))
    contract = register.reopen_contract(db, contract_id, buyer=buyer, version=version,
                                        comment=comment or None)
    sync_declarations(db, contract)
    if preview.campaign is not None and preview.withdraws_campaign:
        withdraw_campaign(db, preview.campaign, by=buyer)
    return preview
