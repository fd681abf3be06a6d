"""The reviewers' declaration actions of the API: validate, return with a comment, reopen."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from execution.review import service as review
from portal.api_errors import COMMON
from portal.auth import ContractSideApiUser, DbSession
from portal.validation import SAYS_SOMETHING
from portal.web import RowId
from supplier.api import ERRORS, VersionIn, declaration_out
from supplier.schemas import MAX_COMMENT, DeclarationOut

router = APIRouter(prefix="/api/v1", tags=["declarations"], responses=COMMON)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt
    # The service refuses a comment that says nothing with its own French message; the pattern
    # documents that rule.
    comment: str = Field(max_length=MAX_COMMENT,
                         json_schema_extra={"pattern": SAYS_SOMETHING},
                         description="Obligatoire : ce que le titulaire doit corriger.")



@router.post("/declarations/{declaration_id}/validate",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
             operation_id="declarations-validate", summary="Valider une déclaration")
def validate_declaration(declaration_id: RowId, body: VersionIn, db: DbSession,
                         user: ContractSideApiUser) -> DeclarationOut:
    """Validate a submitted declaration (buyer organisation only); it becomes read-only."""
    return declaration_out(db, review.validate(db, declaration_id, reviewer=user,
                                           version=body.version), user)


@router.post("/declarations/{declaration_id}/return",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
             operation_id="declarations-return", summary="Renvoyer une déclaration au titulaire")
def return_declaration(declaration_id: RowId, body: CommentIn, db: DbSession,
                       user: ContractSideApiUser) -> DeclarationOut:
    """Return a submitted declaration to the holder with a comment."""
    return declaration_out(db, review.return_to_holder(db, declaration_id, reviewer=user,
                                                   version=body.version, comment=body.comment),
                           user)


@router.post("/declarations/{declaration_id}/reopen",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
             operation_id="declarations-reopen", summary="Rouvrir une déclaration validée")
def reopen_declaration(declaration_id: RowId, body: CommentIn, db: DbSession,
                       user: ContractSideApiUser) -> DeclarationOut:
    """Reopen a validated declaration and send it back to the holder (audited)."""
    return declaration_out(db, review.reopen(db, declaration_id, reviewer=user,
                                         version=body.version, comment=body.comment),
                           user)
