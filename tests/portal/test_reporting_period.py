from datetime import date

import pytest

from portal.reporting_period import BadPeriod, ReportingPeriod, parse_period, period_of


@pytest.mark.parametrize(("written", "first", "last", "label"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("2025-S1", date(2025, 1, 1), date(2025, 6, 30), "1er semestre 2025"),
    ("2025-s2", date(2025, 7, 1), date(2025, 12, 31), "2e semestre 2025"),
    ("2024-T1", date(2024, 1, 1), date(2024, 3, 31), "1er trimestre 2024"),
    ("2024-Q3", date(2024, 7, 1), date(2024, 9, 30), "3e trimestre 2024"),
    ("2024-T4", date(2024, 10, 1), date(2024, 12, 31), "4e trimestre 2024"),
])
def test_a_written_period_reads_as_its_days_and_its_french_label(written, first, last, label):
    period = parse_period(written)
    assert (period.first_day, period.last_day, period.label) == (first, last, label)
    assert parse_period(period.slug) == period


@pytest.mark.parametrize("written", ["", "25", "2025-S3", "2025-T5", "2025-A1", "1999",
                                     "2025/S1", "2025-S"])
def test_anything_else_is_refused_in_french(written):
    with pytest.raises(BadPeriod, match="semestre|année|trimestre"):
        parse_period(written)


def test_the_cli_fields_make_one_period():
    assert period_of(2025) == ReportingPeriod(2025)
    assert period_of(2025, semester=2).slug == "2025-S2"
    assert period_of(2025, quarter=1).next_first_day == date(2025, 4, 1)
    with pytest.raises(BadPeriod):
        period_of(2025, semester=1, quarter=1)
