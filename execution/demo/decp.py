"""Demo: the métropole's contracts carry the DECP facts its open-data export needs, as a buyer
would have typed them in « Données essentielles (DECP) »; one contract, typed in a hurry, still
lacks them, so that the hub shows the list of contracts to complete."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Contract, ContractKind, Organisation, User

# Left as typed by hand: the hub lists it as incomplete, with what it lacks.
INCOMPLETE = "LE-2026-003"
# CPV codes of the contracts registered without one (by their object).
CPV = {"LE-2024-001": "45453000-7", "LE-2024-014": "90911200-8", "LE-2025-007": "77313000-7",
       "LE-2025-012": "90500000-2", "LE-2024-022": "90911000-6"}
CPV_BY_NATURE = {"works": "45000000-7", "supplies": "30000000-9", "services": "79000000-4"}
CCAG_BY_NATURE = {"works": "Travaux", "supplies": "Fournitures courantes et services",
                  "services": "Fournitures courantes et services"}
WORKS_OPEN_TENDER = 1_000_000  # the demo's works above it went to an open call for tenders


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    contracts = db.scalars(select(Contract).where(
        Contract.buyer_org_id == organisations["metropole"].id, Contract.reference != INCOMPLETE)
        .order_by(Contract.id))
    for contract in contracts:
        if contract.decp_facts:  # filled already (or by the buyer): left as it is
            continue
        if contract.kind == ContractKind.concession:
            contract.decp_facts = _concession_facts(contract)
            continue
        if contract.cpv_code is None:
            contract.cpv_code = CPV.get(contract.reference, CPV_BY_NATURE[contract.nature])
        contract.decp_facts = _market_facts(contract)


def _published(contract: Contract) -> str:
    notified = contract.notified_on or contract.starts_on
    return (notified + timedelta(days=21)).isoformat()


def _market_facts(contract: Contract) -> dict[str, Any]:
    works = contract.nature == "works"
    open_tender = works and (contract.amount_excl_vat or 0) >= WORKS_OPEN_TENDER
    return {
        "nature": "Marché",
        "procedure": "Appel d'offres ouvert" if open_tender else "Procédure adaptée",
        "lieuExecution": {"code": "44109", "typeCode": "Code commune"},  # Nantes
        "formePrix": "Forfaitaire" if works else "Unitaire",
        "typesPrix": {"typePrix": ["Définitif révisable"]},
        "techniques": {"technique": ["Sans objet" if works else "Accord-cadre"]},
        "modalitesExecution": {"modaliteExecution": ["Tranches" if works
                                                     else "Bons de commande"]},
        "ccag": CCAG_BY_NATURE[contract.nature],
        "offresRecues": 5 if open_tender else 3,
        "marcheInnovant": False,
        "attributionAvance": works,
        "typeGroupementOperateurs": "Conjoint" if contract.co_holders else "Pas de groupement",
        "sousTraitanceDeclaree": works,
        "datePublicationDonnees": _published(contract),
    }


def _concession_facts(contract: Contract) -> dict[str, Any]:
    return {"nature": "Délégation de service public", "procedure": "Procédure négociée ouverte",
            "datePublicationDonnees": _published(contract), "montantSubventionPublique": 0}
