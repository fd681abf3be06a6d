"""The buyer's contracts as an OCDS 1.1 release package (Open Contracting Data Standard).

Releases follow the ministry's DECP → OCDS conversion (execution.opendata.ocds_ids): per
contract, release ``-00`` is the contract as awarded (initial amount and duration), then one
release per modification (``-01``, ``-02``…, tag contractAmendment) with the amount and end as
modified. The execution the portal follows is one more release, ``-execution-YYYYMMDD``, dated
the export: its milestones change with every review, so it is not folded into a release whose
id a consumer already holds. Merging a contract's releases (OCDS records) gives its compiled
state.

Concessions are exported too (the ministry's converter leaves them out): the portal follows
their execution like a market's; ``tender.procurementMethodDetails`` starts with « Concession ».

Considerations use two extensions: sustainability (what, by which strategy) and contractTerms
(the execution commitments as terms). The otherRequirements extension is not used: its
reservedParticipation codes name who participation is reserved to (sheltered workshops,
public-service mission organisations) and the portal records only that a market is reserved.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from execution.opendata import ocds_ids as ids
from execution.opendata.ocds_implementation import implementation, ocds_datetime
from execution.opendata.ocds_rows import ContractRows, contract_rows
from portal.clock import now
from portal.commitments import params_of
from portal.errors import NotFound
from portal.formatting import hours, money
from portal.models import (
    CommitmentKind,
    Contract,
    ContractKind,
    ContractModification,
    ContractStatus,
    Organisation,
    PartyRole,
)
from portal.settings import get_settings

OCDS_VERSION = "1.1"
LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/{}/master/extension.json"
SUSTAINABILITY = _EXTENSION.format("ocds_sustainability_extension")
CONTRACT_TERMS = _EXTENSION.format("ocds_contractTerms_extension")
EXTENSIONS = (SUSTAINABILITY, CONTRACT_TERMS)
CATEGORIES = {"works": "works", "supplies": "goods", "services": "services"}
CURRENCY = "EUR"


@dataclass(frozen=True)
class Package:
    data: dict[str, Any]
    contracts: int
    releases: int


def package_uri(buyer: Organisation) -> str:
    return f"{get_settings().base_url.rstrip('/')}/donnees-ouvertes/ocds.json?acheteur={buyer.id}"


def release_package(db: Session, buyer: Organisation) -> Package:
    """Every contract of ``buyer``; NotFound when it has none (a package holds one release at
    least)."""
    moment = now()
    contracts = contract_rows(db, buyer)
    if not contracts:
        raise NotFound(f"{buyer.name} n'a aucun contrat à publier.")
    releases = [release for rows in contracts for release in contract_releases(rows, moment)]
    data = {
        "uri": package_uri(buyer),
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": ocds_datetime(moment),
        "publisher": {"name": buyer.name, **_publisher_id(buyer)},
        "license": LICENSE,
        "releases": releases,
    }
    return Package(data, len(contracts), len(releases))


def _publisher_id(buyer: Organisation) -> dict[str, str]:
    identified = ids.scheme_and_id(buyer)
    return {"scheme": identified[0], "uid": identified[1]} if identified else {}


# --- One contract ------------------------------------------------------------------------------

def contract_releases(rows: ContractRows, moment: datetime) -> list[dict[str, Any]]:
    contract = rows.contract
    ocid = ids.ocid(contract.buyer.siret, contract.reference, len(rows.modifications))
    releases = [_awarded(rows, ocid)]
    for number, modification in enumerate(rows.modifications, start=1):
        releases.append(_amended(rows, ocid, number, modification))
    execution = implementation(ocid, rows, moment)
    if execution:
        releases.append({
            "ocid": ocid, "id": f"{ocid}-execution-{moment:%Y%m%d}",
            "date": ocds_datetime(moment), "language": "fr", "tag": ["implementation"],
            "initiationType": "tender",
            "contracts": [{"id": ids.object_id(ocid, "contract"),
                           "awardID": ids.object_id(ocid, "award"),
                           "status": _status(contract, moment.date()),
                           "implementation": execution}]})
    return releases


def _awarded(rows: ContractRows, ocid: str) -> dict[str, Any]:
    contract = rows.contract
    buyer_ref = {"id": ids.party_id(contract.buyer, "buyer"), "name": contract.buyer.name}
    suppliers = _suppliers(rows)
    value = _value(contract.initial_amount if contract.initial_amount is not None
                   else contract.amount_excl_vat)
    period = _period(contract.starts_on, _initial_end(rows))
    items = _items(ocid, contract)
    award: dict[str, Any] = {"id": ids.object_id(ocid, "award"), "description": contract.object,
                             "status": "active",
                             "suppliers": [{"id": p["id"], "name": p["name"]} for p in suppliers],
                             "contractPeriod": period}
    signed = contract.notified_on
    if signed:
        award["date"] = ocds_datetime(signed)
    contract_out: dict[str, Any] = {"id": ids.object_id(ocid, "contract"),
                                    "awardID": award["id"], "title": contract.reference,
                                    "description": contract.object, "period": period}
    if signed:
        contract_out["dateSigned"] = ocds_datetime(signed)
    for part in (award, contract_out):
        if value:
            part["value"] = value
        if items:
            part["items"] = items
    return {
        "ocid": ocid, "id": ids.release_id(ocid, 0), "date": ocds_datetime(_published(rows)),
        "language": "fr", "tag": ["award", "contract"], "initiationType": "tender",
        "parties": [{**buyer_ref, "roles": ["buyer"], "identifier": _identifier(contract.buyer)},
                    *suppliers],
        "buyer": buyer_ref,
        "tender": _tender(rows, ocid),
        "awards": [award],
        "contracts": [contract_out],
    }


def _amended(rows: ContractRows, ocid: str, number: int,
             modification: ContractModification) -> dict[str, Any]:
    """The contract after modification ``number``: what it changed, and every amendment so far
    (an amendment list is replaced whole when releases are merged)."""
    done = rows.modifications[:number]
    last = number == len(rows.modifications)
    amount = next((m.amount for m in reversed(done) if m.amount is not None), None)
    if last and rows.contract.amount_excl_vat is not None:
        amount = rows.contract.amount_excl_vat
    contract_out: dict[str, Any] = {
        "id": ids.object_id(ocid, "contract"), "awardID": ids.object_id(ocid, "award"),
        "amendments": [_amendment(ocid, n, m) for n, m in enumerate(done, start=1)]}
    if amount is not None and any(m.amount is not None for m in done):
        contract_out["value"] = _value(amount)
    if any(m.duration_months is not None for m in done):
        end = rows.contract.ends_on if last else _end_after(rows, done)
        contract_out["period"] = _period(rows.contract.starts_on, end)
    when = modification.published_on or modification.notified_on or _published(rows)
    return {"ocid": ocid, "id": ids.release_id(ocid, number), "date": ocds_datetime(when),
            "language": "fr", "tag": ["contractAmendment"], "initiationType": "tender",
            "contracts": [contract_out]}


def _amendment(ocid: str, number: int, modification: ContractModification) -> dict[str, Any]:
    changes = []
    if modification.amount is not None:
        changes.append(f"montant porté à {money(modification.amount)}")
    if modification.duration_months is not None:
        changes.append(f"durée portée à {modification.duration_months} mois")
    if modification.holders:
        changes.append("titulaires : " + ", ".join(
            f"{h.get('typeIdentifiant', '')} {h.get('id', '')}".strip()
            for h in modification.holders))
    result: dict[str, Any] = {"id": ids.object_id(ocid, "amendment", number),
                              "releaseID": ids.release_id(ocid, number),
                              "amendsReleaseID": ids.release_id(ocid, number - 1)}
    if modification.notified_on:
        result["date"] = ocds_datetime(modification.notified_on)
    if modification.subject:
        result["rationale"] = modification.subject
    if changes:
        result["description"] = "Modification : " + " ; ".join(changes) + "."
    return result


# --- Parts -------------------------------------------------------------------------------------

def _identifier(organisation: Organisation) -> dict[str, str]:
    identified = ids.scheme_and_id(organisation)
    if identified is None:
        return {"legalName": organisation.name}
    return {"scheme": identified[0], "id": identified[1], "legalName": organisation.name}


def _suppliers(rows: ContractRows) -> list[dict[str, Any]]:
    """The holder and the co-holders, once each (a holder listed twice in DECP is one party)."""
    parties: dict[str, dict[str, Any]] = {}
    # A sub-contractor the holder declared is not a supplier of the contract (DECP neither).
    ordered = sorted((p for p in rows.parties if p.role != PartyRole.subcontractor),
                     key=lambda p: (p.role != PartyRole.holder, p.id))
    for party in ordered:
        organisation = party.organisation
        party_id = ids.party_id(organisation, "supplier")
        parties.setdefault(party_id, {"id": party_id, "name": organisation.name,
                                      "roles": ["supplier"],
                                      "identifier": _identifier(organisation)})
    return list(parties.values())


def _value(amount: Decimal | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def _period(start: date, end: date | None) -> dict[str, Any]:
    period = {"startDate": ocds_datetime(start)}
    if end is not None:
        period["endDate"] = ocds_datetime(end)
    return period


def _months_later(start: date, months: int) -> date:
    """The last day of a duration of ``months`` months from ``start`` (DECP dureeMois)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, _month_length(year, month))
    return date(year, month, day) - timedelta(days=1)


