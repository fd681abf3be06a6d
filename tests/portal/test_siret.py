"""SIRET / SIREN checks: Luhn, La Poste's exception, tolerated spaces, French messages."""

import pytest

from portal.siret import is_valid_siren, is_valid_siret, siret_error


@pytest.mark.parametrize("siret", [
    "73282932000074",  # INSEE's example: 7th establishment of SIREN 732 829 320
    "35600000000048",  # La Poste's head office, Luhn-valid
    "12345678900023",  # fictional but Luhn-valid
])
def test_luhn_valid_sirets_are_accepted(siret):
    assert is_valid_siret(siret)
    assert siret_error(siret) is None


def test_la_poste_establishment_is_valid_by_its_digit_sum_although_luhn_fails():
    assert sum(map(int, "35600000049837")) == 45
    assert is_valid_siret("35600000049837")
    assert siret_error("35600000049837") is None


def test_la_poste_siret_failing_both_luhn_and_the_digit_sum_is_refused():
    assert sum(map(int, "35600000049838")) % 5 != 0
    assert not is_valid_siret("35600000049838")


def test_digit_sum_rule_applies_to_la_poste_only():
    # Digit sum 50, Luhn wrong: only a 356 000 000 SIRET may use the digit-sum rule.
    assert sum(map(int, "73282932000077")) == 50
    assert not is_valid_siret("73282932000077")


@pytest.mark.parametrize("siret", ["73282932000075", "73282932000174", "83282932000074"])
def test_one_digit_changed_breaks_the_check_digit(siret):
    assert not is_valid_siret(siret)
    assert siret_error(siret) == "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000740", "7328293200007A",
                                   "732829320-0074", "732829320"])
def test_wrong_length_or_non_digits_are_refused_with_the_length_message(siret):
    assert not is_valid_siret(siret)
    assert siret_error(siret) == "Le SIRET doit comporter exactement 14 chiffres."


@pytest.mark.parametrize("siret", ["", "   "])
def test_missing_siret_is_reported_as_required(siret):
    assert siret_error(siret) == "Le SIRET est obligatoire."


@pytest.mark.parametrize("siret", ["732 829 320 00074", " 73282932000074 ",
                                   "732\u00a0829\u00a0320\u202f00074"])
def test_spaces_typed_or_pasted_from_a_formatted_page_are_tolerated(siret):
    assert is_valid_siret(siret)
    assert siret_error(siret) is None


def test_valid_sirens():
    assert is_valid_siren("732829320")
    assert is_valid_siren("732 829 320")
    assert is_valid_siren("356000000")  # La Poste's SIREN passes Luhn itself


@pytest.mark.parametrize("siren", ["732829321", "73282932", "73282932000074", "73282932A"])
def test_invalid_sirens(siren):
    assert not is_valid_siren(siren)


def test_non_ascii_digits_are_not_siret_digits():
    assert siret_error("7328293200007²") == "Le SIRET doit comporter exactement 14 chiffres."
    assert not is_valid_siret("７３２８２９３２０００００７４")
