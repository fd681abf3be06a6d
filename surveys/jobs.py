"""Daily survey jobs: launch the campaigns of ended contracts, close the expired ones.

Plain functions of a session and a day, idempotent: running them twice changes nothing.
"""

from datetime import date, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import plural
from portal.models import Contract, Organisation, Role, User
from portal.notifications import notify
from surveys.models import Campaign, Invitation, InvitationStatus, LaunchReason
from surveys.service import close_campaign, invitation_keys, launch_campaign


def launch_ended_contracts(db: Session, today: date) -> list[Campaign]:
    """A campaign for every contract whose end date (contractual end, or early closing) has
    passed and that has none yet."""
    has_campaign = exists().where(Campaign.contract_id == Contract.id)
    # Contract.end_date is min(ends_on, closed_on): it has passed when either date has.
    ended = select(Contract).where(
        or_(Contract.ends_on < today, Contract.closed_on < today), ~has_campaign
    ).order_by(Contract.id)
    return [launch_campaign(db, contract, reason=LaunchReason.ended, on=today)
            for contract in db.scalars(ended).unique()]


def close_expired_campaigns(db: Session, today: date) -> list[Campaign]:
    """Closes the open campaigns whose answering period ended before ``today``."""
    expired = select(Campaign).where(Campaign.closed_at.is_(None), Campaign.due_on < today)
    campaigns = list(db.scalars(expired.order_by(Campaign.id)).unique())
    for campaign in campaigns:
        close_campaign(db, campaign)
    return campaigns


def _respondents(db: Session, organisation_id: int) -> list[User]:
    role = Role.buyer if db.get(Organisation, organisation_id).kind == "buyer" else Role.supplier
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
                 "holder_rates_buyer" else f"le titulaire {invitation.subject.name}")
        reminder = campaign.due_on - today() <= timedelta(days=7)
        for user in _respondents(db, invitation.respondent_org_id):
            first, again = invitation_keys(invitation.id)
            key = again if reminder else first
            told += notify(
                db, user, key=key, kind="survey_reminder" if reminder else "survey",
                message=f"Enquête de fin de contrat {contract.reference} : donnez votre avis sur "
                        f"{about} avant le {campaign.due_on:%d/%m/%Y}.",
                link=f"/enquetes/{invitation.id}", mail=user.mail_alerts,
                mail_template="alert",
                context={"subject": ("Relance : enquête" if reminder else "Enquête") +
                         f" de fin de contrat {contract.title}"})
    return (f"{plural(len(launched), 'campagne lancée', 'campagnes lancées')}, "
            f"{plural(told, 'invitation ou relance envoyée', 'invitations et relances envoyées')}")


def close_campaigns(db: Session) -> str:
    """Scheduled: closes the campaigns whose answering period is over."""
    return plural(len(close_expired_campaigns(db, today())), "campagne close", "campagnes closes")
