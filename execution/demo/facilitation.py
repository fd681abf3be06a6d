"""Demo data for the facilitators: the Maison de l'emploi de Loire-Estuaire checks the insertion
hours of every contract of the métropole (Inès Garnier's login). Loading it twice changes
nothing."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.facilitation import assignments
from portal.facilitators import FacilitatorAssignment
from portal.models import Organisation, User

ADMIN = "admin@loire-estuaire.example.fr"


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    facilitator, buyer = organisations["maison"], organisations["metropole"]
    attached = select(FacilitatorAssignment.id).where(
        FacilitatorAssignment.facilitator_org_id == facilitator.id,
        FacilitatorAssignment.buyer_org_id == buyer.id,
        FacilitatorAssignment.contract_id.is_(None))
    # The demo's métropole is registered with its SIRET.
    if db.scalar(attached) is None and buyer.siret is not None:
        assignments.attach(db, admin=users[ADMIN], facilitator_org_id=facilitator.id,
                           buyer_siret=buyer.siret)
