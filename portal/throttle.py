"""Throttling of guessable actions (login, password reset, invitations and access requests), per
account or target e-mail and per address. The events live in the database, so every worker
process sees the same counts."""

import math
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import identity
from portal.clock import now
from portal.db import Base
from portal.errors import PortalError
from portal.formatting import plural
from portal.models import User
from portal.settings import get_settings

LOGIN, RESET, INVITE = "login", "reset", "invite"


class ThrottleEvent(Base):
    """One failed login, or one reset or invitation request, for one subject (``account:`` an
    e-mail, ``address:`` a client address)."""

    __tablename__ = "throttle_event"
    __table_args__ = (Index("ix_throttle_event_action_subject", "action", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=now, index=True)


class TooManyAttempts(PortalError):
    status_code = 429

    def __init__(self, wait_seconds: int):
        minutes = max(1, math.ceil(wait_seconds / 60))
        super().__init__("Trop de tentatives : par sécurité, réessayez dans "
                         f"{plural(minutes, 'minute')}.")
        self.retry_after = wait_seconds


def account(email: str) -> str:
    return "account:" + email.strip().lower()[:254]


def address(host: str | None) -> str:
    return "address:" + (host or "inconnue")[:200]


def _free(subject: str) -> int:
    # Many people may share one address (an office behind its proxy): more leeway there.
    settings = get_settings()
    return settings.throttle_free_per_address if subject.startswith("address:") \
        else settings.throttle_free_attempts


def wait_seconds(db: Session, action: str, subject: str) -> int:
    """Seconds before this subject may try again: none for the first attempts, then a delay
    that doubles with each further one."""
    settings = get_settings()
    since = now() - timedelta(hours=settings.throttle_window_hours)
    count, last = db.execute(select(func.count(), func.max(ThrottleEvent.at)).where(
        ThrottleEvent.action == action, ThrottleEvent.subject == subject,
        ThrottleEvent.at > since)).one()
    excess = count - _free(subject)
    if excess < 0 or last is None:
        return 0
    delay = min(settings.throttle_base_seconds * 2 ** min(excess, 20),
                settings.throttle_max_seconds)
    return max(0, math.ceil((last + timedelta(seconds=delay) - now()).total_seconds()))


def check(db: Session, action: str, *subjects: str) -> None:
    """Raises TooManyAttempts when any of the subjects must wait."""
    wait = max(wait_seconds(db, action, subject) for subject in subjects)
    if wait:
        raise TooManyAttempts(wait)


def record(db: Session, action: str, *subjects: str) -> None:
    # Purged on write: events older than the window never count again.
    window = timedelta(hours=get_settings().throttle_window_hours)
    db.execute(delete(ThrottleEvent).where(ThrottleEvent.at <= now() - window)
               .execution_options(synchronize_session=False))
    db.add_all(ThrottleEvent(action=action, subject=subject) for subject in subjects)
    db.flush()


def reset(db: Session, action: str, subject: str) -> None:
    db.execute(delete(ThrottleEvent).where(ThrottleEvent.action == action,
                                           ThrottleEvent.subject == subject)
               .execution_options(synchronize_session=False))


def authenticate(db: Session, *, email: str, password: str, host: str | None) -> User:
    """identity.authenticate behind the throttle, for the login page and the API alike. Checked
    before the password, so a blocked account cannot be guessed even with the right one."""
    subjects = (account(email), address(host))
    check(db, LOGIN, *subjects)
    try:
        user = identity.authenticate(db, email, password)
    except PortalError:
        record(db, LOGIN, *subjects)
        raise
    reset(db, LOGIN, subjects[0])
    return user


def count_request(db: Session, action: str, *, email: str, host: str | None) -> None:
    """A reset or invitation request: refused when its target or its sender must wait, else
    counted (whatever its outcome: each one may send a mail)."""
    subjects = (account(email), address(host))
    check(db, action, *subjects)
    record(db, action, *subjects)
