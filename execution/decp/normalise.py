"""One DECP record, 2019 or 2024 format, read into what the register keeps — or the list of
what is wrong with it (field, value, French reason)."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from portal.periods import last_day_of

from . import values as v
from .facts import concession_facts, considerations, market_facts
from .reading import RawRecord
from .vocabulary import contract_nature

MAX_REFERENCE = 64
CONCESSION_TYPES = {"contrat de concession", "contrat-concession", "concession"}


@dataclass
class Problem:
    field: str
    value: str
    reason: str


@dataclass
class Party:
    kind: str       # typeIdentifiant, 2024 spelling
    ident: str
    name: str | None


@dataclass
class Modification:
    sequence: int
    notified_on: date | None
    published_on: date | None
    subject: str | None
    amount: Decimal | None
    duration_months: int | None
    holders: list[dict[str, str]] | None


@dataclass
class Record:
    reference: str
    buyer_siret: str
    buyer_name: str | None
    concession: bool
    object: str
    cpv_code: str | None
    nature: str
    initial_amount: Decimal
    amount: Decimal
    duration_months: int
    notified_on: date | None
    starts_on: date
    ends_on: date
    holders: list[Party]
    # The contract's consideration flags (and ``reserved_basis`` when a label names it); None
    # when the record has none (2019 format).
    considerations: dict[str, bool | str] | None
    facts: dict[str, Any]
    modifications: list[Modification] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class Rejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].reason)
        self.problems = problems


def shown(value: Any) -> str:
    """How the report shows a wrong value: as written in the file, shortened."""
    if value is None:
        return ""
    written = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                              default=str)
    return written if len(written) <= 200 else written[:199] + "…"


def record_id(raw: RawRecord) -> str:
    try:
        return shown(v.text(raw.data.get("id")))
    except v.BadValue:
        return shown(raw.data.get("id"))


class _Reader:
    """Collects every problem of a record instead of stopping at the first."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[Problem] = []

    def get(self, parser, key: str, *, required: str | None = None, source=None,
            label: str | None = None):
        raw = (self.data if source is None else source).get(key)
        try:
            value = parser(raw)
        except v.BadValue as error:
            self.problems.append(Problem(label or key, shown(raw), error.reason))
            return None
        if value is None and required:
            self.problems.append(Problem(label or key, shown(raw), required))
        return value


def _unwrapped(item: Any, wrapper: str) -> Any:
    """A 2024 list item ({"titulaire": {...}}) or a 2019 one ({...})."""
    if isinstance(item, dict) and set(item) == {wrapper} and isinstance(item[wrapper], dict):
        return item[wrapper]
    return item


def _parties(reader: _Reader, items: Any, key: str, wrapper: str) -> list[Party]:
    parties = []
    for n, item in enumerate(items if isinstance(items, list) else [], start=1):
        item = _unwrapped(item, wrapper)
        label = f"{key}[{n}]"
        if not isinstance(item, dict):
            reader.problems.append(Problem(label, shown(item), "titulaire illisible"))
            continue
        try:
            kind, ident = v.identifier(item.get("typeIdentifiant"), item.get("id"))
            name = v.text(item.get("denominationSociale") or item.get("nom"))
        except v.BadValue as error:
            reader.problems.append(Problem(f"{label}.id", shown(item.get("id")), error.reason))
            continue
        parties.append(Party(kind, ident, name[:200] if name else None))
    return parties


def _is_concession(raw: RawRecord) -> bool:
    if raw.concession is not None:
        return raw.concession
    data = raw.data
    kind = data.get("_type")
    return (isinstance(kind, str) and kind.strip().lower() in CONCESSION_TYPES) or \
        "autoriteConcedante" in data or "concessionnaires" in data


def _test_marker(data: dict[str, Any], buyer: dict, holders: list) -> Problem | None:
    """A test record: a placeholder a person types when trying a platform — an objet, buyer or
    holder name opening with the word « test », or the CPV code 1234…"""
    cpv = "".join(str(data.get("codeCPV") or "").split())
    if v.TEST_CPV.fullmatch(cpv[:8]) and len(cpv) in (8, 10):
        return Problem("codeCPV", cpv, "enregistrement de test (code CPV fictif)")
    names = [("objet", data.get("objet")), ("acheteur.nom", buyer.get("nom"))]
    names += [(f"titulaires[{n}].denominationSociale",
               _unwrapped(h, "titulaire").get("denominationSociale"))
              for n, h in enumerate(holders, start=1) if isinstance(_unwrapped(h, "titulaire"),
                                                                  dict)]
    for key, value in names:
        if isinstance(value, str) and v.TEST_TEXT.match(value):
            return Problem(key, shown(value), "enregistrement de test")
    return None


