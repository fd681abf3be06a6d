"""`GET /api/v1/indicators`: the SPASER indicators of a year, for the caller's buyer
organisation (buyers) or for all or one of them (administrators)."""

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from execution.indicators.config import FIRST_YEAR, LAST_YEAR
from execution.indicators.service import Indicator, compute_indicators, display
from portal import identity
from portal.api_errors import COMMON, error_responses
from portal.auth import ApiUser, DbSession
from portal.errors import Forbidden, NotFound
from portal.formatting import number
from portal.models import Organisation, OrgKind, User
from portal.schemas import OrganisationOut

router = APIRouter(prefix="/api/v1", tags=["indicateurs"], responses=COMMON)

ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Indicateurs réservés aux acheteurs et aux administrateurs",
    404: "Aucun acheteur n'a ce SIRET",
    422: "Données invalides",
})


class BreakdownRowOut(BaseModel):
    label: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    extra: dict[str, Any]


class IndicatorOut(BaseModel):
    id: str
    label: str
    unit: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    sentence: str
    records: int
    target: Decimal | None
    breakdowns: dict[str, list[BreakdownRowOut]]
    details: dict[str, Any]


class IndicatorsOut(BaseModel):
    year: int
    buyer: OrganisationOut | None  # None: every buyer organisation of the portal
    indicators: list[IndicatorOut]


def indicators_out(year: int, buyer: Organisation | None,
                   indicators: list[Indicator]) -> IndicatorsOut:
    return IndicatorsOut(year=year,
                         buyer=OrganisationOut.model_validate(buyer) if buyer else None,
                         indicators=[IndicatorOut(**asdict(i)) for i in indicators])


def buyer_by_siret(db: Session, siret: str) -> Organisation:
    organisation = identity.find_organisation_by_siret(db, siret)
    if organisation is None or organisation.kind != OrgKind.buyer:
        raise NotFound(f"Aucun acheteur n'a le SIRET « {siret} ».")
    return organisation


def scope_for(db: Session, user: User, buyer_siret: str | None) -> Organisation | None:
    """Buyers see their own organisation; administrators all of them (None) or the one asked."""
    if user.is_admin:
        return buyer_by_siret(db, buyer_siret) if buyer_siret else None
    if not user.is_buyer:
        raise Forbidden("Les indicateurs sont réservés aux acheteurs et aux administrateurs.")
    if buyer_siret and buyer_by_siret(db, buyer_siret).id != user.organisation_id:
        raise Forbidden("Vous ne pouvez consulter que les indicateurs de votre organisation.")
    return user.organisation


@router.get("/indicators", responses={k: ERRORS[k] for k in (401, 403, 404, 422)})
def list_indicators(db: DbSession, user: ApiUser,
                    year: Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR)],
                    buyer_siret: Annotated[str | None, Query(max_length=20)] = None
                    ) -> IndicatorsOut:
    """The year's SPASER indicators (ids of indicators.md), with how each is computed."""
    buyer = scope_for(db, user, buyer_siret)
    indicators = compute_indicators(db, year=year, buyer_org_id=buyer.id if buyer else None)
    return indicators_out(year, buyer, indicators)


# --- `portal indicators` -----------------------------------------------------------------------

def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number(value, 0 if value == value.to_integral_value() else 2)


def command_output(db: Session, *, year: int, buyer_siret: str | None, as_json: bool) -> str:
    """What `portal indicators` prints: a French table with how each figure is computed, or the
    API's JSON. An unknown SIRET raises NotFound (one French line, exit 1)."""
    buyer = buyer_by_siret(db, buyer_siret) if buyer_siret else None
    indicators = compute_indicators(db, year=year, buyer_org_id=buyer.id if buyer else None)
    if as_json:
        return indicators_out(year, buyer, indicators).model_dump_json(indent=2)
    scope = f"{buyer.name} (SIRET {buyer.siret})" if buyer else "tous les acheteurs"
    header = ("Indicateur", "Valeur", "Numérateur", "Dénominateur", "Objectif", "Données")
    rows = [(f"{n}. {i.label}", display(i.value, i.unit), _plain(i.numerator),
             _plain(i.denominator), display(i.target, i.unit), str(i.records))
            for n, i in enumerate(indicators, start=1)]
    widths = [max(len(row[c]) for row in (header, *rows)) for c in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                         for c, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    legend = [f"{n}. {i.sentence}" for n, i in enumerate(indicators, start=1)]
    return "\n".join([f"Indicateurs SPASER {year} — {scope}", "", line(header),
                      "  ".join("-" * w for w in widths), *(line(row) for row in rows), "",
                      "Mode de calcul :", *legend])
