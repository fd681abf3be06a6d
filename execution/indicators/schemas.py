"""The indicators as the API answers them (`GET /api/v1/indicators`) and `portal indicators
--json` prints them."""

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from execution.indicators.service import Indicator
from portal.models import Organisation
from portal.schemas import OrganisationOut


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
