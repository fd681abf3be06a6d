"""Demo: an insertion commitment shared between the holder and its co-holder, and a
sub-contracted SIAE (issue 15).

On LE-2024-001 (Bâtir Ouest, co-holder Tremplin Vert) the métropole gives Tremplin Vert a share
of the 4 200 hours, which it files itself (four quarters validated, one submitted); Bâtir Ouest
declares the Régie de quartier Nantes Nord as a sub-contractor and names it on the lines of its
own declarations whose hours were done through sub-contracting."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from execution.demo.flow import take_to
from portal import clock, identity
from portal.models import (
    CommitmentKind,
    CommitmentShare,
    Contract,
    Organisation,
    OrgKind,
    OrgSize,
    User,
)
from supplier import service as filing
from supplier.models import Declaration, InsertionLine, Status
from supplier.schemas import InsertionDeclarationIn, InsertionLineIn
from supplier.subcontractors import service as subcontracting

REFERENCE = "LE-2024-001"
AGENT = "claire.martin@loire-estuaire.example.fr"
HOLDER = "direction@batir-ouest.example.fr"
CO_HOLDER = "contact@tremplin-vert.example.fr"
# The buyer's split of the 4 200 hours.
SHARES = {"btp": Decimal("3000"), "siae": Decimal("1200")}
REGIE_SIRET = "79451238600028"
V, S = Status.validated, Status.submitted
# Tremplin Vert's own quarters from 2024: four validated, the fifth awaiting review.
STATUSES = [V, V, V, V, S]
_PEOPLE = [("JEUNE_MOINS_26", "MOINS_26", "M"), ("RSA", "26_49", "F"),
           ("DELD_12M", "26_49", "F")]


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    contract = db.scalar(select(Contract).where(
        Contract.buyer_org_id == organisations["metropole"].id,
        Contract.reference == REFERENCE))
    if contract is None:
        return  # not there
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is None or commitment.shares:
        return  # not there, or already shared: the demo is loaded
    co_holder = organisations["siae"]
    commitment.shares = [CommitmentShare(organisation_id=organisations[key].id,
                                         target_hours=hours) for key, hours in SHARES.items()]
    filing.sync_declarations(db, contract)
    try:
        _file_co_holder(db, commitment.id, co_holder, users)
        _subcontract(db, contract, users[HOLDER])
    finally:
        clock.freeze(None)


def _file_co_holder(db: Session, commitment_id: int, co_holder: Organisation,
                    users: dict[str, User]) -> None:
    declarations = db.scalars(select(Declaration).where(
        Declaration.commitment_id == commitment_id,
        Declaration.holder_org_id == co_holder.id).order_by(Declaration.period_start)).all()
    for number, (declaration, status) in enumerate(zip(declarations, STATUSES, strict=False)):
        lines = [InsertionLineIn(beneficiary_ref=f"TV-{n + 1:03d}", public_category=category,
                                 sex=sex, age_band=age_band, execution_mode="EMBAUCHE_DIRECTE",
                                 hours=Decimal(38 + 7 * ((number + n) % 3)))
                 for n, (category, age_band, sex) in enumerate(_PEOPLE)]
        take_to(db, declaration, InsertionDeclarationIn(version=declaration.version,
                                                        lines=lines),
                status, filer=users[CO_HOLDER], agent=users[AGENT], filed_after=4,
                reviewed_after=10, return_comment="")


def _subcontract(db: Session, contract: Contract, holder: User) -> None:
    clock.freeze(None)
    regie = identity.find_organisation_by_siret(db, REGIE_SIRET)
    if regie is None:
        regie = identity.create_organisation(
            db, name="Régie de quartier Nantes Nord", siret=REGIE_SIRET, kind=OrgKind.supplier,
            size=OrgSize.tpe, is_siae=True, is_ess=True, postcode="44300",
            address="12 rue de la Bottière, Nantes")
    subcontracting.add_subcontractor(db, contract.id, siret=REGIE_SIRET, name=regie.name,
                                     files_own=False, user=holder)
    # The holder's lines of 2024 whose hours were done through an SIAE were filed (and
    # validated) before the sub-contractor was declared: the régie is named on them here.
    holder_declarations = select(Declaration.id).where(
        Declaration.commitment_id.in_([c.id for c in contract.commitments]),
        Declaration.holder_org_id == holder.organisation_id,
        Declaration.period_start < date(2025, 1, 1))
    db.execute(update(InsertionLine)
               .where(InsertionLine.declaration_id.in_(holder_declarations),
                      InsertionLine.execution_mode == "SOUS_TRAITANCE_SIAE")
               .values(subcontractor_org_id=regie.id)
               .execution_options(synchronize_session=False))
    db.flush()
