"""Outgoing mail: every mail is a database row first, then delivered by SMTP or to .eml files.

Delivery is at least once and never loses a mail: a failed attempt is retried with back-off and
the error stays on the row for the "Envois" page. A unique key (kind:target:period) makes
queueing idempotent, so a job run twice never mails twice.
"""

import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.utils import make_msgid
from typing import cast
from urllib.parse import unquote, urlsplit

from sqlalchemy import (
    CursorResult,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.clock import now
from portal.db import Base
from portal.pagination import Page, named_rows, paginate
from portal.settings import get_settings

BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)
SENDING_TIMEOUT = timedelta(minutes=10)
STATUSES = ("pending", "sending", "sent", "failed")
# Mails whose recipient no one reads, administrators included: a candidate survey's reminders
# go only to those who have not answered, so their addresses would tell who answered.
RECIPIENT_HIDDEN_KINDS = frozenset({"candidate_survey"})
RECIPIENT_HIDDEN = "candidat (adresse masquée)"


class OutgoingMail(Base):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now)
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]


class MailAbout(Base):
    """A record a mail is about, named like an audit event's (entity, id): the kernel knows no
    declaration, yet a declaration's reminders are found by their link. One mail may be about
    several records (the day's reminders of an organisation, grouped in one mail)."""

    __tablename__ = "outgoing_mail_about"
    # The mails about one record: one index range.
    __table_args__ = (Index("ix_outgoing_mail_about_entity", "entity", "entity_id"),)

    mail_id: Mapped[int] = mapped_column(ForeignKey("outgoing_mail.id", ondelete="CASCADE"),
                                         primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[int] = mapped_column(primary_key=True)


About = tuple[str, int]  # (entity, id) of the record a mail is about


def queue_mail(db: Session, *, to: str, subject: str, text: str, html: str | None = None,
               kind: str, key: str | None = None, about: About | Iterable[About] | None = None
               ) -> OutgoingMail | None:
    """Records a mail to send, about one record or several; with a key already used, records
    nothing and returns None."""
    if key is not None and db.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)):
        return None
    mail = OutgoingMail(key=key, kind=kind, to_address=to, subject=subject, text_body=text,
                        html_body=html)
    db.add(mail)
    db.flush()
    one = isinstance(about, tuple) and len(about) == 2 and isinstance(about[0], str)
    # The check above tells one (entity, id) pair from an iterable of pairs.
    records = [cast(About, about)] if one else list(cast(Iterable[About], about or []))
    db.add_all(MailAbout(mail_id=mail.id, entity=entity, entity_id=entity_id)
               for entity, entity_id in dict.fromkeys(records))
    db.flush()
    return mail


def subject_header(subject: str) -> str:
    """The Subject header as sent: RFC 2047 encoded words that carry every space. Python's own
    folding (3.11) may fold at the space between two encoded words, where a reader drops it
    (« responsables —Métropole »): a French subject is encoded here, each space inside a word."""
    if subject.isascii():
        return subject
    charset = Charset("utf-8")
    charset.header_encoding = QP  # readable in the raw message, unlike base64
    return Header(subject, charset, header_name="Subject").encode()


def _message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = mail.to_address
    # Stored as already folded (lines under 78 characters): the policy writes it unchanged.
    message.set_raw("Subject", subject_header(mail.subject))
    message["Message-ID"] = make_msgid(idstring=f"portail-{mail.id}")
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    return message


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError("PORTAL_SMTP_URL n'indique pas de serveur (smtp://serveur:port).")
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    context = ssl.create_default_context()
    client = (smtplib.SMTP_SSL(parts.hostname, port, context=context, timeout=30) if secure
              else smtplib.SMTP(parts.hostname, port, timeout=30))
    with client:
        if not secure and "starttls=1" in (parts.query or ""):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def _write_eml(mail: OutgoingMail, message: EmailMessage) -> None:
    folder = get_settings().data_dir / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{mail.created_at:%Y%m%d-%H%M%S}-{mail.id:06d}.eml").write_bytes(bytes(message))


def deliver(mail: OutgoingMail) -> None:
    """Sends one mail; raises on failure (the caller records it)."""
    message = _message(mail)
    smtp_url = get_settings().smtp_url
    if smtp_url:
        _send_smtp(smtp_url, message)
    else:
        _write_eml(mail, message)


