"""A buyer organisation's own rules, set by its gestionnaires and audited: for now, whether its
agents wait for the facilitator's opinion before validating insertion hours."""

from sqlalchemy.orm import Session

from portal.audit import audit
from portal.errors import Forbidden
from portal.models import Organisation, User

ON_OFF = {True: "on", False: "off"}


def set_requires_facilitator_opinion(db: Session, *, actor: User,
                                     required: bool) -> Organisation:
    if not (actor.is_buyer and actor.is_manager):
        raise Forbidden("Seuls les gestionnaires d'une organisation acheteuse règlent "
                        "l'avis du facilitateur.")
    organisation = actor.organisation
    previous = organisation.requires_facilitator_opinion
    if previous != required:
        organisation.requires_facilitator_opinion = required
        db.flush()
        audit(db, actor, "organisation", organisation.id, "requires_facilitator_opinion",
              from_status=ON_OFF[previous], to_status=ON_OFF[required])
    return organisation
