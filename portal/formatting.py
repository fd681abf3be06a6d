"""French formats for numbers, money, shares, hours, counts and dates (Jinja filters), what a form
input shows and reads back, and the typography of mails.

One format everywhere (the fr_FR conventions of CLDR, as Babel prints them): thousands grouped by
a narrow no-break space, a decimal comma, a no-break space before a unit (« 1 250,50 € HT »,
« 31,4 % », « 500,00 h »). Hours always show two decimals, the hundredth they are stored to, so
that a column of hours lines up and « 500 h » never sits beside « 1 336,26 h ». A value put back
into an input is written the same way without its unit, and the parsers read it back.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NBSP, NNBSP = "\u00a0", "\u202f"  # before a unit or a high sign; between thousands
DASH = "—"
HOUR_DECIMALS = 2


def _half_up(value: Decimal | float | int, decimals: int) -> Decimal:
    # Formatting rounds half to even; French administrative figures round half up (31,45 → 31,5).
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def _french(value: Decimal, decimals: int) -> str:
    # The fr_FR conventions (CLDR): thousands grouped by a narrow no-break space, a decimal
    # comma. Python's own grouping does the work: list pages format thousands of figures, and
    # this costs a tenth of Babel's call (tests/portal/test_formatting.py checks both agree).
    return f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    if value is None:
        return DASH
    return _french(_half_up(value, decimals), decimals)


def hours(value: Decimal | float | int | None) -> str:
    """Hours to the hundredth, always: « 1 250,00 h », « 12,50 h »."""
    if value is None:
        return DASH
    return number(value, HOUR_DECIMALS) + NBSP + "h"


def money(value: Decimal | None) -> str:
    if value is None:
        return DASH
    return _french(_half_up(value, 2), 2) + NBSP + "€ HT"


def share(value: Decimal | float | None) -> str:
    """A percentage with one decimal: « 31,4 % »; « — » when there is no denominator."""
    if value is None:
        return DASH
    return _french(_half_up(value, 1), 1) + NBSP + "%"


def day(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
    return value.strftime("%d/%m/%Y")


# --- Counts -----------------------------------------------------------------------------------

def agree(count: Decimal | int, singular: str, plural: str | None = None) -> str:
    """The word agreed with a count, French style: singular below 2 (« 0 contrat », « 1,5
    heure »). ``plural`` when it is not the singular plus « s » (« déclarations déposées »)."""
    return singular if -2 < count < 2 else (plural or singular + "s")


def plural(count: Decimal | int, singular: str, plural: str | None = None) -> str:
    """A count and its word: « 1 déclaration », « 0 contrat », « 1 250 contrats »."""
    return f"{number(count)} {agree(count, singular, plural)}"


# --- Form inputs ------------------------------------------------------------------------------

_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")  # spaces people (and we) group with
# A number as typed, once ungrouped: what is shown back formatted. Anything else (letters, an
# exponent, a figure too long to be real) is shown back as typed, beside its error.
_TYPED = re.compile(r"-?\d{1,18}(?:\.\d{1,10})?")


def plain_number(text: str) -> str:
    """French input as Python reads numbers: « 1 250,50 » → « 1250.50 »; « 1250.50 » as is."""
    return text.strip().translate(_GROUPING).replace(",", ".")


def number_input(value: Decimal | int | str | None, decimals: int | None = None) -> str:
    """A value put back into an input (a draft, a record being edited, a refused form), written
    as the pages write it, without its unit: « 40 600,00 » with ``decimals=2`` (money and hours),
    « 12,5 » without (as many decimals as it has). Never rounds: « 12,345 » typed stays so, beside
    the error that says why it was refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        plain = plain_number(value)
        if not _TYPED.fullmatch(plain):
            return value
        value = Decimal(plain)
    amount = Decimal(str(value))
    places = max(0, -int(amount.normalize().as_tuple().exponent))
    return _french(amount, max(places, decimals or 0))


# --- Mails ------------------------------------------------------------------------------------

_SPACE_BEFORE = re.compile(r"[ \t]+([:;!?%€»])")
_SPACE_AFTER = re.compile(r"«[ \t]+")
_HOURS = re.compile(r"(\d)[ \t]+h\b")


def typography(text: str) -> str:
    """French typography of a mail: the space before « : ; ! ? % € » » and after « « », and
    between a figure and « h », made no-break (U+00A0), so that no line starts with one. Only a
    space already typed changes: a URL, a time (« 10:30 ») or « https: » keep theirs."""
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = _SPACE_AFTER.sub("«" + NBSP, text)
    return _HOURS.sub(r"\1" + NBSP + "h", text)


def shorten(text: str, width: int = 60) -> str:
    """A long text cut at a word, with « … » (the object of a contract in a mail subject)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[:width - 1].rsplit(" ", 1)[0] if " " in text[:width - 1] else text[:width - 1]
    return cut.rstrip(" ,;:.-—") + "…"


FILTERS = {"number": number, "hours": hours, "money": money, "share": share, "day": day,
           "plural": plural, "agree": agree, "number_input": number_input}
