"""AGEC reference data and services: regime of a period, threshold in force, admin updates."""

from datetime import date

import pytest
from sqlalchemy import select

from portal import agec
from portal.agec import AgecCategory, Regime, ThresholdIn
from portal.errors import Forbidden
from portal.models import Role
from tests import factories


@pytest.mark.parametrize(("period_end", "regime"), [
    (date(2023, 3, 31), Regime.decree_2021),
    (date(2024, 6, 30), Regime.decree_2021),
    (date(2024, 7, 1), Regime.decree_2024),
    (date(2024, 9, 30), Regime.decree_2024),
    (date(2024, 12, 31), Regime.decree_2024),  # a yearly period ending after 1 July 2024
])
def test_regime_of_a_period(period_end, regime):
    assert agec.regime_for(period_end) == regime


def test_the_17_categories_of_the_2024_decree_with_the_official_labels(db):
    labels = [c.label for c in agec.categories(db, Regime.decree_2024)]
    assert len(labels) == 17
    assert labels[0] == "Produits textiles à l'exception des équipements de protection individuels"
    assert labels[-1] == "Jeux et jouets"
    assert "Equipements de collecte de déchets" in labels
    codes = db.scalars(select(AgecCategory.code)).all()
    assert {"D2021_L01", "D2021_L05", "D2024_TEXTILES"} <= set(codes)


@pytest.mark.parametrize(("code", "year", "expected"), [
    ("D2024_TEXTILES", 2023, None),
    ("D2024_TEXTILES", 2024, (8, 20)),
    ("D2024_TEXTILES", 2026, (8, 20)),
    ("D2024_TEXTILES", 2027, (15, 25)),
    ("D2024_TEXTILES", 2029, (15, 25)),
    ("D2024_TEXTILES", 2031, (15, 30)),
])
def test_2024_steps(db, code, year, expected):
    threshold = agec.threshold_in_force(db, code, year)
    if expected is None:
        assert threshold is None
    else:
        assert (threshold.from_year, threshold.reuse_min, threshold.recycled_min) == (
            max(y for y in (2024, 2027, 2030) if y <= year), *expected)


def test_2021_lines_confirmed_and_empty(db):
    line_4 = agec.threshold_in_force(db, "D2021_L04", 2023)
    assert (line_4.global_min, line_4.reuse_min, line_4.recycled_min) == (20, 20, None)
    assert "doubletrade" in line_4.source
    assert agec.threshold_in_force(db, "D2021_L03", 2024).reuse_min == 0  # 40 % of which 0 %
    assert agec.threshold_in_force(db, "D2021_L04", 2020) is None
    assert agec.threshold_in_force(db, "D2021_L04", 2025) is None  # decree abrogated
    # A value read in a partial source is a hint, never a threshold.
    toys = agec.threshold_in_force(db, "D2021_JEUX_JOUETS", 2022)
    assert toys.is_empty and "source partielle : 20 %, dont 5 %" in toys.source
    modular = agec.threshold_in_force(db, "D2024_BATIMENTS_MODULAIRES", 2025)
    assert modular.is_empty and "à vérifier" in modular.source


def test_only_an_admin_updates_a_threshold(db):
    threshold = agec.threshold_in_force(db, "D2024_PAPIER", 2025)
    buyer = factories.make_user(db, Role.buyer)
    with pytest.raises(Forbidden):
        agec.update_threshold(db, threshold.id, ThresholdIn(reuse_min="1", source="x"),
                              admin=buyer, marker=threshold.marker)
    admin = factories.make_user(db, Role.admin)
    # A minimum of the other decree is ignored: the 2024 regime has no global share.
    saved = agec.update_threshold(db, threshold.id, ThresholdIn(
        reuse_min="0", recycled_min="12,5", global_min="30", source="Légifrance"),
        admin=admin, marker=threshold.marker)
    assert (saved.global_min, saved.reuse_min, saved.recycled_min) == (None, 0, 12.5)
    assert saved.is_complete