def release_stale(db: Session) -> None:
    """A deliverer that died while sending leaves "sending" rows: give them back after a while."""
    db.execute(update(OutgoingMail)
               .where(OutgoingMail.status == "sending",
                      OutgoingMail.claimed_at < now() - SENDING_TIMEOUT)
               .values(status="pending").execution_options(synchronize_session=False))


def due_ids(db: Session, *, limit: int = 200) -> list[int]:
    return list(db.scalars(select(OutgoingMail.id)
                           .where(OutgoingMail.status == "pending",
                                  OutgoingMail.next_attempt_at <= now())
                           .order_by(OutgoingMail.id).limit(limit)))


def claim(db: Session, mail_id: int) -> bool:
    """Marks a pending mail as being sent; of two deliverers, only one gets True."""
    result = db.execute(update(OutgoingMail)
                        .where(OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
                        .values(status="sending", claimed_at=now())
                        .execution_options(synchronize_session=False))
    return cast(CursorResult, result).rowcount == 1


def claimed(db: Session, mail_id: int) -> OutgoingMail:
    """A claimed mail, loaded whole: it is sent after its transaction ends (see
    `portal.jobs.deliver_mail`)."""
    return db.get_one(OutgoingMail, mail_id, populate_existing=True)


def try_delivery(mail: OutgoingMail) -> Exception | None:
    """Sends the mail; the failure, if any (recorded by `record_outcome`)."""
    try:
        deliver(mail)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        return error
    return None


def record_outcome(db: Session, mail_id: int, error: Exception | None) -> bool:
    """Records a delivery: sent, or retried later with back-off (failed after the last try)."""
    mail = db.get_one(OutgoingMail, mail_id, populate_existing=True)
    mail.attempts += 1
    if error is not None:
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        delay = BACKOFF_MINUTES[min(mail.attempts - 1, len(BACKOFF_MINUTES) - 1)]
        mail.next_attempt_at = now() + timedelta(minutes=delay)
        failed = mail.attempts >= get_settings().mail_max_attempts
        mail.status = "failed" if failed else "pending"
        db.flush()
        return False
    mail.status, mail.sent_at, mail.last_error = "sent", now(), None
    db.flush()
    return True


def retry(db: Session, mail_id: int) -> None:
    """An administrator sends a failed mail again."""
    mail = db.get(OutgoingMail, mail_id)
    if mail is not None and mail.status == "failed":
        mail.status, mail.next_attempt_at = "pending", now()
        db.flush()


def sent_mails(db: Session, *, status: str | None = None, kind: str | None = None,
               search: str = "", page: int = 1) -> Page:
    """The "Envois" list, latest first, without the bodies (so without the links they carry);
    ``search`` looks into the recipient and the subject. The recipient of a mail of
    RECIPIENT_HIDDEN_KINDS is neither shown (nor in its error) nor searchable."""
    hidden = OutgoingMail.kind.in_(RECIPIENT_HIDDEN_KINDS)
    query = select(
        OutgoingMail.id, OutgoingMail.kind, OutgoingMail.subject, OutgoingMail.status,
        OutgoingMail.attempts, OutgoingMail.created_at, OutgoingMail.sent_at,
        case((hidden, literal(RECIPIENT_HIDDEN)), else_=OutgoingMail.to_address)
        .label("to_address"),
        case((hidden, func.replace(OutgoingMail.last_error, OutgoingMail.to_address,
                                   RECIPIENT_HIDDEN)), else_=OutgoingMail.last_error)
        .label("last_error"))
    if status:
        query = query.where(OutgoingMail.status == status)
    if kind:
        query = query.where(OutgoingMail.kind == kind)
    if search := search.strip().lower():
        pattern = f"%{search}%"
        query = query.where(or_(and_(~hidden, func.lower(OutgoingMail.to_address).like(pattern)),
                                func.lower(OutgoingMail.subject).like(pattern)))
    found = paginate(db, query.order_by(OutgoingMail.id.desc()), page=page, scalars=False)
    return Page(items=named_rows(found.items), total=found.total, number=found.number,
                per_page=found.per_page)
