"""A beneficiary reference must not identify the person (GDPR data minimisation, DESIGN.md §3):
the holder keeps the link between reference and person, the portal only ever sees a code such
as « B-017 ». This module recognises what obviously identifies someone, whatever the spelling."""

import re

ADVICE = ("utilisez une référence pseudonyme (par exemple « B-017 ») et gardez chez vous la "
          "correspondance avec la personne.")
NIR = ("Cette référence a la forme d'un numéro de sécurité sociale (NIR), qui identifie la "
       "personne : jamais un numéro de sécurité sociale, " + ADVICE)
NAME = ("Cette référence ressemble à un nom de personne (« Prénom Nom ») : " + ADVICE)
DATE = ("Cette référence contient une date, qui peut être une date de naissance : " + ADVICE)
EMAIL = ("Cette référence contient une adresse e-mail, qui identifie la personne : " + ADVICE)
PHONE = ("Cette référence contient un numéro de téléphone, qui identifie la personne : "
         + ADVICE)

# Typed numbers are split by spaces, dots, dashes or slashes, and letters stand in for digits.
SEPARATORS = re.compile(r"[\s.\-_/()\u2010-\u2015]+")
LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
# Sex (1-4, 7-8), year, month (any code: INSEE uses 20-42 and 50-99 for unknown months),
# département (digits, or 2A/2B for Corsica), commune, order number; the 2-digit key may follow.
NIR_SHAPE = re.compile(r"[1-478]\d{4}(?:\d{2}|2[AB])\d{6}", re.IGNORECASE)
PHONE_SHAPE = re.compile(r"(?:\+|00)\d{9,14}|(?<!\d)0[1-9]\d{8}(?!\d)")

UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
CAPITALISED = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)*"
SHOUTED = rf"[{UPPER}]{{2,}}(?:[-'’][{UPPER}]{{2,}})*"
INITIAL = rf"[{UPPER}]\."
NAME_SHAPE = re.compile(
    rf"(?<![\w])(?:{CAPITALISED}|{INITIAL})\s+(?:{CAPITALISED}|{SHOUTED})(?![\w])"
    rf"|(?<![\w]){SHOUTED}\s+{CAPITALISED}(?![\w])")

DAY, MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
MONTHS = (r"(?:janv(?:ier)?|f[ée]v(?:r(?:ier)?)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|"
          r"ao[uû]t|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?)")
DATE_SHAPE = re.compile(
    rf"(?<!\d){DAY}[/.\-]{MONTH}[/.\-](?:\d{{4}}|\d{{2}})(?!\d)"  # 12/03/1985, 12-03-85
    rf"|(?<!\d)(?:19|20)\d\d[/.\-]{MONTH}[/.\-]{DAY}(?!\d)"  # 1985-03-12
    rf"|(?<![\w])(?:1er|{DAY})\s*{MONTHS}\.?\s*(?:\d{{4}}|\d{{2}})(?!\d)"  # 12 mars 1985
    rf"|(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19\d\d|20[01]\d)(?!\d)",  # 12031985
    re.IGNORECASE)
EMAIL_SHAPE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def identifying_reason(reference: str) -> str | None:
    """Why `reference` may identify a person (a French message), or None if it looks like a
    pseudonym."""
    if EMAIL_SHAPE.search(reference):
        return EMAIL
    compact = SEPARATORS.sub("", reference).translate(LOOKALIKES)
    if NIR_SHAPE.search(compact) or sum(ch.isdigit() for ch in compact) >= 13:
        return NIR
    if PHONE_SHAPE.search(compact):  # before dates: 06.12.34.56.78 starts like one
        return PHONE
    if DATE_SHAPE.search(reference):
        return DATE
    if NAME_SHAPE.search(reference):
        return NAME
    return None
