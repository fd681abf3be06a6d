"""Reminding holders of their declarations: what a reminder says, to whom it goes, and when the
holder was last reminded (the mails about a declaration, see `portal.mail.MailAbout`).

The scheduled reminders are sent by `supplier.jobs`, grouped by `tell_grouped`; a buyer's own
reminder (« Relancer ») by `execution.review.reminder`."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import day, plural
from portal.mail import About, MailAbout, OutgoingMail, queue_mail
from portal.models import Role, User
from portal.notifications import Notification, notify, render_mail
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
    return f"{handler_for(declaration).label} — {period}, contrat {contract.title} " \
           f"({contract.buyer.name})"


# --- One mail a day per person --------------------------------------------------------------

LISTED = 50  # declarations listed in one mail; the portal's list has the rest
AUDIENCES = {  # who reads the grouped mail: its kind, the list it links to
    "holder": ("/fournisseur/declarations", "Déclarations à déposer pour {organisation} :"),
    "buyer": ("/acheteur/declarations?state=overdue",
              "Ces déclarations n'ont pas été déposées par les titulaires de vos contrats :"),
}


@dataclass(frozen=True)
class Item:
    """One declaration a person is reminded of: the bell's key (the event, told once), its
    link and its sentence, and whether it is late."""

    declaration: Declaration
    key: str
    link: str
    message: str
    late: bool


def _subject(items: list[Item], audience: str) -> str:
    """How many and, when they are all about one contract, which one (in the subject, a reader
    knows what it is about before opening)."""
    count, late = len(items), sum(item.late for item in items)
    dues = sorted({item.declaration.due_on for item in items})
    if audience == "buyer":
        text = ("Déclaration non déposée" if count == 1
                else f"{count} déclarations non déposées")
    elif late == count:
        text = "Déclaration en retard" if count == 1 else f"{count} déclarations en retard"
    elif late:
        text = f"{count} déclarations à déposer, dont {late} en retard"
    elif count == 1:
        text = f"Rappel : déclaration à déposer avant le {day(dues[0])}"
    else:
        text = (f"Rappel : {count} déclarations à déposer avant le {day(dues[0])}"
                if len(dues) == 1 else
                f"Rappel : {count} déclarations à déposer, la première avant le {day(dues[0])}")
    contracts = {item.declaration.contract for item in items}
    if len(contracts) == 1:
        text += f" — contrat {contracts.pop().title}"
    return text


def _kind(items: list[Item], audience: str) -> str:
    """The kind of a notice or a mail (« Envois » filters on it): a mail listing a late
    declaration is an overdue alert."""
    if audience == "buyer":
        return "overdue_buyer"
    return "overdue" if any(item.late for item in items) else "reminder"


def tell_grouped(db: Session, user: User, items: list[Item], *, audience: str) -> int:
    """Tells a person, in the bell, of each item not yet told (one notice per declaration, its
    link to the declaration), and by mail of all of them at once if they want reminder mails:
    one mail per person and day. What comes up after that day's mail waits for the next day's.
    Returns 1 if the person was told of anything."""
    keys = [item.key for item in items]
    told = set(db.scalars(select(Notification.key).where(Notification.user_id == user.id,
                                                         Notification.key.in_(keys))))
    items = [item for item in items if item.key not in told]
    if not items:
        return 0
    mail_key = f"{audience}-reminders:{today().isoformat()}:{user.id}"
    wants_mail = user.mail_alerts
    if wants_mail and db.scalar(select(OutgoingMail.id).where(OutgoingMail.key == mail_key)):
        return 0  # already mailed today: tomorrow's mail lists them
    for item in items:
        notify(db, user, key=item.key, kind=_kind([item], audience), message=item.message,
               link=item.link, mail=False)
    if wants_mail:
        list_link, intro = AUDIENCES[audience]
        subject, text, html = render_mail("reminders", {
            "user": user, "subject": _subject(items, audience),
            "intro": intro.format(organisation=user.organisation.name),
            "items": items[:LISTED], "more": plural(len(items) - LISTED, "autre déclaration",
                                                    "autres déclarations")
            if len(items) > LISTED else None, "list_link": list_link})
        queue_mail(db, to=user.email, subject=subject, text=text, html=html,
                   kind=_kind(items, audience),
                   key=mail_key, about=[about(item.declaration.id) for item in items])
    return 1