def _month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _initial_end(rows: ContractRows) -> date:
    """The end as first published: the contract's own when no modification changed the
    duration, else the initial DECP duration counted from the start."""
    contract = rows.contract
    if contract.duration_months and any(m.duration_months is not None
                                        for m in rows.modifications):
        return _months_later(contract.starts_on, contract.duration_months)
    return contract.ends_on


def _end_after(rows: ContractRows, done: list[ContractModification]) -> date:
    months = next(m.duration_months for m in reversed(done) if m.duration_months is not None)
    return _months_later(rows.contract.starts_on, months)


def _items(ocid: str, contract: Contract) -> list[dict[str, Any]]:
    if not contract.cpv_code:
        return []
    return [{"id": ids.object_id(ocid, "item"), "description": contract.object,
             "classification": {"scheme": "CPV", "id": contract.cpv_code}}]


def _published(rows: ContractRows) -> date | datetime:
    """When the contract's data was first published: DECP datePublicationDonnees when known,
    else when it was recorded in the portal."""
    raw = rows.contract.decp_facts.get("datePublicationDonnees") if rows.contract.decp_facts \
        else None
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            pass
    return rows.contract.created_at


def _status(contract: Contract, today: date) -> str:
    """contractStatus: terminated once ended (or closed early), pending before the start."""
    if contract.status == ContractStatus.closed or contract.end_date < today:
        return "terminated"
    return "pending" if contract.starts_on > today else "active"


