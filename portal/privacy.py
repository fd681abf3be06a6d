"""Personal data of the portal's users (GDPR art. 15, 17 and 20): the copy a person downloads,
and the erasure of a departed person that keeps the organisation's records intact."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal import identity, members
from portal.access import AccessRequest
from portal.accounts import AccountToken
from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Forbidden, NotFound
from portal.mail import OutgoingMail
from portal.models import AuditEvent, AuthToken, TokenKind, User
from portal.notifications import Notification

ERASED_TEXT = "[effacé à la demande de la personne]"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(db: Session, user: User) -> dict[str, Any]:
    """Everything the portal holds about the person, and nothing about anyone else."""
    organisation = user.organisation
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                        .order_by(AuditEvent.at, AuditEvent.id))
    notifications = db.scalars(select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.created_at, Notification.id))
    tokens = db.scalars(select(AuthToken).where(AuthToken.user_id == user.id,
                                                AuthToken.kind == TokenKind.personal)
                        .order_by(AuthToken.id))
    return {
        "exported_at": now().isoformat(),
        "account": {
            "id": user.id, "email": user.email, "full_name": user.full_name,
            "role": user.role, "is_manager": user.is_manager, "is_active": user.is_active,
            "created_at": _when(user.created_at), "last_login_at": _when(user.last_login_at),
        },
        "organisation": {"id": organisation.id, "name": organisation.name,
                         "siret": organisation.siret, "kind": organisation.kind},
        "preferences": {"mail_alerts": user.mail_alerts, "mail_digest": user.mail_digest},
        "audit_events": [
            {"at": _when(e.at), "entity": e.entity, "entity_id": e.entity_id,
             "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
             "comment": e.comment} for e in events],
        "notifications": [
            {"created_at": _when(n.created_at), "kind": n.kind, "message": n.message,
             "link": n.link, "read_at": _when(n.read_at)} for n in notifications],
        "api_tokens": [
            {"name": t.name, "created_at": _when(t.created_at),
             "expires_at": _when(t.expires_at), "last_used_at": _when(t.last_used_at)}
            for t in tokens],
    }


def erase(db: Session, *, admin: User, user_id: int) -> User:
    """Replaces the person's personal fields by a pseudonym and deletes what is only theirs
    (sessions, tokens, links, notifications, the text of their mails). The organisation's
    filings and the audit trail stay, signed by the pseudonym."""
    if not admin.is_admin:
        raise Forbidden("Seuls les administrateurs effacent un compte.")
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("Ce compte n'existe pas.")
    if user.id == admin.id:
        raise Conflict("Vous ne pouvez pas effacer votre propre compte.")
    if user.erased_at is not None:
        raise Conflict("Ce compte est déjà effacé.")
    if user.is_active:
        members.deactivate(db, actor=admin, user_id=user.id)
    old_email = user.email
    pseudonym_email = f"compte-efface-{user.id}@efface.invalid"
    user.email, user.full_name = pseudonym_email, f"Compte effacé n° {user.id}"
    user.password_hash, user.last_login_at = None, None
    user.is_active, user.is_manager, user.erased_at = False, False, now()
    user.mail_alerts = user.mail_digest = False
    identity.end_tokens(db, user)
    db.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.execute(delete(Notification).where(Notification.user_id == user.id))
    db.execute(update(OutgoingMail).where(OutgoingMail.to_address == old_email)
               .values(to_address=pseudonym_email, subject=ERASED_TEXT, text_body=ERASED_TEXT,
                       html_body=None).execution_options(synchronize_session=False))
    db.execute(update(AccessRequest).where(AccessRequest.email == old_email)
               .values(email=pseudonym_email, full_name=user.full_name)
               .execution_options(synchronize_session=False))
    db.flush()
    audit(db, admin, "user", user.id, "erase", to_status="erased")
    return user
