"""Kernel jobs: mail delivery."""

from sqlalchemy.orm import Session

from portal import mail


def deliver_mail(db: Session) -> str:
    """Sends due mails one by one, committing each outcome before the next: a crash never
    forgets that a mail left."""
    mail.release_stale(db)
    db.commit()
    sent = failed = 0
    for mail_id in mail.due_ids(db):
        if not mail.claim(db, mail_id):
            continue
        db.commit()
        if mail.send_claimed(db, mail_id):
            sent += 1
        else:
            failed += 1
        db.commit()
    return f"{sent} courriels envoyés, {failed} en échec"