def normalise(raw: RawRecord, *, only_buyer: str | None = None) -> Record:
    """The record as the register keeps it; raises Rejected with every problem found."""
    data, concession = raw.data, _is_concession(raw)
    reader = _Reader(data)
    buyer_key = "autoriteConcedante" if concession and "acheteur" not in data else "acheteur"
    buyer: dict[str, Any] = data[buyer_key] if isinstance(data.get(buyer_key), dict) else {}
    holder_key = "concessionnaires" if concession and "titulaires" not in data else "titulaires"
    holders_raw: list[Any] = (data[holder_key] if isinstance(data.get(holder_key), list)
                              else [])
    if test := _test_marker(data, buyer, holders_raw):
        raise Rejected([test])

    reference = reader.get(v.text, "id", required="identifiant du contrat manquant")
    if reference and len(reference) > MAX_REFERENCE:
        reader.problems.append(Problem("id", shown(reference),
                                       f"identifiant trop long ({MAX_REFERENCE} caractères "
                                       "au plus)"))
    buyer_siret = None
    try:
        kind, ident = v.identifier("SIRET", buyer.get("id"))
        buyer_siret = ident
    except v.BadValue as error:
        reader.problems.append(Problem(f"{buyer_key}.id", shown(buyer.get("id")),
                                       f"SIRET de l'acheteur : {error.reason}"))
    if buyer_siret and only_buyer and buyer_siret != only_buyer:
        reader.problems.append(Problem(f"{buyer_key}.id", buyer_siret,
                                       f"contrat d'un autre acheteur : ce fichier est importé "
                                       f"pour le SIRET {only_buyer}"))
    buyer_name = reader.get(v.text, "nom", source=buyer, label=f"{buyer_key}.nom")
    objet = reader.get(v.text, "objet", required="objet du contrat manquant")
    holders = _parties(reader, holders_raw, holder_key,
                       "concessionnaire" if holder_key == "concessionnaires" else "titulaire")
    if not holders_raw:
        reader.problems.append(Problem(holder_key, "", "aucun titulaire"))
    duration = reader.get(v.months, "dureeMois", required="durée en mois manquante")
    facts: dict[str, Any] = {}
    if concession:
        cpv = reader.get(v.cpv, "codeCPV") if data.get("codeCPV") else None
        signed = reader.get(v.day, "dateSignature", required="date de signature manquante")
        begins = reader.get(v.day, "dateDebutExecution")
        total = reader.get(v.amount, "valeurGlobale", required="valeur globale manquante")
        notified, starts = signed, begins or signed
        facts = concession_facts(data, signed, begins, total)
        nature: str = contract_nature(None, facts.get("nature", "Concession de service"))
    else:
        cpv = reader.get(v.cpv, "codeCPV", required="code CPV manquant")
        notified = reader.get(v.day, "dateNotification",
                              required="date de notification manquante")
        total = reader.get(v.amount, "montant", required="montant manquant")
        starts = notified
        facts = market_facts(data)
        nature = contract_nature(cpv) if cpv else "supplies"
    published = reader.get(v.day, "datePublicationDonnees")
    if published:
        facts["datePublicationDonnees"] = published.isoformat()
    flags = considerations(data)
    modifications = _modifications(reader, data.get("modifications"),
                                   "concessionnaires" if concession else "titulaires")
    if reader.problems:
        raise Rejected(reader.problems)
    # The reader recorded a problem for each of these that is missing: none is left here.
    assert reference and buyer_siret and objet and total is not None and duration is not None  # nosec B101
    assert starts is not None  # nosec B101
    latest_amount = next((m.amount for m in reversed(modifications) if m.amount is not None),
                         total)
    latest_duration = next((m.duration_months for m in reversed(modifications)
                            if m.duration_months is not None), duration)
    return Record(reference=reference, buyer_siret=buyer_siret,
                  buyer_name=buyer_name[:200] if buyer_name else None, concession=concession,
                  object=objet, cpv_code=cpv, nature=nature, initial_amount=total,
                  amount=latest_amount, duration_months=duration, notified_on=notified,
                  starts_on=starts, ends_on=last_day_of(starts, latest_duration),
                  holders=holders, considerations=flags, facts=facts,
                  modifications=modifications)


def _modifications(reader: _Reader, items: Any, holder_key: str) -> list[Modification]:
    """The avenants, 2019 (flat) or 2024 ({"modification": {...}}), in notification order."""
    found = []
    for n, item in enumerate(items if isinstance(items, list) else [], start=1):
        item = _unwrapped(item, "modification")
        label = f"modifications[{n}]"
        if not isinstance(item, dict):
            reader.problems.append(Problem(label, shown(item), "modification illisible"))
            continue
        item = {key.strip(): value for key, value in item.items()}
        notified = reader.get(v.day, "dateNotificationModification", source=item,
                              label=f"{label}.dateNotificationModification") \
            if item.get("dateNotificationModification") else \
            reader.get(v.day, "dateSignatureModification", source=item,
                       label=f"{label}.dateSignatureModification")
        published = reader.get(v.day, "datePublicationDonneesModification", source=item,
                               label=f"{label}.datePublicationDonneesModification")
        amount_key = "montant" if "montant" in item else "valeurGlobale"
        amount = reader.get(v.amount, amount_key, source=item, label=f"{label}.{amount_key}")
        duration = reader.get(v.months, "dureeMois", source=item, label=f"{label}.dureeMois")
        subject = reader.get(v.text, "objetModification", source=item,
                             label=f"{label}.objetModification")
        holders = None
        if isinstance(item.get(holder_key), list) and item[holder_key]:
            parties = _parties(reader, item[holder_key], f"{label}.{holder_key}",
                               holder_key.rstrip("s"))
            holders = [{"typeIdentifiant": p.kind, "id": p.ident} for p in parties]
        found.append((notified or published or date.max, n,
                      Modification(0, notified, published, subject, amount, duration, holders)))
    found.sort(key=lambda entry: entry[:2])
    for sequence, (_, _, modification) in enumerate(found, start=1):
        modification.sequence = sequence
    return [modification for _, _, modification in found]
