"""Daily survey jobs: launch the campaigns of ended contracts and the yearly reviews of
multi-year contracts, close the expired ones.

Plain functions of a session and a day, idempotent: running them twice changes nothing.
"""

from datetime import date, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import plural
from portal.models import Contract, ContractStatus, Organisation, OrgKind, Role, User
from portal.notifications import notify
from portal.periods import add_months
from surveys.models import Campaign, Direction, Invitation, InvitationStatus, LaunchReason
from surveys.service import answers_due_on, close_campaign, invitation_keys, launch_campaign

ROLE_OF_KIND = {OrgKind.buyer: Role.buyer, OrgKind.supplier: Role.supplier,
                OrgKind.facilitator: Role.facilitator}


def launch_ended_contracts(db: Session, today: date) -> list[Campaign]:
    """A campaign for every contract whose end date (contractual end, or early closing) has
    passed and that has none yet."""
    has_campaign = exists().where(Campaign.contract_id == Contract.id, Campaign.anniversary == 0)
    # Contract.end_date is min(ends_on, closed_on): it has passed when either date has.
    ended = select(Contract).where(
        or_(Contract.ends_on < today, Contract.closed_on < today), ~has_campaign
    ).order_by(Contract.id)
    return [launch_campaign(db, contract, reason=LaunchReason.ended, on=today)
            for contract in db.scalars(ended).unique()]


def latest_anniversary(contract: Contract, today: date) -> int | None:
    """The latest anniversary n of the contract's start reached by ``today`` that gets a yearly
    review, or None. Only a contract lasting more than twelve months has some, and only those
    whose answering time ends before the contract does: the end-of-contract survey takes the
    place of a review that would still be open at the end (the two would overlap)."""
    if contract.ends_on <= add_months(contract.starts_on, 12):
        return None
    years = today.year - contract.starts_on.year
    if add_months(contract.starts_on, 12 * years) > today:
        years -= 1
    if years < 1 or answers_due_on(add_months(contract.starts_on, 12 * years)) >= contract.end_date:
        return None
    return years


def launch_yearly_reviews(db: Session, today: date) -> list[Campaign]:
    """A yearly review for every running multi-year contract whose latest anniversary has none
    yet. A day the job did not run is caught up the next day; an anniversary is reviewed once
    (checked here, and the campaign's unique key makes a second scheduler harmless). A contract
    registered long after an anniversary gets the review of its latest one only."""
    running = (select(Contract)
               .where(Contract.status != ContractStatus.closed, Contract.ends_on > today,
                      or_(Contract.closed_on.is_(None), Contract.closed_on > today),
                      Contract.starts_on <= add_months(today, -12))
               .order_by(Contract.id))
    due = {contract.id: (contract, n) for contract in db.scalars(running).unique()
           if (n := latest_anniversary(contract, today)) is not None}
    if not due:
        return []
    reviewed = {(contract_id, n) for contract_id, n in db.execute(
        select(Campaign.contract_id, Campaign.anniversary).where(
            Campaign.contract_id.in_(due), Campaign.anniversary > 0))}
    return [launch_campaign(db, contract, reason=LaunchReason.anniversary, on=today,
                            anniversary=n)
            for contract, n in due.values() if (contract.id, n) not in reviewed]


def close_expired_campaigns(db: Session, today: date) -> list[Campaign]:
    """Closes the open campaigns whose answering period ended before ``today``."""
    expired = select(Campaign).where(Campaign.closed_at.is_(None), Campaign.due_on < today)
    campaigns = list(db.scalars(expired.order_by(Campaign.id)).unique())
    for campaign in campaigns:
        close_campaign(db, campaign)
    return campaigns


def _respondents(db: Session, organisation_id: int) -> list[User]:
    role = ROLE_OF_KIND[OrgKind(db.get(Organisation, organisation_id).kind)]
    return list(db.scalars(select(User).where(User.organisation_id == organisation_id,
                                              User.role == role, User.is_active)))


def launch_campaigns(db: Session) -> str:
    """Scheduled: launches the campaigns of ended contracts, then tells every respondent of every
    open campaign (whatever launched it) once, and reminds them a week before the due date."""
    launched = launch_ended_contracts(db, today())
    open_invitations = db.scalars(
        select(Invitation).join(Invitation.campaign)
        .where(Invitation.status == InvitationStatus.draft, Campaign.closed_at.is_(None),
               Campaign.due_on >= today())
        .order_by(Invitation.id)).all()
    told = 0
    for invitation in open_invitations:
        campaign, contract = invitation.campaign, invitation.campaign.contract
        about = (f"l'acheteur {invitation.subject.name}" if invitation.direction ==
                 Direction.holder_rates_buyer else f"le titulaire {invitation.subject.name}")
        link = f"/enquetes/{invitation.id}"
        if invitation.direction == Direction.facilitator_rates_clause:
            about = f"la clause d'insertion exécutée par {invitation.subject.name}"
            link = f"/facilitateur/enquetes/{invitation.id}"
        # « Enquête de fin de contrat 2025-014 », « Revue annuelle 2026 du contrat 2025-014 »
        title = (f"{campaign.title} du contrat" if campaign.is_yearly_review
                 else campaign.title)
        reminder = campaign.due_on - today() <= timedelta(days=7)
        for user in _respondents(db, invitation.respondent_org_id):
            first, again = invitation_keys(invitation.id)
            key = again if reminder else first
            told += notify(
                db, user, key=key, kind="survey_reminder" if reminder else "survey",
                message=f"{title} {contract.reference} : donnez votre avis sur "
                        f"{about} avant le {campaign.due_on:%d/%m/%Y}.",
                link=link, mail=user.mail_alerts, mail_template="alert",
                context={"subject": (f"Relance : {title[0].lower()}{title[1:]}" if reminder
                                     else title) + f" {contract.title}"})
    return (f"{plural(len(launched), 'campagne lancée', 'campagnes lancées')}, "
            f"{plural(told, 'invitation ou relance envoyée', 'invitations et relances envoyées')}")


def launch_reviews(db: Session) -> str:
    """Scheduled: launches the yearly reviews of the multi-year contracts whose anniversary has
    come (launch_surveys then invites and reminds their respondents)."""
    launched = launch_yearly_reviews(db, today())
    return plural(len(launched), "revue annuelle lancée", "revues annuelles lancées")


def close_campaigns(db: Session) -> str:
    """Scheduled: closes the campaigns whose answering period is over."""
    return plural(len(close_expired_campaigns(db, today())), "campagne close", "campagnes closes")
