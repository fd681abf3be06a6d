"""Declarations API for holders (read, save, submit); reviewers use execution.api."""

from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, StrictInt, ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.orm import Session

from portal.api_errors import COMMON, error_responses
from portal.api_paging import ApiPage, PageOut
from portal.auth import ApiUser, ContractSideApiUser, DbSession
from portal.errors import Invalid
from portal.models import CommitmentKind, User
from portal.validation import french_errors
from portal.web import QueryId, RowId
from supplier import service
from supplier.contract_list import MAX_SEARCH
from supplier.declaration_list import (
    DeclarationFilters,
    DeclarationState,
    search_declarations,
)
from supplier.kinds import HANDLERS, handler_for
from supplier.models import SHOWN_TO_BUYER, Declaration, Status
from supplier.reminder import last_reminder
from supplier.schemas import (
    DeclarationOut,
    DeclarationSummaryOut,
    FacilitatorReviewOut,
    FlagOut,
    LineCheckOut,
    Opinion,
)

router = APIRouter(prefix="/api/v1/declarations", tags=["declarations"], responses=COMMON)

ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Action réservée au titulaire",
    404: "Déclaration inconnue ou non visible",
    409: "Statut ou version incompatible",
    413: "Requête trop volumineuse",
    422: "Données invalides",
})


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt


def _fields(db: Session, declaration: Declaration, user: User) -> dict:
    return dict(
        id=declaration.id,
        contract_id=declaration.commitment.contract_id,
        kind=declaration.commitment.kind,
        subject=declaration.subject,
        period_start=declaration.period_start,
        period_end=declaration.period_end,
        due_on=declaration.due_on,
        status=declaration.status,
        is_overdue=declaration.is_overdue,
        days_late=declaration.days_late,
        last_reminder_at=last_reminder(db, declaration.id),
        version=declaration.version,
        submitted_at=declaration.submitted_at,
        reviewed_at=declaration.reviewed_at,
        review_comment=declaration.review_comment,
        # Typed in the draft form: the holder's, like the content, until it is filed.
        supplier_comment=(declaration.supplier_comment if declaration.content_shown_to(user)
                          else None),
    )


def _facilitator(declaration: Declaration, user: User) -> FacilitatorReviewOut | None:
    """What the facilitator said of a filed insertion declaration; the line checks stay
    between the facilitator and the buyer."""
    if (declaration.commitment.kind != CommitmentKind.insertion_hours
            or declaration.status not in SHOWN_TO_BUYER):
        return None
    checks = None if user.is_supplier else [
        LineCheckOut(line_id=line.id, beneficiary_ref=line.beneficiary_ref,
                     eligibility_confirmed=line.eligibility_confirmed,
                     proof_seen=line.proof_seen, comment=line.check_comment,
                     checked_at=line.checked_at)
        for line in declaration.insertion_lines]
    by = declaration.facilitator_by
    # Stored as text, always a FacilitatorOpinion value (checks.give_opinion refuses others).
    return FacilitatorReviewOut(opinion=cast(Opinion | None, declaration.facilitator_opinion),
                                comment=declaration.facilitator_comment,
                                given_by=by.full_name if by else None,
                                given_at=declaration.facilitator_at, line_checks=checks)


def declaration_out(db: Session, declaration: Declaration, user: User) -> DeclarationOut:
    """The declaration as ``user`` may read it: the buyer's side gets no content (null) while
    it is a draft (see `Declaration.content_shown_to`)."""
    shown = declaration.content_shown_to(user)
    handler = handler_for(declaration)
    return DeclarationOut(**_fields(db, declaration, user),
                          facilitator=_facilitator(declaration, user),
                          content=handler.content_out(declaration) if shown else None,
                          flags=[FlagOut.model_validate(flag)
                                 for flag in handler.flags_out(db, declaration)] if shown
                          else [])


@router.get("", responses={k: ERRORS[k] for k in (401, 422)},
            operation_id="declarations-list", summary="Lister les déclarations")
def list_declarations(
        db: DbSession, user: ApiUser, paging: ApiPage, status: Status | None = None,
        contract_id: QueryId = None,
        state: Annotated[DeclarationState | None, Query(description=(
            "to_review : déposées, à examiner ; todo : à déposer sous 30 jours ou en retard ; "
            "overdue : en retard ; returned : renvoyées ; validated : validées."))] = None,
        q: Annotated[str, Query(max_length=MAX_SEARCH, description=(
            "Texte cherché dans la référence du contrat et le nom du titulaire ou de "
            "l'acheteur."))] = "",
        commitment: CommitmentKind | None = None,
) -> PageOut[DeclarationSummaryOut]:
    """Declarations the caller may read, soonest due first, one page at a time; the content of
    each (lines, amounts, documents) is in `GET /api/v1/declarations/{id}`."""
    filters = DeclarationFilters(state=state or "", search=q.strip(),
                                 commitment=commitment or "", contract_id=contract_id,
                                 status=status or "")
    page = search_declarations(db, user, filters, page=paging.page, per_page=paging.per_page)
    return PageOut.of(page, [DeclarationSummaryOut.model_validate(row) for row in page.items])


@router.get("/{declaration_id}", responses={k: ERRORS[k] for k in (401, 404)},
            operation_id="declarations-get", summary="Lire une déclaration")
def get_declaration(declaration_id: RowId, db: DbSession, user: ApiUser) -> DeclarationOut:
    """One declaration with its lines; for the buyer's side, `content` is null (and
    `supplier_comment` too) while the holder has not filed it."""
    return declaration_out(db, service.get_declaration(db, declaration_id, user), user)


# The body of PUT /{id}: the shape of the declaration's kind, each kind's model documented as an
# OpenAPI component (portal.app adds CONTENT_SCHEMAS to the document).
_kinds, _definitions = models_json_schema(
    [(handler.schema, "validation") for handler in HANDLERS.values()],
    ref_template="#/components/schemas/{model}")
CONTENT_SCHEMAS: dict[str, Any] = _definitions["$defs"]
_CONTENT_BODY = {
    "anyOf": list(_kinds.values()),
    "description": "La version lue, le commentaire et le contenu propre au type de la "
                   "déclaration : " + ", ".join(f"{kind} ({handler.schema.__name__})"
                                                for kind, handler in HANDLERS.items()) + "."}


@router.put("/{declaration_id}", responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
            operation_id="declarations-save", summary="Enregistrer le contenu d'une déclaration",
            openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                "schema": _CONTENT_BODY}}}})
def save_declaration(declaration_id: RowId, body: Annotated[dict[str, Any], Body()],
                     db: DbSession, user: ContractSideApiUser) -> DeclarationOut:
    """Replace the content of a declaration (draft), in the shape of its kind; `version` must be
    the one last read."""
    declaration = service.get_for_filer(db, declaration_id, user)
    try:
        data = handler_for(declaration).validate(body)
    except ValidationError as error:
        raise Invalid("Données invalides.", field_errors=french_errors(error)) from None
    return declaration_out(db, service.save_draft(db, declaration_id, data, user=user), user)


@router.post("/{declaration_id}/submit",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
             operation_id="declarations-submit", summary="Déposer une déclaration")
def submit_declaration(declaration_id: RowId, body: VersionIn, db: DbSession,
                       user: ContractSideApiUser) -> DeclarationOut:
    """Submit the saved declaration to the buyer."""
    return declaration_out(db, service.submit(db, declaration_id, user=user, version=body.version),
                           user)
