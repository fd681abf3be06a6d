"""The buyer's contracts in the DECP 2024 format (schema_decp_v2.0.3.json): the complete ones
exported, the others listed with what they lack. A fact the register does not know is never
invented: a contract typed by hand becomes complete once the buyer fills its « Données
essentielles (DECP) » (portal.decp_facts)."""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from portal import decp_facts as vocabulary
from portal.decp_facts import LABELS
from portal.errors import Invalid
from portal.formatting import agree, number, plural
from portal.models import Contract, ContractKind, ContractModification, Organisation
from portal.money import json_number
from portal.periods import months_between

FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_ID = 16  # IdentifiantMarche / IdentifiantContratConcession
MAX_OBJECT = 1000
_BATCH = 500  # contracts read at a time: a buyer may have tens of thousands
_CPV = re.compile(r"^[0-9]{8}(-[0-9])?$")
_SIRET = re.compile(r"^[0-9]{14}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Incomplete:
    contract_id: int
    reference: str
    object: str
    missing: list[str]


@dataclass
class DecpExport:
    marches: list[dict] = field(default_factory=list)
    concessions: list[dict] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)

    @property
    def exported(self) -> int:
        return len(self.marches) + len(self.concessions)

    @property
    def document(self) -> dict[str, Any]:
        return {"marches": {"marche": self.marches, "contrat-concession": self.concessions}}

    def json_bytes(self) -> bytes:
        return json.dumps(self.document, ensure_ascii=False, indent=2).encode()

    @property
    def summary(self) -> str:
        """« 12 contrats exportés, 3 incomplets non exportés »."""
        left = len(self.incomplete)
        return (f"{plural(self.exported, 'contrat')} {agree(self.exported, 'exporté')}, "
                f"{plural(left, 'incomplet')} non {agree(left, 'exporté')}")


def check_year(raw: str | int | None) -> int | None:
    """The year asked for (of notification, of signature for a concession); empty: all."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise Invalid(f"L'année doit être un nombre entre {FIRST_YEAR} et {LAST_YEAR} "
                      f"(« {text[:20]} » n'en est pas une).")
    return int(text)


def export_decp(db: Session, buyer: Organisation, *, year: int | None = None) -> DecpExport:
    result = DecpExport()
    for contract in _contracts(db, buyer.id, year):
        record, missing = contract_record(contract, buyer)
        if missing:
            result.incomplete.append(Incomplete(contract.id, contract.reference, contract.object,
                                                missing))
        elif contract.kind == ContractKind.concession:
            result.concessions.append(record)
        else:
            result.marches.append(record)
    return result


def _contracts(db: Session, buyer_id: int, year: int | None) -> Iterator[Contract]:
    """The buyer's contracts, streamed in batches; parties and modifications come with each
    batch (one query each), never one query per contract."""
    query = (select(Contract).where(Contract.buyer_org_id == buyer_id)
             # The buyer is known: not joined again on every row.
             .options(lazyload(Contract.buyer), selectinload(Contract.parties),
                      selectinload(Contract.modifications))
             .order_by(Contract.notified_on, Contract.id)
             .execution_options(yield_per=_BATCH))
    if year is not None:
        # A concession's signature is its notification date in the register.
        query = query.where(Contract.notified_on >= date(year, 1, 1),
                            Contract.notified_on <= date(year, 12, 31))
    yield from db.scalars(query)


# --- One contract ---------------------------------------------------------------------------

class _Record:
    """Gathers a record's values and what is missing or out of the format."""

    def __init__(self, contract: Contract):
        self.contract = contract
        self.facts = contract.decp_facts or {}
        self.missing: list[str] = []
        self.values: dict[str, Any] = {}

    def put(self, key: str, value: Any, label: str, *, optional: bool = False) -> None:
        if value is None:
            if not optional:
                self.missing.append(label)
        else:
            self.values[key] = value

    def fact(self, key: str, valid: Callable[[Any], bool], *, optional: bool = False) -> None:
        value = self.facts.get(key)
        if value is not None and not valid(value):
            self.missing.append(f"{LABELS[key]} (valeur non conforme au format)")
        else:
            self.put(key, value, LABELS[key], optional=optional)

    def problem(self, text: str) -> None:
        self.missing.append(text)


