"""`GET /api/v1/indicators`: the SPASER indicators of a year, for the caller's buyer
organisation (buyers) or for all or one of them (administrators)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from execution.indicators.config import FIRST_YEAR, LAST_YEAR
from execution.indicators.schemas import IndicatorsOut, indicators_out
from execution.indicators.scope import buyer_by_siret
from execution.indicators.service import compute_indicators
from portal.api_errors import COMMON, error_responses
from portal.auth import ContractSideApiUser, DbSession
from portal.errors import Forbidden
from portal.models import Organisation, User

router = APIRouter(prefix="/api/v1", tags=["indicators"], responses=COMMON)

ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Indicateurs réservés aux acheteurs et aux administrateurs",
    404: "Aucun acheteur n'a ce SIRET",
    422: "Données invalides",
})


def scope_for(db: Session, user: User, buyer_siret: str | None) -> Organisation | None:
    """Buyers see their own organisation; administrators all of them (None) or the one asked."""
    if user.is_admin:
        return buyer_by_siret(db, buyer_siret) if buyer_siret else None
    if not user.is_buyer:
        raise Forbidden("Les indicateurs sont réservés aux acheteurs et aux administrateurs.")
    if buyer_siret and buyer_by_siret(db, buyer_siret).id != user.organisation_id:
        raise Forbidden("Vous ne pouvez consulter que les indicateurs de votre organisation.")
    return user.organisation


@router.get("/indicators", responses={k: ERRORS[k] for k in (401, 403, 404, 422)},
            operation_id="indicators-get", summary="Indicateurs SPASER de l'année")
def list_indicators(db: DbSession, user: ContractSideApiUser,
                    year: Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR)],
                    buyer_siret: Annotated[str | None, Query(max_length=20)] = None
                    ) -> IndicatorsOut:
    """The year's SPASER indicators (ids of indicators.md), with how each is computed."""
    buyer = scope_for(db, user, buyer_siret)
    indicators = compute_indicators(db, year=year, buyer_org_id=buyer.id if buyer else None)
    return indicators_out(year, buyer, indicators)
