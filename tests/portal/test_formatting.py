"""French formats: narrow no-break space between thousands, no-break space before units."""

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from portal.formatting import (
    agree,
    day,
    hours,
    money,
    number,
    number_input,
    plain_number,
    plural,
    share,
    shorten,
    typography,
)

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


def test_hours_always_show_their_hundredths():
    # One precision for every hour the portal shows: « 500 h » never beside « 1 336,26 h ».
    assert hours(Decimal("12.50")) == f"12,50{NBSP}h"
    assert hours(Decimal("12.25")) == f"12,25{NBSP}h"
    assert hours(Decimal("500")) == f"500,00{NBSP}h"
    assert hours(Decimal("1336.26")) == f"1{NNBSP}336,26{NBSP}h"
    assert hours(Decimal("1250.00")) == f"1{NNBSP}250,00{NBSP}h"
    assert hours(0) == f"0,00{NBSP}h"


@pytest.mark.parametrize("format_", [number, hours, money, share, day])
def test_a_missing_value_is_shown_as_a_dash(format_):
    assert format_(None) == "—"


def test_templates_format_with_these_filters():
    from portal.web import templates

    page = templates.env.from_string(
        "{{ amount|money }} | {{ done|hours }} | {{ rate|share }} | {{ due|day }}")
    assert page.render(amount=Decimal("1250"), done=Decimal("12.50"), rate=Decimal("31.44"),
                       due=date(2026, 3, 31)) == (
        f"1{NNBSP}250,00{NBSP}€ HT | 12,50{NBSP}h | 31,4{NBSP}% | 31/03/2026")


def test_shares_and_money_round_half_up_like_the_progress_figures():
    assert share(Decimal("31.45")) == "31,5\xa0%"
    assert share(Decimal("0.25")) == "0,3\xa0%"
    assert money(Decimal("0.125")) == "0,13\xa0€ HT"


# --- The hand-written formatter against Babel --------------------------------------------------

BABEL_CASES = [0, 1, 7, 999, 1000, 1001, 40600, 99999, 100000, 374408, 1234567, 3850000,
               987654321, Decimal("0.5"), Decimal("0.125"), Decimal("12.345"), Decimal("31.45"),
               Decimal("1336.26"), Decimal("40600.00"), Decimal("1250.5"), Decimal("-5"),
               Decimal("-1250.55"), Decimal("-0.004"), Decimal("12345678901.99"), 2.675, 1e6]


@pytest.mark.parametrize("value", BABEL_CASES)
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_numbers_are_written_as_babel_writes_them_for_fr_fr(value, decimals):
    """The formatter avoids Babel on the request path (speed); it must print what Babel prints
    for fr_FR, rounding half up as the portal does."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        expected = format_decimal(Decimal(str(value)), format="#,##0" + ("." + "0" * decimals
                                                                          if decimals else ""),
                                  locale="fr_FR")
    assert number(value, decimals) == expected
    assert money(Decimal(str(value))) == format_decimal(
        _half_up_babel(value), format="#,##0.00", locale="fr_FR") + f"{NBSP}€ HT"


def _half_up_babel(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), decimal.ROUND_HALF_UP)


# --- Inputs: what the form shows, and what the parsers read back ------------------------------

def test_an_input_shows_the_french_format_of_the_hint():
    assert number_input(Decimal("40600.00"), 2) == f"40{NNBSP}600,00"
    assert number_input(Decimal("1250.5"), 2) == f"1{NNBSP}250,50"
    assert number_input(0, 2) == "0,00"
    assert number_input(Decimal("1607.00"), 2) == f"1{NNBSP}607,00"
    # Figures without a fixed precision keep the decimals they have, no more.
    assert number_input(Decimal("12.50")) == "12,5"
    assert number_input(Decimal("100.00")) == "100"
    assert number_input(250, 0) == "250"
    assert number_input(None) == number_input(None, 2) == ""


@pytest.mark.parametrize(("typed", "shown"), [
    ("40600", f"40{NNBSP}600,00"), ("40600,00", f"40{NNBSP}600,00"),
    ("40600.00", f"40{NNBSP}600,00"), ("40 600,5", f"40{NNBSP}600,50"),
    (f"40{NNBSP}600,00", f"40{NNBSP}600,00"), (f"40{NBSP}600", f"40{NNBSP}600,00"),
    ("-4", "-4,00"),
])
def test_a_typed_amount_is_shown_back_in_the_french_format(typed, shown):
    assert number_input(typed, 2) == shown


@pytest.mark.parametrize("typed", ["douze", "12,345", "1e5", "", "  ", "12,5,3", "NaN",
                                   "1" * 40, "+3"])
def test_what_does_not_read_as_a_plain_amount_is_shown_as_typed(typed):
    # Never rounded nor rewritten: the error beside the input speaks of what the user typed.
    assert number_input(typed, 2) == typed


@pytest.mark.parametrize("value", [Decimal("0.00"), Decimal("1250.50"), Decimal("40600.00"),
                                   Decimal("987654321.99"), Decimal("-3.10"), Decimal("12.5")])
@pytest.mark.parametrize("decimals", [None, 2])
def test_the_parser_reads_back_what_the_input_shows(value, decimals):
    assert Decimal(plain_number(number_input(value, decimals))) == value


def test_the_parser_takes_french_and_plain_spellings():
    assert plain_number(f"1{NNBSP}250,50") == plain_number("1 250,50") == "1250.50"
    assert plain_number(f"1{NBSP}250,50") == plain_number("1250.50") == "1250.50"
    assert plain_number(" 40600,00 ") == "40600.00"


# --- Counts -------------------------------------------------------------------------------------

def test_counts_agree_with_their_word_french_style():
    assert plural(0, "contrat") == "0 contrat"
    assert plural(1, "déclaration") == "1 déclaration"
    assert plural(2, "déclaration") == "2 déclarations"
    assert plural(1250, "contrat") == f"1{NNBSP}250 contrats"
    assert plural(3, "évaluation déposée", "évaluations déposées") == "3 évaluations déposées"
    assert agree(Decimal("1.5"), "heure") == "heure"
    assert agree(2, "action réalisée", "actions réalisées") == "actions réalisées"


def test_templates_write_counts_with_the_plural_filter():
    from portal.web import templates

    page = templates.env.from_string('{{ 0|plural("contrat") }}, {{ 2|plural("contrat") }}, '
                                     '{{ 1|agree("ligne") }}')
    assert page.render() == "0 contrat, 2 contrats, ligne"


# --- Mails --------------------------------------------------------------------------------------

def test_mail_typography_makes_the_space_before_high_signs_no_break():
    text = ("Rappel : à déposer ! Pourquoi ? 31,4 % de 1 250,00 € HT ; 12,50 h et 500 h. "
            "« Travaux » — https://portail.example.fr/a?b=1 à 10:30")
    assert typography(text) == (
        f"Rappel{NBSP}: à déposer{NBSP}! Pourquoi{NBSP}? 31,4{NBSP}% de 1 250,00{NBSP}€ HT{NBSP}; "
        f"12,50{NBSP}h et 500{NBSP}h. «{NBSP}Travaux{NBSP}» — https://portail.example.fr/a?b=1 à "
        "10:30")
    assert typography(typography(text)) == typography(text)  # applied twice, nothing changes
    assert typography("500 heures") == "500 heures"


def test_a_long_object_is_shortened_at_a_word():
    assert shorten("Travaux de rénovation") == "Travaux de rénovation"
    assert shorten("Nettoyage des locaux administratifs de la métropole et de ses annexes",
                   40) == "Nettoyage des locaux administratifs de…"