def contract_record(contract: Contract, buyer: Organisation) -> tuple[dict, list[str]]:
    """The 2024-format record of the contract, and what keeps it from being published (empty
    when it is complete)."""
    concession = contract.kind == ContractKind.concession
    r = _Record(contract)
    if not 1 <= len(contract.reference) <= MAX_ID:
        r.problem(f"identifiant de plus de {MAX_ID} caractères (« {contract.reference} »)")
    r.values["id"] = contract.reference
    buyer_id = buyer.siret if buyer.siret and _SIRET.match(buyer.siret) else None
    r.put("autoriteConcedante" if concession else "acheteur",
          {"id": buyer_id} if buyer_id else None, "SIRET de l'acheteur")
    natures = vocabulary.CONCESSION_NATURES if concession else vocabulary.MARKET_NATURES
    r.fact("nature", lambda v: v in natures)
    if len(contract.object) > MAX_OBJECT:
        r.problem(f"objet de plus de {number(MAX_OBJECT)} caractères")
    r.values["objet"] = contract.object
    if concession:
        _concession(r)
    else:
        _market(r)
    _considerations(r, concession)
    _modifications(r, concession)
    return r.values, r.missing


def _market(r: _Record) -> None:
    c, facts = r.contract, r.facts
    r.put("codeCPV", c.cpv_code if c.cpv_code and _CPV.match(c.cpv_code) else None, "code CPV")
    r.fact("procedure", lambda v: v in vocabulary.MARKET_PROCEDURES)
    r.fact("lieuExecution", _place)
    _duration(r)
    r.put("dateNotification", c.notified_on.isoformat() if c.notified_on else None,
          "date de notification")
    r.fact("datePublicationDonnees", _day)
    _amount(r, "montant", c.initial_amount, "montant")
    r.fact("formePrix", lambda v: v in vocabulary.PRICE_FORMS)
    r.fact("typesPrix", _listed("typePrix", vocabulary.PRICE_TYPES))
    r.fact("techniques", _listed("technique", vocabulary.TECHNIQUES))
    r.fact("modalitesExecution", _listed("modaliteExecution", vocabulary.EXECUTION_MODES))
    r.fact("idAccordCadre", lambda v: isinstance(v, str) and 1 <= len(v) <= MAX_ID,
           optional=True)
    r.fact("marcheInnovant", _boolean)
    r.fact("ccag", lambda v: v in vocabulary.CCAGS)
    r.fact("offresRecues", lambda v: _integer(v) and v >= 1)
    r.fact("attributionAvance", _boolean)
    r.fact("tauxAvance", _share, optional=True)
    r.fact("typeGroupementOperateurs", lambda v: v in vocabulary.GROUPINGS)
    r.fact("sousTraitanceDeclaree", _boolean)
    r.fact("origineUE", _share, optional=True)
    r.fact("origineFrance", _share, optional=True)
    if "origineUE" in facts and "origineFrance" in r.values and "origineUE" in r.values \
            and r.values["origineFrance"] > r.values["origineUE"]:
        r.problem("part des produits français supérieure à celle de l'Union européenne")
    _holders(r, "titulaires", "titulaire")


def _concession(r: _Record) -> None:
    c, facts = r.contract, r.facts
    r.fact("procedure", lambda v: v in vocabulary.CONCESSION_PROCEDURES)
    _duration(r)
    signed = facts.get("dateSignature") or (c.notified_on.isoformat() if c.notified_on else None)
    r.put("dateSignature", signed if signed and _day(signed) else None, "date de signature")
    r.fact("datePublicationDonnees", _day)
    started = facts.get("dateDebutExecution") or c.starts_on.isoformat()
    r.put("dateDebutExecution", started if _day(started) else None, LABELS["dateDebutExecution"])
    initial = c.initial_amount if c.initial_amount is not None else facts.get("valeurGlobale")
    _amount(r, "valeurGlobale", initial, "valeur globale")
    r.fact("montantSubventionPublique", lambda v: _number(v) and v >= 0)
    _holders(r, "concessionnaires", "concessionnaire")


def _duration(r: _Record) -> None:
    """The initial duration in months: as published, or from the dates of a contract never
    modified (its end date is then still the initial one)."""
    c = r.contract
    months = c.duration_months
    if months is None and not c.modifications:
        months = months_between(c.starts_on, c.ends_on)
    if months is not None and months < 1:
        r.problem("durée inférieure à un mois")
        return
    r.put("dureeMois", months, "durée initiale (mois)")


