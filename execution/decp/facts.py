"""The DECP facts the register does not model as columns (Contract.decp_facts), under their
2024-format keys and values: a key is kept only when the record gives a value the 2024 format
allows, 2019 values being mapped where the mapping is certain."""

from datetime import date
from decimal import Decimal
from typing import Any

from portal.decp_facts import (
    CCAGS,
    CONCESSION_NATURES,
    CONCESSION_PROCEDURES,
    EXECUTION_MODES,
    GROUPINGS,
    MARKET_NATURES,
    MARKET_PROCEDURES,
    PLACE_CODE_TYPES,
    PRICE_FORMS,
    PRICE_TYPES,
    TECHNIQUES,
)

from . import values as v
from .vocabulary import (
    CONSIDERATIONS,
    PRICE_FORM_2019,
    PROCEDURE_ALIASES,
    RESERVED_ARTICLE,
    folded,
    pick,
)


def listed(value: Any, inner: str) -> list[Any]:
    """A 2024 wrapped list ({"technique": [...]}) or a plain list."""
    if isinstance(value, dict):
        value = value.get(inner)
    if isinstance(value, str):
        value = [value]
    return value if isinstance(value, list) else []


def _labels(value: Any, inner: str, allowed: tuple[str, ...]) -> list[str]:
    found = [pick(item, allowed) for item in listed(value, inner)]
    return list(dict.fromkeys(label for label in found if label))


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    try:
        number = v.amount(value)
    except v.BadValue:
        return None
    return v.json_number(number) if number is not None else None


def _place(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    code, kind = value.get("code"), pick(value.get("typeCode"), PLACE_CODE_TYPES)
    if code is None or kind is None or not str(code).strip():
        return None
    return {"code": str(code).strip(), "typeCode": kind}


def market_facts(data: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if procedure := pick(data.get("procedure"), MARKET_PROCEDURES, PROCEDURE_ALIASES):
        facts["procedure"] = procedure
    if place := _place(data.get("lieuExecution")):
        facts["lieuExecution"] = place
    techniques = _labels(data.get("techniques"), "technique", TECHNIQUES)
    price_types = _labels(data.get("typesPrix"), "typePrix", PRICE_TYPES)
    raw_form = data.get("formePrix")
    if form := pick(raw_form, PRICE_FORMS):
        facts["formePrix"] = form
    elif isinstance(raw_form, str) and (price_type := PRICE_FORM_2019.get(folded(raw_form))):
        price_types = list(dict.fromkeys([*price_types, price_type]))
    raw_nature = data.get("nature")
    if nature := pick(raw_nature, MARKET_NATURES):
        facts["nature"] = nature
    elif isinstance(raw_nature, str) and folded(raw_nature) in ("accord-cadre",
                                                                "marche subsequent"):
        # 2019 natures that are 2024 techniques of a « Marché ».
        facts["nature"] = "Marché"
        if folded(raw_nature) == "accord-cadre":
            techniques = list(dict.fromkeys([*techniques, "Accord-cadre"]))
    if techniques:
        facts["techniques"] = {"technique": techniques}
    if price_types:
        facts["typesPrix"] = {"typePrix": price_types}
    if modes := _labels(data.get("modalitesExecution"), "modaliteExecution", EXECUTION_MODES):
        facts["modalitesExecution"] = {"modaliteExecution": modes}
    if ccag := pick(data.get("ccag"), CCAGS):
        facts["ccag"] = ccag
    if grouping := pick(data.get("typeGroupementOperateurs"), GROUPINGS):
        facts["typeGroupementOperateurs"] = grouping
    for key in ("marcheInnovant", "attributionAvance", "sousTraitanceDeclaree"):
        if isinstance(data.get(key), bool):
            facts[key] = data[key]
    offers = _number(data.get("offresRecues"))
    if isinstance(offers, int):
        facts["offresRecues"] = offers
    for key in ("tauxAvance", "origineUE", "origineFrance"):
        if (number := _number(data.get(key))) is not None:
            facts[key] = number
    if isinstance(data.get("idAccordCadre"), (str, int)) and str(data["idAccordCadre"]).strip():
        facts["idAccordCadre"] = str(data["idAccordCadre"]).strip()
    return facts


def concession_facts(data: dict[str, Any], signed: date | None, begins: date | None,
                     total: Decimal | None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if procedure := pick(data.get("procedure"), CONCESSION_PROCEDURES):
        facts["procedure"] = procedure
    if nature := pick(data.get("nature"), CONCESSION_NATURES):
        facts["nature"] = nature
    if signed:
        facts["dateSignature"] = signed.isoformat()
    if begins:
        facts["dateDebutExecution"] = begins.isoformat()
    if total is not None:
        facts["valeurGlobale"] = v.json_number(total)
    if (subsidy := _number(data.get("montantSubventionPublique"))) is not None:
        facts["montantSubventionPublique"] = subsidy
    return facts


def considerations(data: dict[str, Any]) -> dict[str, bool | str] | None:
    """The contract's flags from the 2024 considerations; None when the record has none (the
    2019 format had no such field: the contract keeps what the buyer set). A label naming one
    article of the reservation (L2113-12, -13, -15) makes it reserved and gives its
    ``reserved_basis``; no basis otherwise (never guessed from the holder's kind)."""
    social, environmental = data.get("considerationsSociales"), \
        data.get("considerationsEnvironnementales")
    if social is None and environmental is None:
        return None
    labels = {*listed(social, "considerationSociale"),
              *listed(environmental, "considerationEnvironnementale")}
    flags: dict[str, bool | str] = dict.fromkeys(CONSIDERATIONS.values(), False)
    bases = set()
    for label in labels:
        if isinstance(label, str) and (flag := CONSIDERATIONS.get(label.strip())):
            flags[flag] = True
        elif isinstance(label, str) and (article := RESERVED_ARTICLE.search(label)):
            flags["reserved"] = True
            bases.add(f"L2113-1{article.group(1)}")
    if len(bases) == 1:  # two articles named: not certain which one applies
        flags["reserved_basis"] = bases.pop()
    return flags
