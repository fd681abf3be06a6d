"""Demo data for plausibility flags and exit outcomes: Bâtir Ouest files its third quarter 2026
of LE-2024-001 with one person above a quarter's full time and the whole far above the
contract's pace, each flag answered (awaiting the métropole's review); Tremplin Vert records
what became of the people of its ended contract LE-2025-007. Loading it twice changes nothing.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.demo.flow import at, take_to
from portal import clock
from portal.models import Commitment, CommitmentKind, Contract, Organisation, User
from supplier import exits
from supplier.models import Declaration, InsertionExit, Status
from supplier.schemas import InsertionDeclarationIn, InsertionLineIn

AGENT = "claire.martin@loire-estuaire.example.fr"
FLAGGED = ("LE-2024-001", date(2026, 7, 1), "direction@batir-ouest.example.fr")
# (reference, public, sex, age band, mode, hours, answer to the line's flag)
FLAGGED_LINES = [
    ("B26-301", "DELD_12M", "M", "26_49", "EMBAUCHE_DIRECTE", "520",
     "Mission de chef d'équipe à temps plein, plus les heures supplémentaires de la mise hors "
     "d'eau avant l'hiver (accord d'entreprise, majorations payées)."),
    ("B26-302", "RSA", "F", "26_49", "ETTI", "310", None),
    ("B26-303", "JEUNE_MOINS_26", "M", "MOINS_26", "GEIQ", "290", None),
]
PACE_COMMENT = ("Les travaux du groupe scolaire Jules-Verne ont été concentrés sur l'été, "
                "écoles fermées : le trimestre rattrape le retard de 2025.")
EXITS = ("LE-2025-007", "contact@tremplin-vert.example.fr")
# Outcomes given in turn to the contract's references, with the day of exit.
OUTCOMES = [("permanent", date(2026, 6, 30)), ("fixed_term_6m", date(2026, 6, 30)),
            ("training", date(2025, 12, 19)), ("none", date(2026, 6, 30)),
            ("other_job", date(2026, 3, 31)), ("unknown", date(2026, 6, 30)),
            ("permanent", date(2025, 9, 30)), ("training", date(2026, 6, 30))]


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    try:
        _flagged_quarter(db, users)
        _exits(db, users)
    finally:
        clock.freeze(None)


def _contract(db: Session, reference: str, agent: User) -> Contract | None:
    return db.scalar(select(Contract).where(Contract.buyer_org_id == agent.organisation_id,
                                            Contract.reference == reference))


def _flagged_quarter(db: Session, users: dict[str, User]) -> None:
    reference, start, filer = FLAGGED
    contract = _contract(db, reference, users[AGENT])
    if contract is None:
        return
    declaration = db.scalar(
        select(Declaration).join(Commitment, Commitment.id == Declaration.commitment_id)
        .where(Commitment.contract_id == contract.id,
               Commitment.kind == CommitmentKind.insertion_hours,
               Declaration.holder_org_id == users[filer].organisation_id,
               Declaration.period_start == start))
    if declaration is None or declaration.status != Status.expected:
        return  # filed already (or the contract changed)
    lines = [InsertionLineIn(beneficiary_ref=ref, public_category=public, sex=sex,
                             age_band=age, execution_mode=mode, hours=Decimal(hours),
                             flag_comment=answer)
             for ref, public, sex, age, mode, hours, answer in FLAGGED_LINES]
    data = InsertionDeclarationIn(version=declaration.version, lines=lines,
                                  pace_comment=PACE_COMMENT)
    take_to(db, declaration, data, Status.submitted, filer=users[filer], agent=users[AGENT],
            filed_after=12, reviewed_after=20, return_comment="")


def _exits(db: Session, users: dict[str, User]) -> None:
    reference, recorder = EXITS
    contract = _contract(db, reference, users[AGENT])
    if contract is None or db.scalar(select(InsertionExit.id).where(
            InsertionExit.contract_id == contract.id).limit(1)) is not None:
        return
    clock.freeze(at(date(2026, 7, 10)))
    holder = users[recorder]
    rows = exits.exit_rows(db, contract, holder, per_page=len(OUTCOMES)).items
    for row, (outcome, day) in zip(rows, OUTCOMES, strict=False):
        exits.record_exit(db, contract.id, user=holder, beneficiary_ref=row.ref,
                          outcome=outcome, exited_on=day)
