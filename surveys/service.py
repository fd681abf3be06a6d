"""Campaigns, invitations and answers: launching, reading under double-blind, answering once."""

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from portal.audit import audit
from portal.clock import now, today
from portal.contracts import get_contract_for_reviewer
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.formatting import day
from portal.models import Commitment, CommitmentKind, Contract, PartyRole, User
from portal.notifications import Notification
from portal.permissions import attached_facilitators
from portal.settings import get_settings
from surveys.bank import bank, ensure_bank
from surveys.models import (
    PARTY_DIRECTIONS,
    Answer,
    Campaign,
    Direction,
    Invitation,
    InvitationStatus,
    LaunchReason,
    Scale,
)
from surveys.vocabulary import CHOICES, MAX_TEXT, NOT_APPLICABLE

NOT_SAVED = "Vos réponses n'ont pas été enregistrées : corrigez les questions signalées."


# --- Launching -------------------------------------------------------------------------------

def campaign_of(db: Session, contract_id: int) -> Campaign | None:
    """The contract's end-of-contract survey (its yearly reviews are `yearly_reviews`)."""
    return db.scalar(select(Campaign).where(Campaign.contract_id == contract_id,
                                            Campaign.anniversary == 0))


def yearly_reviews(db: Session, contract_id: int) -> list[Campaign]:
    """The contract's yearly reviews, the latest first."""
    return list(db.scalars(select(Campaign).where(Campaign.contract_id == contract_id,
                                                  Campaign.anniversary > 0)
                           .order_by(Campaign.anniversary.desc())).unique())


def answers_due_on(launch_day: date) -> date:
    """The last day to answer a survey launched on ``launch_day``."""
    return launch_day + timedelta(days=get_settings().survey_due_days)


def following_facilitators(db: Session, contract: Contract) -> list[int]:
    """The facilitator organisations following the contract's insertion clause (none when the
    contract has no insertion commitment)."""
    insertion = select(Commitment.id).where(Commitment.contract_id == contract.id,
                                            Commitment.kind == CommitmentKind.insertion_hours)
    if db.scalar(insertion.limit(1)) is None:
        return []
    return sorted(set(db.scalars(attached_facilitators(contract.buyer_org_id, contract.id))))


def launch_campaign(db: Session, contract: Contract, *, reason: LaunchReason,
                    by: User | None = None, on: date | None = None,
                    anniversary: int = 0) -> Campaign:
    """The contract's campaign, created with its invitations if it does not exist yet: one
    end-of-contract campaign per contract, whatever launched it first, and one yearly review
    per anniversary (``anniversary`` n > 0: the n-th anniversary of its start)."""
    existing = db.scalar(select(Campaign).where(Campaign.contract_id == contract.id,
                                                Campaign.anniversary == anniversary))
    if existing is not None:
        return existing
    campaign = Campaign(contract_id=contract.id, anniversary=anniversary, reason=reason,
                        launched_at=now(), launched_by_id=by.id if by else None,
                        due_on=answers_due_on(on or today()))
    # The facilitator is a third party of the end-of-contract survey only: the yearly reviews
    # are the two parties' conversation.
    facilitators = following_facilitators(db, contract) if anniversary == 0 else []
    directions = [*PARTY_DIRECTIONS,
                  *([Direction.facilitator_rates_clause] if facilitators else [])]
    for direction in directions:
        ensure_bank(db, contract.buyer_org_id, direction)
    questions = {direction: bank(db, contract.buyer_org_id, direction, active_only=True)
                 for direction in directions}
    # The holder and co-holders answer; a sub-contractor (declared by the holder) is not the
    # buyer's supplier.
    for party in [p for p in contract.parties if p.role != PartyRole.subcontractor]:
        pairs = [(Direction.buyer_rates_holder, contract.buyer_org_id, party.organisation_id),
                 (Direction.holder_rates_buyer, party.organisation_id, contract.buyer_org_id)]
        pairs += [(Direction.facilitator_rates_clause, facilitator, party.organisation_id)
                  for facilitator in facilitators]
        for direction, respondent, subject in pairs:
            campaign.invitations.append(Invitation(
                direction=direction, respondent_org_id=respondent, subject_org_id=subject,
                answers=[Answer(question_id=q.id, position=n, wording=q.wording, scale=q.scale)
                         for n, q in enumerate(questions[direction], start=1)]))
    db.add(campaign)
    db.flush()
    audit(db, by, "survey_campaign", campaign.id, "launch", to_status="open",
          comment=reason if anniversary == 0 else f"{reason} {anniversary}")
    return campaign


def launch_by_hand(db: Session, contract_id: int, *, user: User) -> tuple[Campaign, bool]:
    """(campaign, whether it was created now) for a buyer of the contract."""
    contract = get_contract_for_reviewer(db, contract_id, user)
    existing = campaign_of(db, contract.id)
    if existing is not None:
        return existing, False
    return launch_campaign(db, contract, reason=LaunchReason.manual, by=user), True


