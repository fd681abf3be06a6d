"""The DECP vocabulary: the 2024-format values the portal keeps, and how messy or 2019-format
values map onto them (only where the mapping is certain)."""

import re
import unicodedata

from portal.models import ContractNature

# Spellings seen in real feeds (after upper-casing, « _ » read as « - »).
ID_KIND_ALIASES = {"TVA-INTRACOMMUNAUTAIRE": "TVA", "FRW": "FRWF", "HORSUE": "HORS-UE",
                   # The 2019 format's « UE » (a company of another EU state) is its VAT number.
                   "UE": "TVA"}

# Names real 2019 feeds gave to the 2024 procedures.
PROCEDURE_ALIASES = {
    "procedure concurrentielle avec negociation": "Procédure avec négociation",
    "procedure negociee avec mise en concurrence prealable": "Procédure avec négociation",
    "marche negocie sans publicite ni mise en concurrence prealable":
        "Marché passé sans publicité ni mise en concurrence préalable",
    "marche public negocie sans publicite ni mise en concurrence prealable":
        "Marché passé sans publicité ni mise en concurrence préalable",
}
# The 2019 formePrix is the 2024 typePrix.
PRICE_FORM_2019 = {"ferme": "Définitif ferme", "revisable": "Définitif révisable",
                   "ferme et actualisable": "Définitif actualisable",
                   "actualisable": "Définitif actualisable"}
# considerationsSociales / considerationsEnvironnementales → the contract's flags.
CONSIDERATIONS = {"Clause sociale": "social_clause", "Critère social": "social_criterion",
                  "Marché réservé": "reserved", "Concession réservée": "reserved",
                  "Clause environnementale": "environmental_clause",
                  "Critère environnemental": "environmental_criterion"}
# A reserved contract's legal basis, only where a label names its article (« Marché réservé
# (L2113-13) », « art. L. 2113-12 »): the DECP vocabulary itself has no such value.
RESERVED_ARTICLE = re.compile(r"\bL\.?\s*2113-1([235])\b")

# The 45 divisions of the CPV 2008 nomenclature (its first two digits).
CPV_DIVISIONS = frozenset((
    "03", "09", "14", "15", "16", "18", "19", "22", "24", "30", "31", "32", "33", "34", "35",
    "37", "38", "39", "41", "42", "43", "44", "45", "48", "50", "51", "55", "60", "63", "64",
    "65", "66", "70", "71", "72", "73", "75", "76", "77", "79", "80", "85", "90", "92", "98"))
CPV_PATTERN = re.compile(r"\d{8}(-\d)?")


def folded(value: str) -> str:
    """Lower case, no accents, one space between words, one kind of apostrophe: how two
    spellings of the same label are compared."""
    text = unicodedata.normalize("NFKD", value.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().replace(" d offres", " d'offres").split())


def pick(value: object, allowed: tuple[str, ...], aliases: dict[str, str] | None = None
         ) -> str | None:
    """The allowed 2024 label ``value`` spells (case, accents and spaces aside), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = folded(value)
    for label in allowed:
        if folded(label) == key:
            return label
    return (aliases or {}).get(key)


def contract_nature(cpv_code: str | None, concession_nature: str | None = None) -> ContractNature:
    """Works, supplies or services: a concession by its DECP nature, a market by the division
    of its CPV code (45 works; 50 and above services, except 48, software packages, which are
    supplies; below 45 supplies)."""
    if concession_nature is not None:
        return (ContractNature.works if concession_nature == "Concession de travaux"
                else ContractNature.services)
    division = int((cpv_code or "0")[:2])
    if division == 45:
        return ContractNature.works
    if division >= 50:
        return ContractNature.services
    return ContractNature.supplies