def _tender(rows: ContractRows, ocid: str) -> dict[str, Any]:
    contract = rows.contract
    tender: dict[str, Any] = {"id": ids.object_id(ocid, "tender"),
                              "mainProcurementCategory": CATEGORIES[contract.nature]}
    procedure = (contract.decp_facts or {}).get("procedure")
    details = [part for part in (
        "Concession" if contract.kind == ContractKind.concession else None,
        procedure if isinstance(procedure, str) and procedure.strip() else None) if part]
    if details:
        tender["procurementMethodDetails"] = " : ".join(details)
    sustainability = _sustainability(rows)
    tender["hasSustainability"] = bool(sustainability)
    if sustainability:
        tender["sustainability"] = sustainability
    terms = _contract_terms(rows)
    if terms:
        tender["contractTerms"] = terms
    return tender


def _sustainability(rows: ContractRows) -> list[dict[str, Any]]:
    """One entry per DECP consideration. A goal more precise than « social » or
    « environmental » only where the portal knows it: insertion hours for the social clause,
    AGEC shares (reuse and recycled goods) for the environmental clause."""
    contract = rows.contract
    social_clause_goal = ("social.disadvantagedEmploymentOpportunities"
                          if rows.has(CommitmentKind.insertion_hours) else "social")
    environmental_clause_goal = ("environmental.circularEconomy"
                                 if rows.has(CommitmentKind.agec_share) else "environmental")
    entries = (
        (contract.social_clause, social_clause_goal, "contractPerformanceConditions",
         "Clause sociale"),
        (contract.social_criterion, "social", "awardCriteria", "Critère social"),
        (contract.reserved, "social", "reservedParticipation", "Marché réservé"),
        (contract.environmental_clause, environmental_clause_goal,
         "contractPerformanceConditions", "Clause environnementale"),
        (contract.environmental_criterion, "environmental", "awardCriteria",
         "Critère environnemental"),
    )
    return [{"goal": goal, "strategies": [strategy], "description": label}
            for present, goal, strategy, label in entries if present]


def _contract_terms(rows: ContractRows) -> dict[str, str]:
    """The execution commitments the portal follows, as the contract's terms (in French)."""
    terms, penalties = [], []
    for commitment in rows.commitments:
        params = params_of(commitment)
        if commitment.kind == CommitmentKind.insertion_hours:
            terms.append(f"{hours(params.target_hours)} d'insertion")
            if params.penalty_per_missing_hour:
                penalties.append(f"{money(params.penalty_per_missing_hour)} par heure "
                                 "d'insertion manquante")
        else:
            terms.append(_TERMS[commitment.kind])
    result = {}
    if terms:
        result["performanceTerms"] = ("Engagements d'exécution suivis sur le portail : "
                                      + " ; ".join(terms) + ".")
    if penalties:
        result["rewardsAndPenalties"] = "Pénalité de " + " ; ".join(penalties) + "."
    return result


# Keyed by CommitmentKind values: Commitment.kind is stored as text.
_TERMS: dict[str, str] = {
    CommitmentKind.agec_share: "parts d'achats issus du réemploi, de la réutilisation ou du "
                               "recyclage (loi AGEC, art. 58)",
    CommitmentKind.progress_plan: "plan de progrès",
    CommitmentKind.csr_report: "rapport RSE annuel",
    CommitmentKind.concession_report: "rapport annuel du concessionnaire",
    CommitmentKind.carbon_report: "déclaration périodique des émissions de gaz à effet de serre "
                                  "(tCO2e par scope)",
}


def package_json(package: Package) -> bytes:
    return json.dumps(package.data, ensure_ascii=False, indent=1).encode()


def package_filename(buyer: Organisation) -> str:
    return f"ocds-{buyer.siret or buyer.id}-{now():%Y%m%d}.json"
