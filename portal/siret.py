"""SIRET / SIREN checks: Luhn, with La Poste's establishments as the one known exception."""

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize(value: str) -> str:
    return "".join(value.split())


def _digits(value: str) -> bool:
    # str.isdigit() also accepts « ² » or full-width digits, which are not SIRET digits.
    return value.isascii() and value.isdigit()


def is_valid_siret(value: str) -> bool:
    siret = normalize(value)
    if len(siret) != 14 or not _digits(siret):
        return False
    if luhn_ok(siret):
        return True
    # La Poste's establishments share one SIREN and too many NICs for Luhn: their digit sum is a
    # multiple of 5 instead.
    return siret.startswith(LA_POSTE_SIREN) and sum(map(int, siret)) % 5 == 0


def is_valid_siren(value: str) -> bool:
    siren = normalize(value)
    return len(siren) == 9 and _digits(siren) and luhn_ok(siren)


def siret_error(value: str) -> str | None:
    """The French message to show for a wrong SIRET, or None when it is valid."""
    siret = normalize(value)
    if not siret:
        return "Le SIRET est obligatoire."
    if len(siret) != 14 or not _digits(siret):
        return "Le SIRET doit comporter exactement 14 chiffres."
    if not is_valid_siret(siret):
        return "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."
    return None