def close_campaign(db: Session, campaign: Campaign) -> None:
    campaign.closed_at = now()
    db.flush()
    audit(db, None, "survey_campaign", campaign.id, "close", from_status="open",
          to_status="closed")


def invitation_keys(invitation_id: int) -> tuple[str, str]:
    """The notification keys telling a respondent about an invitation: (first, reminder)."""
    return f"survey:invitation:{invitation_id}", f"survey-reminder:invitation:{invitation_id}"


def is_unheard_of(db: Session, campaign: Campaign) -> bool:
    """Launched by an early closing, and nobody has heard of it yet: no respondent was told
    (the daily job tells them) and nobody saved an answer."""
    if campaign.reason != LaunchReason.closed_early:
        return False
    if any(i.saved_at is not None or i.is_submitted for i in campaign.invitations):
        return False
    keys = [key for i in campaign.invitations for key in invitation_keys(i.id)]
    respondents = {i.respondent_org_id for i in campaign.invitations}
    told = (select(Notification.id).join(User, User.id == Notification.user_id)
            .where(User.organisation_id.in_(respondents), Notification.key.in_(keys)).limit(1))
    return db.scalar(told) is None


def withdraw_campaign(db: Session, campaign: Campaign, *, by: User) -> None:
    """Removes a campaign nobody has heard of (see `is_unheard_of`), with its invitations."""
    audit(db, by, "survey_campaign", campaign.id, "withdraw", from_status="open",
          to_status="withdrawn", comment=f"contrat {campaign.contract_id}")
    db.delete(campaign)
    db.flush()


def accepts_answers(campaign: Campaign) -> bool:
    return campaign.closed_at is None and today() <= campaign.due_on


# --- Reading under double-blind -----------------------------------------------------------------

def mirrored_submitted() -> ColumnElement[bool]:
    """The other side has submitted its own evaluation of this invitation's respondent."""
    other = aliased(Invitation)
    return exists().where(other.campaign_id == Invitation.campaign_id,
                          other.respondent_org_id == Invitation.subject_org_id,
                          other.subject_org_id == Invitation.respondent_org_id,
                          other.status == InvitationStatus.submitted)


def _buyer_of_contract(org_id: int) -> ColumnElement[bool]:
    """The organisation is the buyer of the invitation's contract."""
    campaign, contract = aliased(Campaign), aliased(Contract)
    return exists().where(campaign.id == Invitation.campaign_id,
                          contract.id == campaign.contract_id, contract.buyer_org_id == org_id)


def _read_by_buyer(org_id: int) -> ColumnElement[bool]:
    """A facilitator's evaluation, and the organisation is the contract's buyer (the
    facilitator works for it)."""
    return and_(Invitation.direction == Direction.facilitator_rates_clause,
                _buyer_of_contract(org_id))


def answers_visible(org_id: int) -> ColumnElement[bool]:
    """SQL condition (on Invitation joined to its Campaign): the organisation may read these
    submitted answers. Its own always; the other side's evaluation of itself only once it has
    answered too, or once the campaign is closed, so no answer can be tuned to the other.

    A facilitator's evaluation of a holder: the buyer, for whom the facilitator works, reads
    it once submitted (it answers nothing the facilitator could tune to); the holder like any
    evaluation of itself, and as it never evaluates the facilitator, once the campaign is
    closed. The two parties' double-blind is untouched."""
    return and_(Invitation.status == InvitationStatus.submitted,
                or_(Invitation.respondent_org_id == org_id,
                    and_(Invitation.subject_org_id == org_id,
                         or_(Campaign.closed_at.is_not(None), mirrored_submitted())),
                    _read_by_buyer(org_id)))


def involves(org_id: int) -> ColumnElement[bool]:
    return or_(Invitation.respondent_org_id == org_id, Invitation.subject_org_id == org_id,
               _read_by_buyer(org_id))


def get_invitation(db: Session, invitation_id: int, *, user: User) -> Invitation:
    """Only users of the two organisations of the invitation know it exists."""
    invitation = db.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                    involves(user.organisation_id)))
    if invitation is None:
        raise NotFound("Cette enquête n'existe pas ou vous n'y avez pas accès.")
    return invitation


def can_read_answers(db: Session, invitation: Invitation, *, user: User) -> bool:
    if invitation.respondent_org_id == user.organisation_id:
        return True  # its own answers, drafts included
    return bool(db.scalar(select(Invitation.id).join(Invitation.campaign).where(
        Invitation.id == invitation.id, answers_visible(user.organisation_id))))


def counterpart(db: Session, invitation: Invitation) -> Invitation | None:
    """The other side's evaluation of this invitation's respondent."""
    return db.scalar(select(Invitation).where(
        Invitation.campaign_id == invitation.campaign_id,
        Invitation.respondent_org_id == invitation.subject_org_id,
        Invitation.subject_org_id == invitation.respondent_org_id))


