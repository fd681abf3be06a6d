"""French formats: narrow no-break space between thousands, no-break space before units."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal.formatting import day, hours, money, number, share

NNBSP, NBSP = "\u202f", "\xa0"  # Babel's thousands separator; the space before €, % and h


def test_numbers_group_thousands_with_a_narrow_no_break_space():
    assert number(374408) == f"374{NNBSP}408"
    assert number(Decimal("1234567")) == f"1{NNBSP}234{NNBSP}567"
    assert number(999) == "999"


def test_numbers_with_decimals_use_a_comma():
    assert number(Decimal("1234.5"), 2) == f"1{NNBSP}234,50"


def test_money_is_shown_in_euros_excluding_vat():
    assert money(Decimal("1250")) == f"1{NNBSP}250,00{NBSP}€ HT"
    assert money(Decimal("3850000")) == f"3{NNBSP}850{NNBSP}000,00{NBSP}€ HT"
    assert money(Decimal("0.5")) == f"0,50{NBSP}€ HT"


def test_share_has_one_decimal_and_a_no_break_space_before_the_percent_sign():
    assert share(Decimal("31.44")) == f"31,4{NBSP}%"
    assert share(Decimal("12.5")) == f"12,5{NBSP}%"
    assert share(Decimal("100")) == f"100,0{NBSP}%"
    assert share(0) == f"0,0{NBSP}%"


def test_dates_are_day_month_year():
    assert day(date(2026, 3, 31)) == "31/03/2026"
    assert day(date(2025, 1, 5)) == "05/01/2025"


def test_timestamps_are_shown_in_paris_time():
    # 22:30 UTC on 31 March 2026 is already 1 April in Paris (summer time, UTC+2).
    assert day(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == "01/04/2026 à 00:30"
    assert day(datetime(2026, 1, 15, 8, 5, tzinfo=UTC)) == "15/01/2026 à 09:05"


def test_hours_show_decimals_only_when_there_are_some():
    assert hours(Decimal("12.50")) == f"12,5{NBSP}h"
    assert hours(Decimal("12.25")) == f"12,25{NBSP}h"
    assert hours(Decimal("1250")) == f"1{NNBSP}250{NBSP}h"
    assert hours(Decimal("1250.00")) == f"1{NNBSP}250{NBSP}h"
    assert hours(Decimal("100.10")) == f"100,1{NBSP}h"
    assert hours(0) == f"0{NBSP}h"


@pytest.mark.parametrize("format_", [number, hours, money, share, day])
def test_a_missing_value_is_shown_as_a_dash(format_):
    assert format_(None) == "—"


def test_templates_format_with_these_filters():
    from portal.web import templates

    page = templates.env.from_string(
        "{{ amount|money }} | {{ done|hours }} | {{ rate|share }} | {{ due|day }}")
    assert page.render(amount=Decimal("1250"), done=Decimal("12.50"), rate=Decimal("31.44"),
                       due=date(2026, 3, 31)) == (
        f"1{NNBSP}250,00{NBSP}€ HT | 12,5{NBSP}h | 31,4{NBSP}% | 31/03/2026")


def test_shares_and_money_round_half_up_like_the_progress_figures():
    assert share(Decimal("31.45")) == "31,5\xa0%"
    assert share(Decimal("0.25")) == "0,3\xa0%"
    assert money(Decimal("0.125")) == "0,13\xa0€ HT"
