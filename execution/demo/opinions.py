"""The facilitator's part of the demo: Inès Garnier (Maison de l'emploi) checks the métropole's
insertion declarations. Her opinion in every state: « conforme » on the validated quarters,
« à corriger » (with what to correct) on a filed one and on the returned month of the piscine,
« non vérifiable » on another filed one, and one filed declaration still awaiting her opinion,
a line already checked. Loading it twice changes nothing."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from execution.facilitation import checks
from portal.facilitators import FacilitatorAssignment
from portal.models import Commitment, CommitmentKind, Contract, Organisation, User
from supplier.models import Declaration, FacilitatorOpinion, Status

FACILITATOR = "ines.garnier@maison-emploi-loire.example.fr"
# The filed declaration of each contract and what she says of it (None: not yet).
FILED = {
    "LE-2024-001": (FacilitatorOpinion.to_correct,
                    "Le justificatif d'éligibilité de la deuxième personne (attestation RSA) "
                    "manque : merci de le transmettre à la Maison de l'emploi."),
    "LE-2024-014": (FacilitatorOpinion.unverifiable,
                    "Les contrats de mission de l'ETTI ne nous sont pas parvenus : heures non "
                    "vérifiables à ce jour."),
    "LE-2026-003": None,
}
RETURNED = ("LE-2026-003", "Les relevés de mission de l'ETTI manquent et la ligne 2 dépasse le "
                           "temps de présence sur le chantier.")


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    metropole, maison = organisations["metropole"], organisations["maison"]
    ines = users[FACILITATOR]
    _attach(db, maison, metropole)
    for reference, said in FILED.items():
        declaration = _one(db, metropole, reference, Status.submitted)
        if declaration is None:
            continue
        if said is None:
            _check_first_line(db, declaration, ines)
        elif declaration.facilitator_opinion is None:
            for line in declaration.insertion_lines:
                checks.check_line(db, declaration.id, line.id, facilitator=ines,
                                  eligibility_confirmed=True,
                                  proof_seen=said[0] == FacilitatorOpinion.compliant,
                                  comment=None, version=declaration.version)
            checks.give_opinion(db, declaration.id, facilitator=ines, opinion=said[0],
                                comment=said[1], version=declaration.version)
    _before_review(db, metropole, ines)


def _attach(db: Session, maison: Organisation, metropole: Organisation) -> None:
    # execution/demo/facilitation.py attaches her organisation first; whichever runs first
    # creates the one assignment, the other finds it.
    if not db.scalar(select(exists().where(FacilitatorAssignment.facilitator_org_id == maison.id,
                                           FacilitatorAssignment.buyer_org_id == metropole.id))):
        db.add(FacilitatorAssignment(facilitator_org_id=maison.id, buyer_org_id=metropole.id))
        db.flush()


def _insertion(metropole: Organisation):
    return (select(Declaration)
            .join(Commitment, Commitment.id == Declaration.commitment_id)
            .join(Contract, Contract.id == Commitment.contract_id)
            .where(Contract.buyer_org_id == metropole.id,
                   Commitment.kind == CommitmentKind.insertion_hours))


def _one(db: Session, metropole: Organisation, reference: str,
         status: Status) -> Declaration | None:
    return db.scalars(_insertion(metropole).where(Contract.reference == reference,
                                                  Declaration.status == status)
                      .order_by(Declaration.period_start)).first()


def _check_first_line(db: Session, declaration: Declaration, ines: User) -> None:
    line = declaration.insertion_lines[0] if declaration.insertion_lines else None
    if line is not None and line.checked_at is None:
        checks.check_line(db, declaration.id, line.id, facilitator=ines,
                          eligibility_confirmed=True, proof_seen=True,
                          comment="Vue en entretien à la Maison de l'emploi.",
                          version=declaration.version)


def _before_review(db: Session, metropole: Organisation, ines: User) -> None:
    """The demo's flow files and reviews each declaration at once (execution.demo.flow), before
    this module attaches the facilitator; her opinion could not come through the service in
    between, so it is written as given halfway between the filing and the review, the way it
    would have been: « conforme » on every validated quarter, « à corriger » on the returned
    month of the piscine."""
    returned = _one(db, metropole, RETURNED[0], Status.returned)
    said: dict[int, tuple[FacilitatorOpinion, str | None]] = {
        d.id: (FacilitatorOpinion.compliant, None) for d in db.scalars(
            _insertion(metropole).where(Declaration.status == Status.validated))}
    if returned is not None:
        said[returned.id] = (FacilitatorOpinion.to_correct, RETURNED[1])
    for declaration in db.scalars(select(Declaration).where(Declaration.id.in_(said),
                                                            Declaration.facilitator_opinion
                                                            .is_(None))):
        if declaration.submitted_at is None or declaration.reviewed_at is None:
            continue
        given = declaration.submitted_at + (declaration.reviewed_at
                                            - declaration.submitted_at) / 2
        opinion, comment = said[declaration.id]
        declaration.facilitator_opinion, declaration.facilitator_comment = opinion, comment
        declaration.facilitator_by_id, declaration.facilitator_at = ines.id, given
        for line in declaration.insertion_lines:
            line.eligibility_confirmed = line.proof_seen = True
            line.checked_by_id, line.checked_at = ines.id, given
    db.flush()
