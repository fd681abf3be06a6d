"""Contracts ready for the DECP 2024 export, and the official schema to check the file against."""

import json
from datetime import date
from decimal import Decimal
from functools import cache

from jsonschema import Draft7Validator

from portal.decp_facts import DecpFactsIn
from portal.models import ContractModification, Organisation, OrgKind
from tests import factories
from tests.reference_data import DECP_2024_SCHEMA, reference

MARKET_FACTS = DecpFactsIn(
    nature="Marché", procedure="Appel d'offres ouvert",
    lieuExecution={"code": "44109", "typeCode": "Code commune"}, formePrix="Forfaitaire",
    typesPrix={"typePrix": ["Définitif révisable"]}, techniques={"technique": ["Sans objet"]},
    modalitesExecution={"modaliteExecution": ["Tranches", "Bons de commande"]},
    ccag="Travaux", offresRecues=4, marcheInnovant=False, attributionAvance=True,
    typeGroupementOperateurs="Conjoint", sousTraitanceDeclaree=False,
    datePublicationDonnees=date(2025, 2, 3))
CONCESSION_FACTS = DecpFactsIn(
    nature="Délégation de service public", procedure="Procédure négociée ouverte",
    datePublicationDonnees=date(2024, 11, 5), montantSubventionPublique=Decimal("0"))


@cache
def validator() -> Draft7Validator:
    schema = json.loads(reference(DECP_2024_SCHEMA).read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(document: dict | bytes) -> list[str]:
    """Every error of the document against schema_decp_v2.0.3.json (read back from its bytes:
    what a reuser parses, not the Python objects)."""
    if isinstance(document, bytes):
        document = json.loads(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator().iter_errors(document)]


def complete_market(db, buyer, holder, **fields):
    values = dict(notified_on=date(2025, 1, 20), cpv_code="45000000-7",
                  amount_excl_vat=Decimal("1250000.50"), decp=MARKET_FACTS)
    return factories.make_contract(db, buyer, holder, **(values | fields))


def complete_concession(db, buyer, holder, **fields):
    values = dict(kind="concession", nature="services", notified_on=date(2024, 10, 2),
                  starts_on=date(2025, 1, 1), ends_on=date(2031, 12, 31), frequency="yearly",
                  amount_excl_vat=Decimal("18000000"), insertion=None, decp=CONCESSION_FACTS)
    return factories.make_contract(db, buyer, holder, **(values | fields))


def foreign_holder(db, name="Bouwbedrijf Antwerpen NV", kind="TVA", number="BE0123456789"):
    organisation = Organisation(name=name, siret=None, foreign_id_kind=kind, foreign_id=number,
                                kind=OrgKind.supplier)
    db.add(organisation)
    db.commit()
    return organisation


def modify(db, contract, sequence, **fields):
    values = dict(notified_on=date(2025, 6, 2), published_on=date(2025, 6, 10),
                  subject="Travaux supplémentaires", amount=Decimal("1390000.10"),
                  duration_months=14)
    modification = ContractModification(contract_id=contract.id, sequence=sequence,
                                        **(values | fields))
    db.add(modification)
    db.commit()
    db.refresh(contract)
    return modification
