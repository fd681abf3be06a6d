"""Account life: invitations, password reset and change, with single-use expiring links."""

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal import identity
from portal.audit import audit
from portal.clock import now
from portal.db import Base
from portal.errors import Invalid
from portal.mail import queue_mail
from portal.models import User
from portal.notifications import render_mail
from portal.passwords import password_error
from portal.security import hash_password, new_token, token_digest, verify_password
from portal.settings import get_settings

LINK_USED_OR_EXPIRED = ("Ce lien n'est plus valable : il a déjà servi ou il a expiré. "
                        "Demandez-en un nouveau.")


class AccountToken(Base):
    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # invite | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


def _issue(db: Session, user: User, purpose: str, lifetime: timedelta) -> str:
    token = new_token()
    db.add(AccountToken(purpose=purpose, token_hash=token_digest(token), user_id=user.id,
                        expires_at=now() + lifetime))
    db.flush()
    return token


def _mail_link(db: Session, user: User, *, template: str, token: str, kind: str,
               **context) -> None:
    link = f"{get_settings().base_url.rstrip('/')}/compte/lien/{token}"
    subject, text, html = render_mail(template, {"user": user, "link": link, **context})
    queue_mail(db, to=user.email, subject=subject, text=text, html=html, kind=kind)


def send_invitation(db: Session, *, inviter: User, user: User) -> None:
    """Mails the new account its single-use link to choose a password."""
    days = get_settings().invitation_days
    token = _issue(db, user, "invite", timedelta(days=days))
    _mail_link(db, user, template="invitation", token=token, kind="invitation",
               inviter=inviter, organisation=user.organisation, days=days)


def kill_links(db: Session, user: User) -> None:
    """Every invitation or reset link of the account not used yet becomes worthless."""
    db.execute(update(AccountToken).where(AccountToken.user_id == user.id,
                                          AccountToken.used_at.is_(None))
               .values(used_at=now()).execution_options(synchronize_session=False))


def request_reset(db: Session, email: str) -> None:
    """Mails a reset link if the address belongs to an active account; says nothing either way."""
    user = db.scalar(select(User).where(User.email == identity.normalize_email(email)))
    if user is None or not user.is_active or user.password_hash is None:
        return
    token = _issue(db, user, "reset", timedelta(hours=get_settings().reset_hours))
    _mail_link(db, user, template="password_reset", token=token, kind="password_reset",
               hours=get_settings().reset_hours)


def token_user(db: Session, token: str) -> AccountToken:
    row = db.scalar(select(AccountToken).where(AccountToken.token_hash == token_digest(token)))
    if (row is None or row.used_at is not None or row.expires_at <= now()
            or not row.user.is_active):
        raise Invalid(LINK_USED_OR_EXPIRED)
    return row


def set_password_with_token(db: Session, token: str, password: str, confirmation: str) -> User:
    row = token_user(db, token)
    _check_new_password(password, confirmation)
    user = row.user
    user.password_hash = hash_password(password)
    # Other links of the same account die with this one, and whoever held a session or a token
    # under the old password is out.
    kill_links(db, user)
    identity.end_tokens(db, user)
    audit(db, user, "user", user.id, "accept_invitation" if row.purpose == "invite"
          else "reset_password")
    db.flush()
    return user


def change_password(db: Session, user: User, *, current: str, new: str, confirmation: str,
                    keep_session: str | None) -> None:
    """Changes the password and ends every other session and API token of the user: whoever
    knew the old password is out at once; ``keep_session`` is the browser doing the change."""
    if not verify_password(user.password_hash, current):
        raise Invalid("Le mot de passe actuel est incorrect.",
                      field_errors={"current": "Le mot de passe actuel est incorrect."})
    _check_new_password(new, confirmation)
    user.password_hash = hash_password(new)
    identity.end_tokens(db, user, keep=keep_session)
    audit(db, user, "user", user.id, "change_password")
    db.flush()


def _check_new_password(password: str, confirmation: str) -> None:
    if message := password_error(password):
        raise Invalid(message, field_errors={"password": message})
    if password != confirmation:
        raise Invalid("Les deux mots de passe ne sont pas identiques.",
                      field_errors={"confirmation": "Les deux mots de passe ne sont pas "
                                                    "identiques."})


def set_preferences(db: Session, user: User, *, mail_alerts: bool, mail_digest: bool) -> None:
    user.mail_alerts, user.mail_digest = mail_alerts, mail_digest
    db.flush()
