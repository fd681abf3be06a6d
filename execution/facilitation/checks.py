"""The facilitator's check of a filed insertion declaration: each line (eligible public
confirmed, proof seen, comment), then an opinion on the whole (« conforme », « à corriger » with
a comment the holder reads, « non vérifiable ») that the buyer may require before validating."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.models import CommitmentKind, Organisation, User
from portal.permissions import attached_facilitators
from portal.validation import required_comment
from supplier import notices
from supplier.models import Declaration, FacilitatorOpinion, InsertionLine, Status
from supplier.schemas import MAX_COMMENT
from supplier.service import STALE, get_declaration
from supplier.vocabulary import FACILITATOR_OPINIONS

YES_NO = {True: "oui", False: "non"}
AWAITS_OPINION = ("L'avis du facilitateur est requis avant la validation : votre organisation "
                  "l'a demandé pour les contrats suivis par un facilitateur. Vous pouvez "
                  "renvoyer la déclaration au titulaire en attendant.")


def get_for_facilitator(db: Session, declaration_id: int, user: User) -> Declaration:
    # Facilitators see only the filed insertion declarations of the contracts their
    # organisation is attached to (supplier.service.visible_declarations): anyone else's is
    # not found; others who see it (buyer, holder, admin) do not check it.
    declaration = get_declaration(db, declaration_id, user)
    if not user.is_facilitator:
        raise Forbidden("Seuls les facilitateurs attachés au contrat vérifient cette "
                        "déclaration.")
    return declaration


def _checkable(declaration: Declaration, version: int) -> None:
    if declaration.status == Status.validated:
        raise Conflict("Cette déclaration est validée par l'acheteur : sa vérification ne "
                       "peut plus changer.")
    if declaration.status != Status.submitted:
        raise Conflict("Seule une déclaration déposée, en attente de l'examen de l'acheteur, "
                       "se vérifie ; celle-ci a été renvoyée au titulaire.")
    if declaration.version != version:
        raise Conflict(STALE)


def _optional_comment(comment: str | None, field: str = "comment") -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid("Le commentaire est trop long.", field_errors={
            field: f"Ce texte ne peut pas dépasser {MAX_COMMENT} caractères."})
    return text or None


def check_line(db: Session, declaration_id: int, line_id: int, *, facilitator: User,
               eligibility_confirmed: bool | None, proof_seen: bool | None,
               comment: str | None, version: int) -> InsertionLine:
    """Records the facilitator's check of one line. The declaration's version is only read:
    checking a line changes nothing of what was filed, so the other lines' forms of the page
    stay valid; a new filing or the buyer's decision makes them stale."""
    declaration = get_for_facilitator(db, declaration_id, facilitator)
    _checkable(declaration, version)
    line = db.scalar(select(InsertionLine).where(InsertionLine.id == line_id,
                                                 InsertionLine.declaration_id == declaration.id))
    if line is None:
        raise NotFound("Cette ligne n'existe pas dans cette déclaration.")
    if eligibility_confirmed is None or proof_seen is None:
        missing = {field: "Répondez par oui ou par non." for field, value in (
            ("eligibility_confirmed", eligibility_confirmed), ("proof_seen", proof_seen))
            if value is None}
        raise Invalid("Indiquez si le public éligible est confirmé et si le justificatif a "
                      "été vu.", field_errors=missing)
    line.eligibility_confirmed, line.proof_seen = eligibility_confirmed, proof_seen
    line.check_comment = _optional_comment(comment)
    line.checked_by_id, line.checked_at = facilitator.id, now()
    db.flush()
    audit(db, facilitator, "declaration", declaration.id, "check_line",
          comment=f"Ligne {line.beneficiary_ref or line.id} : public éligible confirmé "
                  f"{YES_NO[eligibility_confirmed]}, justificatif vu {YES_NO[proof_seen]}"
                  + (f" — {line.check_comment}" if line.check_comment else ""))
    return line


def give_opinion(db: Session, declaration_id: int, *, facilitator: User, opinion: str | None,
                 comment: str | None, version: int) -> Declaration:
    """Gives (or changes) the facilitator's opinion on what was filed; « à corriger » says what
    to correct, for the holder and the buyer."""
    declaration = get_for_facilitator(db, declaration_id, facilitator)
    _checkable(declaration, version)
    if opinion not in FACILITATOR_OPINIONS:
        raise Invalid("Choisissez un avis : conforme, à corriger ou non vérifiable.",
                      field_errors={"opinion": "Choisissez un avis."})
    if opinion == FacilitatorOpinion.to_correct:
        required_comment(comment, why="Un avis « à corriger » dit au titulaire ce qu'il doit "
                                      "corriger : le commentaire est obligatoire.")
    text = _optional_comment(comment)
    previous = declaration.facilitator_opinion
    declaration.facilitator_opinion, declaration.facilitator_comment = opinion, text
    declaration.facilitator_by_id, declaration.facilitator_at = facilitator.id, now()
    # The UPDATE carries the version read: of two people acting at once, the second fails
    # (StaleDataError → 409); the buyer's page, read before the opinion, is stale too.
    db.flush()
    audit(db, facilitator, "declaration", declaration.id, "facilitator_opinion",
          from_status=previous, to_status=opinion, comment=text)
    notices.opinion_given(db, declaration, facilitator)
    return declaration


def has_facilitator(db: Session, declaration: Declaration) -> bool:
    """Whether a facilitator organisation is attached to the declaration's contract (to all
    its buyer's contracts or to this one); only insertion hours are checked."""
    if declaration.commitment.kind != CommitmentKind.insertion_hours:
        return False
    attached = attached_facilitators(declaration.buyer_org_id, declaration.contract.id)
    return bool(db.scalar(select(attached.exists())))


def awaits_opinion(db: Session, declaration: Declaration) -> bool:
    """The buyer's rule: no validation before the facilitator's opinion on the current filing,
    when the buyer organisation asks for it and a facilitator follows the contract."""
    if declaration.facilitator_opinion is not None:
        return False
    requires = db.scalar(select(Organisation.requires_facilitator_opinion)
                         .where(Organisation.id == declaration.buyer_org_id))
    return bool(requires) and has_facilitator(db, declaration)


def check_awaited_opinion(db: Session, declaration: Declaration) -> None:
    if awaits_opinion(db, declaration):
        raise Conflict(AWAITS_OPINION)
