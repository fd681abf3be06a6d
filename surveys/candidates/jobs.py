"""Daily: the addresses of expired candidate invitations are erased (they served only to send
and remind; the link is dead). Idempotent."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.clock import now
from portal.formatting import plural

from .models import CandidateInvitation


def erase_expired_addresses(db: Session) -> str:
    erased = db.execute(update(CandidateInvitation)
                        .where(CandidateInvitation.email.is_not(None),
                               CandidateInvitation.expires_at <= now())
                        .values(email=None)).rowcount
    return plural(erased or 0, "adresse de candidat effacée", "adresses de candidats effacées")
