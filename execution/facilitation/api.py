"""The facilitator's checks in the API: one line, then the opinion on the declaration."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from execution.facilitation import checks
from portal.api_errors import COMMON, error_responses
from portal.auth import ApiUser, DbSession
from portal.web import RowId
from supplier.api import declaration_out
from supplier.schemas import MAX_COMMENT, DeclarationOut

router = APIRouter(prefix="/api/v1/declarations", tags=["declarations"], responses=COMMON)

ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Action réservée au facilitateur attaché au contrat",
    404: "Déclaration ou ligne inconnue ou non visible",
    409: "Déclaration non déposée, validée ou modifiée entre-temps",
    413: "Requête trop volumineuse",
    422: "Données invalides",
})
CODES = (401, 403, 404, 409, 413, 422)


class LineCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt = Field(description="La version de la déclaration lue.")
    eligibility_confirmed: StrictBool = Field(description="Public éligible confirmé.")
    proof_seen: StrictBool = Field(description="Justificatif vu.")
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class OpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt = Field(description="La version de la déclaration lue.")
    opinion: Literal["compliant", "to_correct", "unverifiable"] = Field(description=(
        "compliant : conforme ; to_correct : à corriger ; unverifiable : non vérifiable."))
    comment: str | None = Field(default=None, max_length=MAX_COMMENT, description=(
        "Obligatoire pour to_correct (ce que le titulaire doit corriger) ; le titulaire et "
        "l'acheteur le lisent."))


@router.post("/{declaration_id}/lines/{line_id}/check",
             responses={k: ERRORS[k] for k in CODES},
             operation_id="declarations-check-line",
             summary="Vérifier une ligne d'heures d'insertion")
def check_line(declaration_id: RowId, line_id: RowId, body: LineCheckIn, db: DbSession,
               user: ApiUser) -> DeclarationOut:
    """Record the facilitator's check of one line of a submitted insertion declaration
    (facilitator attached to the contract only)."""
    checks.check_line(db, declaration_id, line_id, facilitator=user,
                      eligibility_confirmed=body.eligibility_confirmed,
                      proof_seen=body.proof_seen, comment=body.comment, version=body.version)
    return declaration_out(db, checks.get_for_facilitator(db, declaration_id, user), user)


@router.post("/{declaration_id}/facilitator-opinion",
             responses={k: ERRORS[k] for k in CODES},
             operation_id="declarations-facilitator-opinion",
             summary="Donner l'avis du facilitateur")
def give_opinion(declaration_id: RowId, body: OpinionIn, db: DbSession,
                 user: ApiUser) -> DeclarationOut:
    """Give the facilitator's opinion on a submitted insertion declaration; `to_correct` needs
    a comment, which the holder reads. A new filing clears it."""
    return declaration_out(db, checks.give_opinion(
        db, declaration_id, facilitator=user, opinion=body.opinion, comment=body.comment,
        version=body.version), user)