def can_answer(invitation: Invitation, user: User) -> bool:
    return (invitation.respondent_org_id == user.organisation_id and not user.is_admin
            and not invitation.is_submitted and accepts_answers(invitation.campaign))


# --- Answering ----------------------------------------------------------------------------------

def _clean(answer: Answer, raw: object) -> tuple[int | None, str | None, str | None, bool]:
    """(value, choice, text, not applicable) from a raw answer, or ValueError in French."""
    if raw is None or raw == "":
        return None, None, None, False
    if answer.scale == Scale.satisfaction:
        if raw == NOT_APPLICABLE:
            return None, None, None, True
        if type(raw) is int and 1 <= raw <= 5:
            return raw, None, None, False
        raise ValueError("Choisissez une note de 1 à 5 ou « Non concerné ».")
    if answer.scale == Scale.likelihood:
        if type(raw) is int and 0 <= raw <= 10:
            return raw, None, None, False
        raise ValueError("Choisissez une note de 0 à 10.")
    if answer.scale in CHOICES:
        if isinstance(raw, str) and raw in CHOICES[answer.scale]:
            return None, raw, None, False
        raise ValueError("Répondez par oui ou non." if answer.scale == Scale.yes_no
                         else "Répondez par oui, non ou « je ne sais pas ».")
    if not isinstance(raw, str):
        raise ValueError("Un texte est attendu.")
    if len(raw) > MAX_TEXT:
        raise ValueError("Le commentaire ne peut pas dépasser 2 000 caractères.")
    return None, None, raw.strip() or None, False


def _check_answerable(invitation: Invitation, user: User) -> None:
    if invitation.respondent_org_id != user.organisation_id or user.is_admin:
        raise Forbidden("Seule l'organisation invitée répond à cette enquête.")
    if invitation.is_submitted:
        raise Conflict("Vos réponses à cette enquête ont déjà été déposées : elles ne sont "
                       "plus modifiables.")
    campaign = invitation.campaign
    if campaign.closed_at is not None:
        raise Conflict(f"Cette enquête est close depuis le {day(campaign.closed_at)} : "
                       "elle n'accepte plus de réponses.")
    if today() > campaign.due_on:
        raise Conflict(f"La date limite de réponse ({day(campaign.due_on)}) est passée : "
                       "l'enquête n'accepte plus de réponses.")


def save_answers(db: Session, invitation_id: int, answers: Mapping[int | str, object], *,
                 user: User, submit: bool = False) -> Invitation:
    """Saves the given answers (by question id; None clears one) as a draft, then, with
    ``submit``, deposits them once and for all when every question requiring an answer has one."""
    invitation = get_invitation(db, invitation_id, user=user)
    _check_answerable(invitation, user)
    by_id = {a.id: a for a in invitation.answers}
    errors: dict[str, str] = {}
    cleaned = {}
    for key, raw in answers.items():
        answer = by_id.get(int(key)) if str(key).isdigit() else None
        if answer is None:
            errors[f"answers.{key}"] = "Cette question ne fait pas partie de l'enquête."
            continue
        try:
            cleaned[answer.id] = _clean(answer, raw)
        except ValueError as error:
            errors[f"answers.{answer.id}"] = str(error)
    if errors:
        raise Invalid(NOT_SAVED, field_errors=errors)
    for answer_id, (value, choice, text, not_applicable) in cleaned.items():
        answer = by_id[answer_id]
        answer.value, answer.choice, answer.text = value, choice, text
        answer.not_applicable = not_applicable
    invitation.saved_at = now()
    if submit:
        missing = {f"answers.{a.id}": "Répondez à cette question avant de déposer vos réponses."
                   for a in invitation.answers if a.scale != Scale.text and not a.is_answered}
        if missing:
            raise Invalid("Vos réponses ne sont pas déposées : il manque des réponses.",
                          field_errors=missing)
        invitation.status = InvitationStatus.submitted
        invitation.submitted_at, invitation.submitted_by_id = now(), user.id
    db.flush()
    if submit:
        audit(db, user, "survey_invitation", invitation.id, "submit",
              from_status=InvitationStatus.draft, to_status=InvitationStatus.submitted)
    return invitation


def status_label(invitation: Invitation) -> tuple[str, str]:
    """(badge style, French label) of an invitation, for lists and pages."""
    if invitation.is_submitted:
        return "validated", "Réponses déposées"
    if not accepts_answers(invitation.campaign):
        return "missed", "Sans réponse (enquête close)"
    if invitation.saved_at is not None:
        return "draft", "Brouillon enregistré"
    return "expected", "À remplir"


def answer_value(answer: Answer) -> int | str | None:
    """An answer as the API and the forms carry it: a number, « na », a choice or a text."""
    if answer.not_applicable:
        return NOT_APPLICABLE
    if answer.value is not None:
        return answer.value
    return answer.choice if answer.choice is not None else answer.text
