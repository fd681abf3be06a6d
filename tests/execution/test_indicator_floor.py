"""The benchmark's hand-written SQL floor (bench/indicator_floor.py) gives the very figures of
compute_indicators and of the dashboard's trends: only then is timing one against the other a
fair measure of what the product costs above what the database needs."""

from decimal import Decimal

import pytest

from bench.indicator_floor import floor_indicators, floor_trends
from execution.indicators.buyer_config import BuyerIndicatorSettings
from execution.indicators.service import compute_indicators
from execution.indicators.trends import compute_trends
from tests.execution.indicator_dataset import build


def product_figures(db, buyer_org_id) -> dict[str, object]:
    found = {i.id: i for i in compute_indicators(db, year=2025, buyer_org_id=buyer_org_id)}
    figures: dict[str, object] = {i.id: i.value for i in found.values()}
    for name, rows in found["insertion_by_public"].breakdowns.items():
        # The product lists every age band and sex, with 0 h when none was declared.
        figures[f"insertion_by_public.{name}"] = {r.extra["code"]: r.value for r in rows
                                                  if r.value}
    figures["agec_shares.category"] = {
        r.extra["code"]: (r.value, r.extra.get("recycled_share"), r.extra["status"])
        for r in found["agec_shares"].breakdowns["category"]}
    figures["review_delay_days.median"] = found["review_delay_days"].details["median"]
    for indicator_id in ("sme_holders_share", "regional_holders_share"):
        figures[f"{indicator_id}.amount_share"] = found[indicator_id].details["amount_share"]
    return figures


def own_settings(db, world) -> None:
    """Buyer A counts every notified contract, 1 600 h per FTE and 95 000 € for the shares by
    amount; B only its divisor: each contract is counted by its own buyer's rule."""
    db.add_all([BuyerIndicatorSettings(buyer_org_id=world.a.id, fte_hours=Decimal(1600),
                                       all_notified=True,
                                       holder_amount_threshold_eur=Decimal(95000)),
                BuyerIndicatorSettings(buyer_org_id=world.b.id, fte_hours=Decimal(1500))])
    db.flush()


@pytest.mark.parametrize("own", [False, True], ids=["instance", "own"])
@pytest.mark.parametrize("who", ["a", "b", None])
def test_the_floor_gives_the_figures_of_compute_indicators(db, who, own):
    world = build(db)
    if own:
        own_settings(db, world)
    buyer_org_id = getattr(world, who).id if who else None
    product = product_figures(db, buyer_org_id)
    floor = floor_indicators(db.connection(), year=2025, buyer_org_id=buyer_org_id)
    floor = {key: ({code: value for code, value in v.items() if value}
                   if key.startswith("insertion_by_public.") else v)
             for key, v in floor.items()}
    assert floor == product
    if own and who is None:  # each buyer's own rule, not the instance's (0,9 ETP, 75,0 %);
        # D1 counts by its insertion commitment, ticked or not.
        assert (product["insertion_fte"], product["social_consideration_share"]) == (
            Decimal("1.0"), Decimal("80.0"))
    # The dataset exercises every figure: none of them is a trivial « — » for buyer A.
    if who == "a":
        assert product["insertion_hours"] == 500 and product["review_delay_days"] is not None
        assert product["agec_shares.category"] and product["progress_plans"] is not None
        assert product["insertion_people"] > 0
        assert product["insertion_positive_exits"] == Decimal("66.7")


@pytest.mark.parametrize("own", [False, True], ids=["instance", "own"])
@pytest.mark.parametrize("who", ["a", None])
def test_the_floor_gives_the_trends_of_the_dashboard(db, who, own):
    world = build(db)
    if own:
        own_settings(db, world)
    buyer_org_id = getattr(world, who).id if who else None
    years = [2021, 2022, 2023, 2024, 2025]
    trends = compute_trends(db, years=years, buyer_org_id=buyer_org_id)
    floor = floor_trends(db.connection(), years=years, buyer_org_id=buyer_org_id)
    assert floor == {y: {key: indicator.value for key, indicator in trends[y].items()}
                     for y in years}
    # A trend year gives that year's indicator values; 2024 has hours of its own.
    year = {i.id: i.value for i in compute_indicators(db, year=2025, buyer_org_id=buyer_org_id)}
    assert floor[2025] == {key: year[key] for key in floor[2025]}
    assert floor[2024]["insertion_hours"] > 0
