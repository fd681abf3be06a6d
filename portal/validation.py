"""French messages for pydantic validation errors, keyed by field, for forms and the API."""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError

from portal.errors import Invalid

JSON_INVALID = "Le corps de la requête n'est pas un JSON valide."

_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_too_short": "Ce champ est obligatoire.",
    "string_too_long": "Ce texte ne peut pas dépasser {max_length} caractères.",
    "string_pattern_mismatch": "Le format n'est pas valide.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "greater_than_equal": "La valeur ne peut pas être négative.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "decimal_parsing": "Saisissez un nombre (par exemple 12,5).",
    "decimal_type": "Saisissez un nombre (par exemple 12,5).",
    "decimal_max_digits": "Ce nombre est trop grand.",
    "decimal_max_places": "Au plus {decimal_places} chiffres après la virgule.",
    "decimal_whole_digits": "Ce nombre est trop grand.",
    "int_parsing": "Saisissez un nombre entier.",
    "int_type": "Saisissez un nombre entier.",
    "bool_type": "Répondez par vrai ou faux.",
    "bool_parsing": "Répondez par vrai ou faux.",
    "date_parsing": "Saisissez une date valide (jj/mm/aaaa).",
    "date_from_datetime_parsing": "Saisissez une date valide (jj/mm/aaaa).",
    "date_type": "Saisissez une date valide (jj/mm/aaaa).",
    "enum": "Choisissez une valeur de la liste.",
    "literal_error": "Choisissez une valeur de la liste.",
    "too_long": "Pas plus de {max_length} éléments.",
    "list_type": "Une liste est attendue.",
    "dict_type": "Un objet est attendu.",
    "model_type": "Un objet est attendu.",
    "string_type": "Un texte est attendu.",
    "json_invalid": JSON_INVALID,
    "extra_forbidden": "Ce champ n'est pas attendu.",
}


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "value_error":
        # Our validators raise ValueError with a French sentence; pydantic prefixes it.
        return str(error["msg"]).removeprefix("Value error, ")
    template = _MESSAGES.get(error["type"], "Valeur non valide.")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def field_key(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part not in ("body",))


def french_errors(exc: ValidationError | list[dict[str, Any]]) -> dict[str, str]:
    """One French message per field (the first error of each), keyed by its dotted path."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    result: dict[str, str] = {}
    for error in errors:
        # Malformed JSON is located by its character offset: the body as a whole is wrong.
        key = "body" if error["type"] == "json_invalid" else field_key(tuple(error["loc"]))
        result.setdefault(key or "body", _message(error))
    return result


# --- Text and ids from outside ---------------------------------------------------------------

# The database's INTEGER: an id beyond it cannot exist (and PostgreSQL would refuse the query).
ROW_ID_MAX = 2**31 - 1
NUL_MESSAGE = "Le texte envoyé contient un caractère nul (\\0) : retirez-le et recommencez."
# Control characters and bidirectional overrides (U+202A–U+202E, U+2066–U+2069) let a name or a
# reference display as something else than what it is (or break a CSV line).
_HIDDEN = {chr(c) for c in range(32)} | {chr(127)} | {chr(c) for c in range(0x202A, 0x202F)} \
    | {chr(c) for c in range(0x2066, 0x206A)}
HIDDEN_MESSAGE = ("Ce texte contient un caractère invisible ou de contrôle (retour à la ligne, "
                  "tabulation, inversion du sens d'écriture…) : retirez-le.")


def whole_number(value: object) -> int | None:
    """A count, version or id typed in a form: plain digits within the database's integer."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= ROW_ID_MAX else None


def row_id(value: object) -> int | None:
    number = whole_number(value)
    return number if number else None


def hidden_character_error(text: str) -> str | None:
    """The French message when a name or a reference carries a hidden character."""
    return HIDDEN_MESSAGE if any(char in _HIDDEN for char in text) else None


def _plain(value: str) -> str:
    if message := hidden_character_error(value):
        raise ValueError(message)
    return value


PlainText = Annotated[str, AfterValidator(_plain)]


# A comment says something: at least one character that is neither a control character nor a
# space of any kind. One explicit class (no `\s`, whose meaning differs between Python, the
# JSON Schema validators and browsers), also the pattern the API documents.
SAYS_SOMETHING = (r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f"
                  r"\u3000\ufeff]")
COMMENT_REQUIRED = "Le commentaire est obligatoire."


def required_comment(comment: str | None, *, why: str, field: str = "comment") -> str:
    """The comment, trimmed, of an action that must say something (a return to the holder, a
    facilitator's « à corriger »); ``why`` is the refusal's message when it says nothing."""
    if not comment or not re.search(SAYS_SOMETHING, comment):
        raise Invalid(why, field_errors={field: COMMENT_REQUIRED})
    return comment.strip()
