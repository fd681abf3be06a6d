"""Daily: the candidates' addresses are erased once they can serve no more, from the invitations
(link expired) and from the outgoing mails that carried them (once delivered, or given up):
they served only to send and remind. Idempotent."""

from typing import cast

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session

from portal.clock import now
from portal.formatting import plural
from portal.mail import OutgoingMail

from .models import CandidateInvitation
from .service import EXPIRY, MAIL_KIND

ERASED = "adresse effacée"
ERASED_BODY = ("Invitation à l'enquête auprès des candidats évincés : adresse et lien effacés "
               "après l'envoi.")


def erase_expired_addresses(db: Session) -> str:
    erased = cast(CursorResult, db.execute(
        update(CandidateInvitation)
        .where(CandidateInvitation.email.is_not(None), CandidateInvitation.expires_at <= now())
        .values(email=None))).rowcount
    # A mail keeps its row (the « Envois » page counts it) without the address or the link.
    db.execute(update(OutgoingMail)
               .where(OutgoingMail.kind == MAIL_KIND, OutgoingMail.to_address != ERASED,
                      or_(OutgoingMail.status == "sent", OutgoingMail.created_at <= now() - EXPIRY))
               .values(to_address=ERASED, text_body=ERASED_BODY, html_body=None))
    return plural(erased or 0, "adresse de candidat effacée", "adresses de candidats effacées")
