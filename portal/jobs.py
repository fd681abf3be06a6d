"""Kernel jobs: mail delivery, expired tokens."""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal import mail
from portal.accounts import AccountToken
from portal.clock import now
from portal.formatting import plural
from portal.models import AuthToken


def deliver_mail(db: Session) -> str:
    """Sends due mails one by one, committing each outcome before the next: a crash never
    forgets that a mail left."""
    mail.release_stale(db)
    db.commit()
    sent = failed = 0
    for mail_id in mail.due_ids(db):
        if not mail.claim(db, mail_id):
            continue
        outgoing = mail.claimed(db, mail_id)
        # Sent between two transactions: a slow mail server holds no lock (SQLite's write
        # lock would stop every web write for as long as the server takes).
        db.commit()
        if mail.record_outcome(db, mail_id, mail.try_delivery(outgoing)):
            sent += 1
        else:
            failed += 1
        db.commit()
    return f"{plural(sent, 'courriel envoyé', 'courriels envoyés')}, {failed} en échec"


def purge_tokens(db: Session) -> str:
    """Deletes expired sessions and API tokens, and one-time links a month past their expiry
    (until then a reused link still gets its "already used or expired" page)."""
    sessions = db.execute(delete(AuthToken).where(AuthToken.expires_at <= now())
                          .execution_options(synchronize_session=False)).rowcount
    links = db.execute(delete(AccountToken)
                       .where(AccountToken.expires_at <= now() - timedelta(days=30))
                       .execution_options(synchronize_session=False)).rowcount
    expired = plural(sessions, "session ou jeton expiré supprimé",
                     "sessions ou jetons expirés supprimés")
    return f"{expired}, {plural(links, 'lien périmé supprimé', 'liens périmés supprimés')}"
