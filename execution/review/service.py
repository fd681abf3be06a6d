"""Review of declarations by the buyer organisation: validate, return with a comment, reopen."""

from sqlalchemy.orm import Session

from execution.facilitation.checks import check_awaited_opinion
from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Forbidden
from portal.models import User
from portal.permissions import is_reviewer
from portal.validation import required_comment
from supplier import notices
from supplier.compliance.insertion import count_validated
from supplier.models import Declaration, Status
from supplier.service import STALE, get_declaration


def get_for_reviewer(db: Session, declaration_id: int, user: User) -> Declaration:
    declaration = get_declaration(db, declaration_id, user)
    if not is_reviewer(user, declaration.contract):
        raise Forbidden("Seuls les agents de l'acheteur peuvent examiner cette déclaration.")
    return declaration


def _transition(db: Session, declaration: Declaration, *, reviewer: User, version: int,
                expected: Status, to: Status, action: str, comment: str | None) -> Declaration:
    if declaration.status != expected:
        raise Conflict({
            Status.submitted: "Seule une déclaration déposée peut être validée ou renvoyée ; "
                              "celle-ci a peut-être déjà été traitée.",
            Status.validated: "Seule une déclaration validée peut être rouverte.",
        }[expected])
    if declaration.version != version:
        raise Conflict(STALE)
    declaration.status = to
    if Status.validated in (expected, to):  # the validated hours of the commitment follow
        count_validated(db, declaration, sign=1 if to == Status.validated else -1)
    declaration.reviewed_by_id, declaration.reviewed_at = reviewer.id, now()
    if comment is not None:
        declaration.review_comment = comment
    # The UPDATE carries the version read by the reviewer: of two reviewers acting at once, the
    # second one's UPDATE matches no row and fails (StaleDataError → 409).
    db.flush()
    audit(db, reviewer, "declaration", declaration.id, action, from_status=expected,
          to_status=to, comment=comment)
    notices.reviewed(db, declaration, actor=reviewer, action=action)
    return declaration


def validate(db: Session, declaration_id: int, *, reviewer: User, version: int) -> Declaration:
    declaration = get_for_reviewer(db, declaration_id, reviewer)
    if declaration.status == Status.submitted:
        # Returning stays possible while the opinion is awaited; only validating waits.
        check_awaited_opinion(db, declaration)
    return _transition(db, declaration, reviewer=reviewer, version=version,
                       expected=Status.submitted, to=Status.validated, action="validate",
                       comment=None)


def _required(comment: str | None) -> str:
    return required_comment(comment, why="Expliquez au titulaire ce qu'il doit corriger.")


def return_to_holder(db: Session, declaration_id: int, *, reviewer: User, version: int,
                     comment: str | None) -> Declaration:
    declaration = get_for_reviewer(db, declaration_id, reviewer)
    return _transition(db, declaration, reviewer=reviewer, version=version,
                       expected=Status.submitted, to=Status.returned, action="return",
                       comment=_required(comment))


def reopen(db: Session, declaration_id: int, *, reviewer: User, version: int,
           comment: str | None) -> Declaration:
    """Unlocks a validated declaration and sends it back to the holder, with the reason."""
    declaration = get_for_reviewer(db, declaration_id, reviewer)
    return _transition(db, declaration, reviewer=reviewer, version=version,
                       expected=Status.validated, to=Status.returned, action="reopen",
                       comment=_required(comment))
