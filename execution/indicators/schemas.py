"""The indicators as the API answers them (`GET /api/v1/indicators`) and `portal indicators
--json` prints them."""

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from execution.indicators.service import Indicator
from portal.models import Organisation
from portal.reporting_period import ReportingPeriod
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
    # « 2025 », « 2025-S1 » or « 2025-T3 » (portal.reporting_period), and as the pages say it.
    period: str
    period_label: str
    buyer: OrganisationOut | None  # None: every buyer organisation of the portal
    indicators: list[IndicatorOut]


def indicators_out(period: ReportingPeriod | int, buyer: Organisation | None,
                   indicators: list[Indicator]) -> IndicatorsOut:
    if isinstance(period, int):
        period = ReportingPeriod.of_year(period)
    return IndicatorsOut(year=period.year, period=period.slug, period_label=period.label,
                         buyer=OrganisationOut.model_validate(buyer) if buyer else None,
                         indicators=[IndicatorOut(**asdict(i)) for i in indicators])
