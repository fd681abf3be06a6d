"""In-app notifications (the bell) and the mails that go with them, each under a unique key.

The key names the event (kind:target:period): whatever runs twice — a job, a restart, two
schedulers — finds the key taken and tells nobody a second time.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.clock import now
from portal.db import Base
from portal.formatting import typography
from portal.mail import About, queue_mail
from portal.models import User
from portal.pagination import Page, paginate
from portal.settings import get_settings
from portal.templating import TEMPLATES_DIR, make_environment

# Mail templates sit beside the page templates; this module stays free of the web layer so that
# jobs can use it.
_mail_templates = make_environment(TEMPLATES_DIR / "mail", text=True)


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=now)
    read_at: Mapped[datetime | None]


def render_mail(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from templates/mail/<template>.txt and .html; the subject is the
    first line of the text template, capitalised. Every mail gets its French typography here
    (`typography`), whatever wrote its sentences."""
    context = {"base_url": get_settings().base_url.rstrip("/"), **context}
    text = _mail_templates.get_template(f"{template}.txt").render(context)
    subject, _, body = text.partition("\n")
    html = _mail_templates.get_template(f"{template}.html").render(context)
    subject = subject.strip()
    subject = subject[:1].upper() + subject[1:]
    return typography(subject), typography(body.lstrip("\n")), typography(html)


def notify(db: Session, user: User, *, key: str, kind: str, message: str, link: str | None,
           mail_template: str | None = None, context: dict[str, Any] | None = None,
           mail: bool = True, about: About | Iterable[About] | None = None) -> bool:
    """Tells a user once: a bell notification and, if wanted, a mail (about a record, see
    `portal.mail.MailAbout`). False when already told."""
    exists = select(Notification.id).where(Notification.user_id == user.id,
                                           Notification.key == key)
    if db.scalar(exists):
        return False
    db.add(Notification(user_id=user.id, key=key, kind=kind, message=message, link=link))
    db.flush()
    if mail and mail_template and user.is_active:
        subject, text, html = render_mail(mail_template, {"user": user, "message": message,
                                                          "link": link, **(context or {})})
        queue_mail(db, to=user.email, subject=subject, text=text, html=html, kind=kind,
                   key=f"{key}:{user.id}", about=about)
    return True


# A user's unread notifications, correlated to the user row: read with the session lookup of
# every page (the bell), in the same statement.
UNREAD = (select(func.count(Notification.id)).where(Notification.user_id == User.id,
                                                     Notification.read_at.is_(None))
          .correlate(User).scalar_subquery())


def notifications_page(db: Session, user: User, *, page: int = 1,
                       unread_only: bool = False) -> Page:
    """The user's notifications, the latest first, one page of them."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return paginate(db, query.order_by(Notification.created_at.desc(), Notification.id.desc()),
                    page=page)


def mark_read(db: Session, user: User, notification_id: int | None = None) -> None:
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.execute(query.values(read_at=now()).execution_options(synchronize_session=False))
