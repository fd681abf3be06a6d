"""The DECP 2024 facts (format v2.0.3) a buyer gives about a contract beyond what the register
models: their closed lists, their French labels, and the input model of the contract form and
the API. Stored in ``Contract.decp_facts`` under their 2024-format keys and values, so that
the export copies them as they are."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

from portal.commitments import Money
from portal.formatting import day, money, share
from portal.money import json_number
from portal.validation import PlainText

# The closed lists of schema_decp_v2.0.3.json, in its order (values are French already).
MARKET_NATURES = ("Marché", "Marché de partenariat", "Marché de défense ou de sécurité")
CONCESSION_NATURES = ("Concession de travaux", "Concession de service",
                      "Concession de service public", "Délégation de service public")
MARKET_PROCEDURES = ("Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint",
                     "Procédure avec négociation",
                     "Marché passé sans publicité ni mise en concurrence préalable",
                     "Dialogue compétitif")
CONCESSION_PROCEDURES = ("Procédure négociée ouverte", "Procédure non négociée ouverte",
                         "Procédure négociée restreinte", "Procédure non négociée restreinte")
PLACE_CODE_TYPES = ("Code postal", "Code commune", "Code arrondissement", "Code canton",
                    "Code département", "Code région", "Code pays")
PRICE_FORMS = ("Unitaire", "Forfaitaire", "Mixte")
PRICE_TYPES = ("Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire")
TECHNIQUES = ("Accord-cadre", "Concours", "Système de qualification",
              "Système d'acquisition dynamique", "Catalogue électronique",
              "Enchère électronique", "Sans objet")
EXECUTION_MODES = ("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")
CCAGS = ("Travaux", "Maitrise d'œuvre", "Fournitures courantes et services",
         "Marchés industriels", "Prestations intellectuelles",
         "Techniques de l'information et de la communication", "Pas de CCAG")
GROUPINGS = ("Conjoint", "Solidaire", "Pas de groupement")
ID_KINDS = ("SIRET", "TVA", "TAHITI", "RIDET", "FRWF", "IREP", "HORS-UE")

# What a missing or wrong fact is called on the pages and in the command's report.
LABELS = {
    "nature": "nature (DECP)",
    "procedure": "procédure de passation",
    "lieuExecution": "lieu d'exécution",
    "formePrix": "forme du prix",
    "typesPrix": "types de prix",
    "techniques": "techniques d'achat",
    "modalitesExecution": "modalités d'exécution",
    "ccag": "CCAG de référence",
    "offresRecues": "nombre d'offres reçues",
    "marcheInnovant": "marché innovant",
    "attributionAvance": "attribution d'une avance",
    "tauxAvance": "taux de l'avance",
    "typeGroupementOperateurs": "type de groupement",
    "sousTraitanceDeclaree": "sous-traitance déclarée",
    "datePublicationDonnees": "date de publication des données",
    "montantSubventionPublique": "montant de la subvention publique",
    "idAccordCadre": "identifiant de l'accord-cadre",
    "origineUE": "part des produits de l'Union européenne",
    "origineFrance": "part des produits français",
    "dateSignature": "date de signature",
    "dateDebutExecution": "date de début d'exécution",
    "valeurGlobale": "valeur globale",
}

# Named, so that mypy reads each alias as the neighbours below (a sum is no type expression).
_NATURES = MARKET_NATURES + CONCESSION_NATURES
_PROCEDURES = MARKET_PROCEDURES + CONCESSION_PROCEDURES
Nature = Literal[_NATURES]  # type: ignore[valid-type]
Procedure = Literal[_PROCEDURES]  # type: ignore[valid-type]
PlaceCodeType = Literal[PLACE_CODE_TYPES]  # type: ignore[valid-type]
PriceForm = Literal[PRICE_FORMS]  # type: ignore[valid-type]
PriceType = Literal[PRICE_TYPES]  # type: ignore[valid-type]
Technique = Literal[TECHNIQUES]  # type: ignore[valid-type]
ExecutionMode = Literal[EXECUTION_MODES]  # type: ignore[valid-type]
Ccag = Literal[CCAGS]  # type: ignore[valid-type]
Grouping = Literal[GROUPINGS]  # type: ignore[valid-type]


def _blank_to_none(value):
    return (value.strip() or None) if isinstance(value, str) else value


def _once_each(values):
    """A box ticked twice (or a value sent twice) counts once; anything but a list of texts is
    left to the type check, which refuses it in French."""
    if isinstance(values, list) and all(isinstance(value, str) for value in values):
        return list(dict.fromkeys(values))
    return values


def _whole_number(value):
    """« 3 » is 3; « 2,5 » or « trois » are refused in French (not pydantic's English)."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            raise ValueError("Saisissez un nombre entier d'au moins 1.")
        return int(value)
    return value


def _at_least_one(value: int) -> int:
    if not 1 <= value <= 1_000_000:
        raise ValueError("Saisissez un nombre entier d'au moins 1.")
    return value


# A DECP list ({"technique": [...]}): at least one value, each once.
def _choices(item):
    return Annotated[list[item], BeforeValidator(_once_each), Field(min_length=1, max_length=10)]


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: Annotated[PlainText, Field(min_length=1, max_length=20)]
    typeCode: PlaceCodeType


class PriceTypesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    typePrix: _choices(PriceType)  # type: ignore[valid-type]


class TechniquesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    technique: _choices(Technique)  # type: ignore[valid-type]


class ExecutionModesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modaliteExecution: _choices(ExecutionMode)  # type: ignore[valid-type]


class DecpFactsIn(BaseModel):
    """What the buyer knows of the DECP facts, each one optional: an absent one is never
    invented, the export lists the contract as incomplete instead. Keys, shapes and values are
    those of the 2024 format (the nature and the procedure: the lists of the contract's kind)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nature: Annotated[Nature | None, BeforeValidator(_blank_to_none)] = None
    procedure: Annotated[Procedure | None, BeforeValidator(_blank_to_none)] = None
    lieuExecution: PlaceIn | None = None
    formePrix: Annotated[PriceForm | None, BeforeValidator(_blank_to_none)] = None
    typesPrix: PriceTypesIn | None = None
    techniques: TechniquesIn | None = None
    modalitesExecution: ExecutionModesIn | None = None
    ccag: Annotated[Ccag | None, BeforeValidator(_blank_to_none)] = None
    offresRecues: Annotated[Annotated[StrictInt, AfterValidator(_at_least_one)] | None,
                            BeforeValidator(_whole_number)] = None
    marcheInnovant: StrictBool | None = None
    attributionAvance: StrictBool | None = None
    typeGroupementOperateurs: Annotated[Grouping | None, BeforeValidator(_blank_to_none)] = None
    sousTraitanceDeclaree: StrictBool | None = None
    datePublicationDonnees: Annotated[date | None, BeforeValidator(_blank_to_none)] = None
    # Concessions: the public subsidy or other financial advantage (0 when there is none).
    montantSubventionPublique: Annotated[Money | None, BeforeValidator(_blank_to_none)] = None

    def facts(self) -> dict[str, Any]:
        """The facts under their 2024 keys, valued as the export writes them (dates as text,
        amounts as numbers); None where the buyer gave nothing."""
        values = self.model_dump(mode="json")
        values["montantSubventionPublique"] = json_number(self.montantSubventionPublique)
        return values

    def kind_error(self, kind: str) -> dict[str, str]:
        """The nature and procedure must come from the lists of the contract's kind."""
        concession = kind == "concession"
        natures, procedures = ((CONCESSION_NATURES, CONCESSION_PROCEDURES) if concession
                               else (MARKET_NATURES, MARKET_PROCEDURES))
        what = "d'une concession" if concession else "d'un marché public"
        errors: dict[str, str] = {}
        if self.nature is not None and self.nature not in natures:
            errors["decp.nature"] = f"Choisissez une nature {what}."
        if self.procedure is not None and self.procedure not in procedures:
            errors["decp.procedure"] = f"Choisissez une procédure {what}."
        return errors


# The facts the form edits: saving the form replaces these, and keeps the others (imported).
FORM_KEYS = tuple(DecpFactsIn.model_fields)


def merged_facts(current: dict[str, Any] | None, data: DecpFactsIn) -> dict[str, Any]:
    facts = dict(current or {})
    for key, value in data.facts().items():
        if value is None:
            facts.pop(key, None)
        else:
            facts[key] = value
    return facts


def shown(facts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The facts known, in the format's order, as the contract page writes them."""
    rows = []
    for key, label in LABELS.items():
        value = (facts or {}).get(key)
        if value is None:
            continue
        rows.append((label[:1].upper() + label[1:], _text(key, value)))
    return rows


def _text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, dict):
        if key == "lieuExecution":
            return f"{value.get('code', '')} ({value.get('typeCode', '')})"
        items: Any = next(iter(value.values()), [])
        return ", ".join(str(item) for item in items) if isinstance(items, list) else str(items)
    if key in ("montantSubventionPublique", "valeurGlobale") and not isinstance(value, str):
        return money(Decimal(str(value)))
    if key in ("tauxAvance", "origineUE", "origineFrance") and not isinstance(value, str):
        return share(Decimal(str(value)) * 100)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
