"""Demo data of the carbon follow-up: a works contract with a carbon clause, awarded on its
global cost, whose holder declares its emissions every quarter. Loading it twice changes
nothing.

Story (Bâtir Ouest, thermal renovation of a school group for the métropole):
- Q1 and Q2 2025 declared with the Bilan Carbone® method and an evidence PDF, validated;
- Q3 2025 returned (scope 3 missing), Q4 2025 filed and under review; 2026 expected.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import setup
from execution.demo.flow import at, take_to
from execution.demo.reports import demo_pdf
from portal import clock
from portal.models import (
    CommitmentKind,
    Contract,
    ContractNature,
    Frequency,
    Organisation,
    User,
)
from portal.schemas import ContractIn
from supplier import service as filing
from supplier.carbon_schemas import CarbonDeclarationIn
from supplier.models import Status

AGENT = "claire.martin@loire-estuaire.example.fr"
HOLDER = "direction@batir-ouest.example.fr"
REFERENCE = "LE-2025-031"
NOTIFIED_ON = date(2024, 11, 20)
# (status, scope 1, scope 2, scope 3) of each quarter, in order.
QUARTERS = [
    (Status.validated, "42.6", "8.1", "315.4"),
    (Status.validated, "51.3", "6.4", "402.9"),
    (Status.returned, "47.8", "5.2", None),
    (Status.submitted, "39.5", "9.7", "288.0"),
]
RETURN_COMMENT = ("Le scope 3 manque : les matériaux (isolants, menuiseries) en sont l'essentiel. "
                  "Merci de le compléter avec le même outil que pour les trimestres précédents.")


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    agent, holder = users[AGENT], users[HOLDER]
    exists = db.scalar(select(Contract.id).where(Contract.buyer_org_id == agent.organisation_id,
                                                 Contract.reference == REFERENCE))
    if exists is not None:
        return
    try:
        _story(db, agent, holder, organisations["btp"])
    finally:
        clock.freeze(None)


def _story(db: Session, agent: User, holder: User, holder_org: Organisation) -> None:
    data = ContractIn(reference=REFERENCE, object="Réhabilitation thermique du groupe scolaire "
                      "Jules-Verne (isolation, menuiseries, chaufferie bois)",
                      nature=ContractNature.works, cpv_code="45321000-3", holder_id=holder_org.id,
                      starts_on=date(2025, 1, 1), ends_on=date(2026, 6, 30),
                      notified_on=NOTIFIED_ON, frequency=Frequency.quarterly,
                      amount_excl_vat=Decimal("2350000"), environmental_criterion=True,
                      global_cost_criterion=True, carbon_clause=True, carbon_report=True)
    clock.freeze(at(NOTIFIED_ON))
    contract = setup.create_contract(db, data, buyer=agent)
    declarations = [d for d in filing.declarations_of(db, contract)
                    if d.commitment.kind == CommitmentKind.carbon_report]
    for declaration, (status, scope1, scope2, scope3) in zip(declarations, QUARTERS,
                                                             strict=False):
        quarter = f"{declaration.period_start:%m/%Y}"
        content = CarbonDeclarationIn(
            version=declaration.version, method="bilan_carbone", scope1_tco2e=Decimal(scope1),
            scope2_tco2e=Decimal(scope2),
            scope3_tco2e=Decimal(scope3) if scope3 is not None else None,
            note="Périmètre : chantier Jules-Verne (engins, base vie, livraisons, matériaux "
                 "mis en œuvre).")
        content._upload = SimpleNamespace(
            filename=f"bilan-carbone-jules-verne-{declaration.period_start:%Y-%m}.pdf",
            file=BytesIO(demo_pdf("Bâtir Ouest - suivi carbone du chantier Jules-Verne",
                                  f"Trimestre commençant en {quarter}",
                                  "Méthode Bilan Carbone (ADEME)")))
        take_to(db, declaration, content, status, filer=holder, agent=agent, filed_after=12,
                reviewed_after=20, return_comment=RETURN_COMMENT)
