"""Declarations API for holders (read, save, submit); reviewers use execution.api."""

from decimal import Decimal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, StrictInt
from sqlalchemy.orm import selectinload

from portal.auth import ApiUser, DbSession
from portal.models import Commitment
from supplier import service
from supplier.models import Declaration, Status
from supplier.schemas import DeclarationOut, InsertionDeclarationIn, InsertionLineOut

router = APIRouter(prefix="/api/v1/declarations", tags=["déclarations"])

ERRORS = {
    401: {"description": "Jeton manquant ou invalide"},
    403: {"description": "Action réservée au titulaire"},
    404: {"description": "Déclaration inconnue ou non visible"},
    409: {"description": "Statut ou version incompatible"},
    413: {"description": "Requête trop volumineuse"},
    422: {"description": "Données invalides"},
}


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt


def declaration_out(declaration: Declaration) -> DeclarationOut:
    lines = [InsertionLineOut.model_validate(line) for line in declaration.insertion_lines]
    return DeclarationOut(
        id=declaration.id,
        contract_id=declaration.commitment.contract_id,
        kind=declaration.commitment.kind,
        period_start=declaration.period_start,
        period_end=declaration.period_end,
        due_on=declaration.due_on,
        status=declaration.status,
        is_overdue=declaration.is_overdue,
        version=declaration.version,
        submitted_at=declaration.submitted_at,
        reviewed_at=declaration.reviewed_at,
        review_comment=declaration.review_comment,
        supplier_comment=declaration.supplier_comment,
        total_hours=sum((line.hours for line in lines), Decimal("0")),
        lines=lines,
    )


@router.get("", responses={401: ERRORS[401]})
def list_declarations(db: DbSession, user: ApiUser, status: Status | None = None,
                      contract_id: int | None = Query(default=None)) -> list[DeclarationOut]:
    """Declarations the caller may read, filtered by status or contract."""
    query = service.visible_declarations(user).options(selectinload(Declaration.insertion_lines))
    if status is not None:
        query = query.where(Declaration.status == status)
    if contract_id is not None:
        query = query.where(Commitment.contract_id == contract_id)
    declarations = db.scalars(query.order_by(Declaration.due_on, Declaration.id))
    return [declaration_out(d) for d in declarations]


@router.get("/{declaration_id}", responses={k: ERRORS[k] for k in (401, 404)})
def get_declaration(declaration_id: int, db: DbSession, user: ApiUser) -> DeclarationOut:
    """One declaration with its lines."""
    return declaration_out(service.get_declaration(db, declaration_id, user))


@router.put("/{declaration_id}", responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)})
def save_declaration(declaration_id: int, body: InsertionDeclarationIn, db: DbSession,
                     user: ApiUser) -> DeclarationOut:
    """Replace the lines of a declaration (draft); `version` must be the one last read."""
    return declaration_out(service.save_draft(db, declaration_id, body, user=user))


@router.post("/{declaration_id}/submit",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 422)})
def submit_declaration(declaration_id: int, body: VersionIn, db: DbSession,
                       user: ApiUser) -> DeclarationOut:
    """Submit the saved declaration to the buyer."""
    return declaration_out(service.submit(db, declaration_id, user=user, version=body.version))
