"""Reminding holders of their declarations: what a reminder says, to whom it goes, and when the
holder was last reminded (the mails about a declaration, see `portal.mail.OutgoingMail`).

The scheduled reminders are sent by `supplier.jobs`; a buyer's own reminder (« Relancer ») by
`execution.review.reminder`."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.mail import About, MailAbout, OutgoingMail
from portal.models import Role, User
from portal.periods import period_label
from supplier.kinds import handler_for
from supplier.models import Declaration

# The mails that remind the holder of a declaration: before the due date, the day after it,
# and a buyer's own reminder.
REMINDER_KINDS = ("reminder", "overdue", "manual_reminder")


ABOUT_DECLARATION = "declaration"


def about(declaration_id: int) -> About:
    """What a mail about the declaration records (its link to the declaration)."""
    return ABOUT_DECLARATION, declaration_id


def last_reminder_at() -> ColumnElement:
    """When the holder was last reminded of the declaration by mail (None: never), as a column
    correlated to `Declaration`: a list reads it with its rows. A mail that could not be
    delivered reminded nobody."""
    return (select(func.max(OutgoingMail.created_at))
            .join(MailAbout, MailAbout.mail_id == OutgoingMail.id)
            .where(MailAbout.entity == ABOUT_DECLARATION, MailAbout.entity_id == Declaration.id,
                   OutgoingMail.kind.in_(REMINDER_KINDS), OutgoingMail.status != "failed")
            .correlate(Declaration).scalar_subquery())


def last_reminder(db: Session, declaration_id: int):
    return db.scalar(select(last_reminder_at()).select_from(Declaration)
                     .where(Declaration.id == declaration_id))


def users_of(db: Session, organisation_id: int, role: Role) -> list[User]:
    """The active users of an organisation with that role: who is told."""
    return list(db.scalars(select(User).where(User.organisation_id == organisation_id,
                                              User.role == role, User.is_active)
                           .order_by(User.id)))


def describe(declaration: Declaration) -> str:
    """The declaration as a reminder names it: kind, period, contract and buyer."""
    contract = declaration.contract
    period = ("la proposition de plan de progrès" if declaration.subject == "plan"
              else f"{period_label(declaration.period_start, declaration.period_end)}")
    return (f"{handler_for(declaration).label} — {period}, contrat {contract.reference} "
            f"({contract.buyer.name})")
