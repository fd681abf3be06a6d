"""The indicators the dashboard and the annual report draw over the last years: insertion hours,
the two consideration shares and the two satisfaction scores, each year's figures read by
statements grouped by year (one per family, whatever the number of years), never one run of
compute_indicators per year. The indicators are built by the same functions as
compute_indicators', so a year's trend value is that year's indicator value.
"""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from execution.indicators import queries as q
from execution.indicators.buyer_config import Settings
from execution.indicators.config import targets_by_year
from execution.indicators.service import (
    Indicator,
    contract_indicators,
    hours_indicator,
    satisfaction_indicators,
)
from portal.clock import today
from portal.reporting_period import ReportingPeriod
from surveys.results import satisfaction_by_year

# What the trend charts show (execution.indicators.charts.trend_panels).
TREND_IDS = ("insertion_hours", "social_consideration_share",
             "environmental_consideration_share", "supplier_satisfaction", "buyer_satisfaction")


def compute_trends(db: Session, *, years: Sequence[int], buyer_org_id: int | None,
                   buyer_org_ids: tuple[int, ...] | None = None
                   ) -> dict[int, dict[str, Indicator]]:
    """For each year, the trend indicators by id, with the year's targets."""
    if not years:
        return {}
    first, last = min(years), max(years)
    scope = q.Scope(ReportingPeriod.of_year(last), buyer_org_id, today(),
                    buyer_org_ids=buyer_org_ids)
    settings = Settings.of_scope(db, buyer_org_id, buyer_org_ids)
    hours = q.insertion_hours_by_year(db, scope, since=first)
    notified = q.notified_by_year(db, scope, settings=settings.sql, since=first)
    surveys = satisfaction_by_year(db, years=years, buyer_org_id=buyer_org_id,
                                   buyer_org_ids=buyer_org_ids)
    targets = targets_by_year(db, years, buyer_org_id)
    trends = {}
    for year in years:
        total, lines = hours.get(year, (Decimal("0.00"), 0))
        indicators = [hours_indicator(total, lines, year),
                      *contract_indicators(notified.get(year, q.Notified()), year,
                                           settings.threshold, per_buyer=settings.per_buyer,
                                           source=settings.effective.source("threshold")),
                      *satisfaction_indicators(surveys[year], year)]
        for indicator in indicators:
            indicator.target = targets[year].get(indicator.id)
        trends[year] = {i.id: i for i in indicators if i.id in TREND_IDS}
    return trends
