"""Scalar values as real feeds write them: amounts and durations as numbers or strings
(« 12 345,67 », « 36 »), dates with or without a time zone, identifiers with stray spaces.
Each parser returns the value, or raises BadValue with the French reason."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.decp_facts import ID_KINDS
from portal.money import cents
from portal.siret import normalize, siret_error

from .vocabulary import CPV_DIVISIONS, CPV_PATTERN, ID_KIND_ALIASES

MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
MAX_MONTHS = 1200
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
# The placeholder codes people type when trying a platform: the keyboard run 1234…
TEST_CPV = re.compile(r"1234\d{4}")
TEST_TEXT = re.compile(r"\s*test\b", re.IGNORECASE)


class BadValue(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise BadValue("un texte est attendu")
    # One line, no control character (PostgreSQL refuses NUL in text).
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return " ".join(cleaned.split()) or None


def amount(value: Any) -> Decimal | None:
    """Euros, to the cent; « 12 345,67 » and « 30000.00 » are read as numbers."""
    if value is None or value == "":
        return None
    if isinstance(value, (bool, dict, list)):
        raise BadValue("un montant est attendu")
    raw = "".join(str(value).split())
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise BadValue("ce n'est pas un montant") from None
    if not number.is_finite() or number < 0:
        raise BadValue("un montant positif est attendu")
    if number > MAX_AMOUNT:
        raise BadValue("montant trop élevé (plus de mille milliards d'euros)")
    return cents(number)


def months(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (bool, dict, list)):
        raise BadValue("une durée en mois est attendue")
    try:
        number = Decimal("".join(str(value).split()).replace(",", "."))
    except InvalidOperation:
        raise BadValue("ce n'est pas une durée en mois") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise BadValue("une durée en mois entiers est attendue")
    if not 0 <= number <= MAX_MONTHS:
        raise BadValue(f"durée hors limites (de 0 à {MAX_MONTHS} mois)")
    return int(number)


def day(value: Any) -> date | None:
    """AAAA-MM-JJ, possibly followed by a time zone (« 2019-01-22+01:00 »), which is dropped."""
    if value is None or value == "":
        return None
    match = DATE.fullmatch(str(value).strip())
    if match is None:
        raise BadValue("date attendue au format AAAA-MM-JJ")
    try:
        parsed = date.fromisoformat(match.group(1))
    except ValueError:
        raise BadValue("cette date n'existe pas") from None
    if not 1990 <= parsed.year <= 2100:
        raise BadValue("date hors limites")
    return parsed


def cpv(value: Any) -> str:
    """The CPV code, with or without its check digit; a code that lost its leading zero (read
    as a number: « 9310000 ») gets it back, since only divisions 03 and 09 start with 0."""
    code = "".join(str(value).split()) if value is not None else ""
    if not code:
        raise BadValue("code CPV manquant")
    if re.fullmatch(r"[39]\d{6}(-\d)?", code):
        code = "0" + code
    if not CPV_PATTERN.fullmatch(code):
        raise BadValue("code CPV invalide (8 chiffres attendus, suivis ou non de la clé)")
    if len(set(code[:8])) == 1:
        raise BadValue("code CPV fictif (un seul chiffre répété)")
    if code[:2] not in CPV_DIVISIONS:
        raise BadValue(f"code CPV inconnu (la division {code[:2]} n'existe pas)")
    return code


def identifier(kind: Any, raw_id: Any) -> tuple[str, str]:
    """(typeIdentifiant in the 2024 spelling, identifier) of a holder or buyer."""
    ident = "".join(str(raw_id).split()) if raw_id is not None else ""
    if not ident:
        raise BadValue("identifiant manquant")
    label = (text(kind) or "").upper().replace("_", "-")
    label = ID_KIND_ALIASES.get(label, ID_KIND_ALIASES.get(label.replace("-", ""), label))
    if label in ("", "SIRET"):
        siret = normalize(ident)
        if message := siret_error(siret):
            raise BadValue(message)
        if len(set(siret)) == 1:  # « 00000000000000 » passes the Luhn check
            raise BadValue("SIRET fictif (un seul chiffre répété).")
        return "SIRET", siret
    if label not in ID_KINDS:
        raise BadValue(f"type d'identifiant inconnu « {kind} »")
    if len(ident) > 40:
        raise BadValue("identifiant trop long (40 caractères au plus)")
    return label, ident


def json_number(value: Decimal) -> int | float:
    """A number the JSON facts can hold: whole numbers stay whole."""
    return int(value) if value == value.to_integral_value() else float(value)
