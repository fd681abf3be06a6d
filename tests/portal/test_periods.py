"""Declaration periods: calendar-aligned, cut to the contract's dates, with French labels."""

from datetime import date

import pytest

from portal.periods import (
    Period,
    add_months,
    last_day_of,
    months_between,
    period_label,
    periods,
)


def spans(result: list[Period]) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in result]


def test_quarters_of_a_contract_starting_mid_quarter_are_cut_then_calendar_aligned():
    result = periods(date(2025, 2, 15), date(2025, 12, 31), "quarterly", due_days=15)
    assert spans(result) == [
        (date(2025, 2, 15), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]


def test_last_quarter_is_cut_at_the_end_date():
    result = periods(date(2025, 1, 1), date(2025, 5, 10), "quarterly", due_days=15)
    assert spans(result) == [(date(2025, 1, 1), date(2025, 3, 31)),
                             (date(2025, 4, 1), date(2025, 5, 10))]


def test_months_run_across_the_year_end_including_a_leap_february():
    result = periods(date(2023, 11, 20), date(2024, 3, 5), "monthly", due_days=15)
    assert spans(result) == [
        (date(2023, 11, 20), date(2023, 11, 30)),
        (date(2023, 12, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 5)),
    ]


def test_years_are_calendar_years_cut_to_the_contract():
    result = periods(date(2024, 7, 1), date(2026, 6, 30), "yearly", due_days=15)
    assert spans(result) == [
        (date(2024, 7, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 6, 30)),
    ]


@pytest.mark.parametrize("frequency", ["monthly", "quarterly", "yearly"])
def test_a_one_day_contract_has_one_one_day_period(frequency):
    result = periods(date(2025, 5, 14), date(2025, 5, 14), frequency, due_days=15)
    assert result == [Period(date(2025, 5, 14), date(2025, 5, 14), date(2025, 5, 29))]


def test_due_date_is_the_period_end_plus_the_due_days():
    result = periods(date(2025, 1, 1), date(2025, 12, 31), "quarterly", due_days=15)
    assert [p.due for p in result] == [date(2025, 4, 15), date(2025, 7, 15), date(2025, 10, 15),
                                       date(2026, 1, 15)]
    later = periods(date(2025, 1, 1), date(2025, 3, 31), "quarterly", due_days=30)
    assert later[0].due == date(2025, 4, 30)


@pytest.mark.parametrize(("start", "end", "label"), [
    (date(2025, 3, 1), date(2025, 3, 31), "mars 2025"),
    (date(2024, 2, 1), date(2024, 2, 29), "février 2024"),
    (date(2025, 12, 1), date(2025, 12, 31), "décembre 2025"),
    (date(2025, 1, 1), date(2025, 3, 31), "1er trimestre 2025"),
    (date(2025, 4, 1), date(2025, 6, 30), "2e trimestre 2025"),
    (date(2025, 10, 1), date(2025, 12, 31), "4e trimestre 2025"),
    (date(2025, 1, 1), date(2025, 12, 31), "année 2025"),
])
def test_whole_calendar_periods_get_their_french_name(start, end, label):
    assert period_label(start, end) == label


@pytest.mark.parametrize(("start", "end", "label"), [
    (date(2025, 2, 15), date(2025, 3, 31), "du 15/02/2025 au 31/03/2025"),
    (date(2025, 4, 1), date(2025, 5, 10), "du 01/04/2025 au 10/05/2025"),
    (date(2024, 7, 1), date(2024, 12, 31), "du 01/07/2024 au 31/12/2024"),
    (date(2025, 2, 1), date(2025, 4, 30), "du 01/02/2025 au 30/04/2025"),  # not a quarter
    (date(2025, 5, 14), date(2025, 5, 14), "du 14/05/2025 au 14/05/2025"),
])
def test_cut_or_irregular_periods_are_labelled_by_their_dates(start, end, label):
    assert period_label(start, end) == label


def test_labels_of_a_contract_starting_mid_quarter():
    result = periods(date(2025, 2, 15), date(2025, 12, 31), "quarterly", due_days=15)
    assert [period_label(p.start, p.end) for p in result] == [
        "du 15/02/2025 au 31/03/2025", "2e trimestre 2025", "3e trimestre 2025",
        "4e trimestre 2025"]


def test_month_arithmetic_shared_by_periods_and_the_decp_durations():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)
    # A DECP duration of 12 months notified on 1 January ends on 31 December, and back.
    assert last_day_of(date(2025, 1, 1), 12) == date(2025, 12, 31)
    assert last_day_of(date(2025, 3, 31), 1) == date(2025, 4, 29)
    assert last_day_of(date(2025, 3, 10), 0) == date(2025, 3, 10)
    assert months_between(date(2025, 1, 1), last_day_of(date(2025, 1, 1), 12)) == 12
