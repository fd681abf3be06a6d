"""« Relancer »: a buyer reminds the holder of a late declaration, at most once a day."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from execution.review.service import get_for_reviewer
from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict
from portal.formatting import day, plural
from portal.models import AuditEvent, Role, User
from portal.notifications import notify
from supplier.models import Declaration
from supplier.reminder import about, describe, users_of

# One reminder by hand per declaration within this time, whoever sends it: the rule the
# refusal message quotes.
MANUAL_REMINDER_INTERVAL = timedelta(hours=24)
ACTION = "remind"  # the audit event of a reminder by hand, which the interval counts from


@dataclass(frozen=True)
class Reminded:
    mailed: int  # the holder's users reminded by mail
    notified_only: int  # those who turned reminder mails off: told in the portal only


def last_manual_reminder(db: Session, declaration_id: int) -> datetime | None:
    return db.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.entity == "declaration", AuditEvent.entity_id == declaration_id,
        AuditEvent.action == ACTION))


def _check_allowed(db: Session, declaration: Declaration) -> None:
    if not declaration.is_overdue:
        raise Conflict("Cette déclaration n'est pas en retard : il n'y a pas lieu de relancer "
                       "le titulaire.")
    last = last_manual_reminder(db, declaration.id)
    if last is not None and now() < last + MANUAL_REMINDER_INTERVAL:
        raise Conflict(f"Le titulaire a déjà été relancé pour cette déclaration le {day(last)} : "
                       "une nouvelle relance sera possible le "
                       f"{day(last + MANUAL_REMINDER_INTERVAL)}.")


def remind_holder(db: Session, declaration_id: int, *, reviewer: User) -> Reminded:
    """Tells each active user of the holder, in the portal and by mail (unless they turned
    reminder mails off), that the declaration is late; audited."""
    declaration = get_for_reviewer(db, declaration_id, reviewer)
    # Two agents clicking at once: the second waits for the first, then sees its reminder.
    db.execute(select(Declaration.id).where(Declaration.id == declaration.id).with_for_update())
    _check_allowed(db, declaration)
    contract = declaration.contract
    # The organisation that files it: the holder, or the sharer whose part it is.
    users = (users_of(db, declaration.holder_org_id, Role.supplier)
             if declaration.holder_org_id else [])
    if not users:
        raise Conflict("Le titulaire n'a aucun utilisateur actif sur le portail : personne ne "
                       "peut être relancé. Invitez-le depuis « Inviter un titulaire ».")
    event = audit(db, reviewer, "declaration", declaration.id, ACTION,
                  comment=f"{plural(len(users), 'utilisateur')} du titulaire")
    db.flush()  # the event's id makes each reminder's notification key unique
    days = declaration.days_late
    for user in users:
        notify(db, user, key=f"manual-reminder:declaration:{declaration.id}:{event.id}",
               kind="manual_reminder",
               message=f"{contract.buyer.name} vous relance : {describe(declaration)} est en "
                       f"retard de {plural(days, 'jour')} (échéance du "
                       f"{day(declaration.due_on)}). Merci de la déposer au plus vite.",
               link=f"/fournisseur/declarations/{declaration.id}", mail=user.mail_alerts,
               mail_template="alert", about=about(declaration.id),
               context={"subject": f"Relance : déclaration en retard — contrat {contract.title}"})
    mailed = sum(1 for user in users if user.mail_alerts)
    return Reminded(mailed=mailed, notified_only=len(users) - mailed)
