"""`GET /api/v1/indicators`: the SPASER indicators of a year, a semester or a quarter
(``?period=2025-S1``, or ``?year=2025``), for the caller's buyer organisation (buyers) or for all
or one of them (administrators)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from execution.indicators.config import FIRST_YEAR, LAST_YEAR
from execution.indicators.schemas import IndicatorsOut, indicators_out
from execution.indicators.scope import buyer_by_siret
from execution.indicators.service import compute_indicators
from portal.api_errors import COMMON, error_responses
from portal.auth import ContractSideApiUser, DbSession
from portal.errors import Forbidden, Invalid
from portal.models import Organisation, User
from portal.reporting_period import BadPeriod, ReportingPeriod, parse_period

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


def asked_period(year: int | None, period: str | None) -> ReportingPeriod:
    """``period`` (2025, 2025-S1, 2025-T3) or ``year``; both must then agree. A French 422
    otherwise, naming the parameter at fault."""
    if period is None:
        if year is None:
            raise Invalid("Indiquez la période (period=2025-S1) ou l'année (year=2025).",
                          field_errors={"period": "Indiquez une période ou une année."})
        return ReportingPeriod.of_year(year)
    try:
        chosen = parse_period(period)
    except BadPeriod as error:
        raise Invalid(str(error), field_errors={"period": str(error)}) from error
    if year is not None and year != chosen.year:
        message = f"L'année {year} n'est pas celle de la période {chosen.slug}."
        raise Invalid(message, field_errors={"year": message})
    return chosen


@router.get("/indicators", responses={k: ERRORS[k] for k in (401, 403, 404, 422)},
            operation_id="indicators-get",
            summary="Indicateurs SPASER d'une année, d'un semestre ou d'un trimestre")
def list_indicators(db: DbSession, user: ContractSideApiUser,
                    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
                    period: Annotated[str | None, Query(
                        max_length=10, description="2025, 2025-S1 (semestre) ou 2025-T3 "
                        "(trimestre) ; à défaut, l'année entière de `year`.")] = None,
                    buyer_siret: Annotated[str | None, Query(max_length=20)] = None
                    ) -> IndicatorsOut:
    """The period's SPASER indicators (ids of indicators.md), with how each is computed."""
    buyer = scope_for(db, user, buyer_siret)
    chosen = asked_period(year, period)
    indicators = compute_indicators(db, period=chosen, buyer_org_id=buyer.id if buyer else None)
    return indicators_out(chosen, buyer, indicators)