def _amount(r: _Record, key: str, initial: Any, label: str) -> None:
    """The initial amount: as published, or the current one of a contract never modified."""
    c = r.contract
    amount = initial
    if amount is None and not c.modifications:
        amount = c.amount_excl_vat
    if amount is not None and not isinstance(amount, bool) and Decimal(str(amount)) < 1:
        r.problem(f"{label} inférieur à 1 €")
        return
    r.put(key, json_number(Decimal(str(amount))) if amount is not None else None, label)


def _holder(organisation: Organisation) -> dict[str, str] | None:
    if organisation.siret:
        return {"typeIdentifiant": "SIRET", "id": organisation.siret}
    if organisation.foreign_id_kind in vocabulary.ID_KINDS and organisation.foreign_id:
        return {"typeIdentifiant": organisation.foreign_id_kind, "id": organisation.foreign_id}
    return None


def _holders(r: _Record, key: str, item: str) -> None:
    c = r.contract
    organisations = [o for o in [c.holder, *c.co_holders] if o is not None]
    if not organisations:
        r.problem("aucun titulaire")
        return
    holders = []
    for organisation in organisations:
        identified = _holder(organisation)
        if identified is None:
            r.problem(f"identifiant du titulaire « {organisation.name} »")
        else:
            holders.append({item: identified})
    r.values[key] = holders


def _considerations(r: _Record, concession: bool) -> None:
    c = r.contract
    social = [label for flag, label in ((c.social_clause, "Clause sociale"),
                                        (c.social_criterion, "Critère social"),
                                        (c.reserved, "Concession réservée" if concession
                                         else "Marché réservé")) if flag]
    green = [label for flag, label in ((c.environmental_clause, "Clause environnementale"),
                                       (c.environmental_criterion, "Critère environnemental"))
             if flag]
    r.values["considerationsSociales"] = {
        "considerationSociale": social or ["Pas de considération sociale"]}
    r.values["considerationsEnvironnementales"] = {
        "considerationEnvironnementale": green or ["Pas de considération environnementale"]}


def _modifications(r: _Record, concession: bool) -> None:
    items = [_modification(r, m, concession) for m in r.contract.modifications]
    if items:  # the format wants at least one when the key is there
        r.values["modifications"] = [{"modification": item} for item in items]


def _modification(r: _Record, m: ContractModification, concession: bool) -> dict[str, Any]:
    where = f"modification n° {m.sequence}"
    if m.sequence < 1:
        r.problem(f"{where} : numéro inférieur à 1")
    item: dict[str, Any] = {"id": m.sequence}
    notified = "dateSignatureModification" if concession else "dateNotificationModification"
    if m.notified_on is None:
        r.problem(f"{where} : date de {'signature' if concession else 'notification'}")
    else:
        item[notified] = m.notified_on.isoformat()
    if m.published_on is None:
        r.problem(f"{where} : date de publication des données")
    else:
        item["datePublicationDonneesModification"] = m.published_on.isoformat()
    if m.duration_months is not None:
        if m.duration_months < 1:
            r.problem(f"{where} : durée inférieure à un mois")
        item["dureeMois"] = m.duration_months
    if m.amount is not None:
        if m.amount < 1:
            r.problem(f"{where} : montant inférieur à 1 €")
        item["valeurGlobale" if concession else "montant"] = json_number(m.amount)
    if m.holders and not concession:  # a concession's modification names no holders
        holders = []
        for holder in m.holders:
            kind, number = holder.get("typeIdentifiant"), holder.get("id")
            if kind not in vocabulary.ID_KINDS or not number:
                r.problem(f"{where} : identifiant d'un titulaire")
            else:
                holders.append({"titulaire": {"typeIdentifiant": kind, "id": str(number)}})
        item["titulaires"] = holders
    return item


# --- Checks of the facts as stored ------------------------------------------------------------

def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _share(value: Any) -> bool:
    return _number(value) and 0 <= value <= 1


def _day(value: Any) -> bool:
    if not (isinstance(value, str) and _DAY.match(value)):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _place(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("code"), str)
            and bool(value["code"].strip()) and value.get("typeCode") in vocabulary.PLACE_CODE_TYPES
            and set(value) <= {"code", "typeCode"})


def _listed(key: str, allowed: tuple[str, ...]) -> Callable[[Any], bool]:
    def valid(value: Any) -> bool:
        items = value.get(key) if isinstance(value, dict) else None
        return (isinstance(items, list) and bool(items) and len(set(items)) == len(items)
                and all(item in allowed for item in items) and set(value) == {key})
    return valid
