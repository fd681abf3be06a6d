"""Sub-contractors a holder declares on its contract (an SIAE doing part of the insertion
hours…): found or registered by SIRET, removed while no line names them, and either named on
the holder's insertion lines or filing their own hours (a share of the insertion commitment,
then their own declarations: `supplier.service.sync_declarations`)."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.errors import Conflict, Forbidden, Invalid
from portal.identity import create_organisation, find_organisation_by_identifier
from portal.models import (
    CommitmentKind,
    CommitmentShare,
    Contract,
    ContractParty,
    Organisation,
    OrgKind,
    PartyRole,
    User,
)
from portal.permissions import get_visible_contract, is_filer
from supplier.models import Declaration, InsertionLine, Status
from supplier.service import sync_declarations

NOT_SAVED = "Le sous-traitant n'a pas été enregistré."
NO_SUCH = "Choisissez un sous-traitant du contrat."


def holder_contract(db: Session, contract_id: int, user: User) -> Contract:
    """The contract, for its holder's users: only they declare its sub-contractors."""
    contract = get_visible_contract(db, contract_id, user)
    if not is_filer(user, contract):
        raise Forbidden("Seuls les utilisateurs du titulaire déclarent les sous-traitants du "
                        "contrat.")
    return contract


def files_own_hours(contract: Contract, organisation_id: int) -> bool:
    """Whether the sub-contractor files its own insertion hours (it has a share)."""
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    return commitment is not None and any(
        share.organisation_id == organisation_id for share in commitment.shares)


def add_subcontractor(db: Session, contract_id: int, *, siret: str, name: str | None,
                      files_own: bool, user: User) -> Organisation:
    """Declares a sub-contractor: the organisation of the portal with this SIRET, or a new one
    registered with ``name``; with ``files_own``, it files its own insertion hours."""
    contract = holder_contract(db, contract_id, user)
    siret, name = siret.strip(), (name or "").strip()
    if not siret:
        raise Invalid(NOT_SAVED, field_errors={"siret": "Indiquez le SIRET du sous-traitant."})
    organisation = find_organisation_by_identifier(db, siret)
    if organisation is not None and organisation.kind != OrgKind.supplier:
        raise Invalid(NOT_SAVED, field_errors={
            "siret": "Ce SIRET est celui d'un acheteur, pas d'une entreprise."})
    if organisation is not None and contract.role_of(organisation.id) is not None:
        raise Invalid(NOT_SAVED, field_errors={
            "siret": "Cette entreprise est déjà titulaire, co-traitante ou sous-traitante du "
                     "contrat."})
    if organisation is None:
        if not name:
            raise Invalid(NOT_SAVED, field_errors={
                "name": "Aucune entreprise du portail n'a ce SIRET : indiquez sa raison sociale "
                        "pour l'enregistrer."})
        organisation = create_organisation(db, name=name, siret=siret, kind=OrgKind.supplier)
        audit(db, user, "organisation", organisation.id, "create")
    if files_own and contract.commitment(CommitmentKind.insertion_hours) is None:
        raise Invalid(NOT_SAVED, field_errors={
            "files_own": "Ce contrat ne comporte pas d'engagement d'heures d'insertion."})
    contract.parties.append(ContractParty(organisation_id=organisation.id,
                                          role=PartyRole.subcontractor))
    db.flush()
    audit(db, user, "contract", contract.id, "add_subcontractor",
          comment=f"{organisation.name} ({organisation.identifier_label})")
    if files_own:
        _set_share(db, contract, organisation.id, True, user=user)
    return organisation


def set_files_own(db: Session, contract_id: int, organisation_id: int, *, files_own: bool,
                  user: User) -> Organisation:
    """Whether the sub-contractor files its own hours or the holder names it on its lines."""
    contract = holder_contract(db, contract_id, user)
    organisation = _subcontractor(contract, organisation_id)
    if files_own and contract.commitment(CommitmentKind.insertion_hours) is None:
        raise Invalid("Ce contrat ne comporte pas d'engagement d'heures d'insertion.")
    _set_share(db, contract, organisation.id, files_own, user=user)
    return organisation


def remove_subcontractor(db: Session, contract_id: int, organisation_id: int, *,
                         user: User) -> Organisation:
    """Withdraws a sub-contractor, while no insertion line names it and it filed nothing."""
    contract = holder_contract(db, contract_id, user)
    organisation = _subcontractor(contract, organisation_id)
    commitment_ids = [c.id for c in contract.commitments]
    named = select(InsertionLine.id).join(Declaration).where(
        Declaration.commitment_id.in_(commitment_ids),
        InsertionLine.subcontractor_org_id == organisation.id)
    if db.scalar(select(exists(named))):
        raise Conflict(f"Des lignes d'heures d'insertion nomment {organisation.name} : il ne "
                       "peut plus être retiré du contrat.")
    _set_share(db, contract, organisation.id, False, user=user)
    party = next(p for p in contract.parties if p.organisation_id == organisation.id)
    contract.parties.remove(party)
    db.flush()
    audit(db, user, "contract", contract.id, "remove_subcontractor",
          comment=f"{organisation.name} ({organisation.identifier_label})")
    return organisation


def _subcontractor(contract: Contract, organisation_id: int) -> Organisation:
    organisation = next((o for o in contract.subcontractors if o.id == organisation_id), None)
    if organisation is None:
        raise Invalid(NO_SUCH, field_errors={"organisation_id": NO_SUCH})
    return organisation


def _set_share(db: Session, contract: Contract, organisation_id: int, files_own: bool, *,
               user: User) -> None:
    """Gives the sub-contractor a share of the insertion commitment (its own declarations), or
    takes it back while it filed nothing (its expected declarations go)."""
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is None or files_own_hours(contract, organisation_id) == files_own:
        return
    if files_own:
        commitment.shares.append(CommitmentShare(organisation_id=organisation_id))
    else:
        filed = select(Declaration.id).where(Declaration.commitment_id == commitment.id,
                                             Declaration.holder_org_id == organisation_id,
                                             Declaration.status != Status.expected)
        if db.scalar(select(exists(filed))):
            raise Conflict("Ce sous-traitant a déjà rempli des déclarations : il continue de "
                           "déposer ses propres heures.")
        commitment.shares = [s for s in commitment.shares
                             if s.organisation_id != organisation_id]
        # Its declarations, all still expected, go before it leaves the filers.
        for declaration in db.scalars(select(Declaration).where(
                Declaration.commitment_id == commitment.id,
                Declaration.holder_org_id == organisation_id)):
            db.delete(declaration)
    db.flush()
    sync_declarations(db, contract)
    audit(db, user, "contract", contract.id,
          "subcontractor_files_own" if files_own else "subcontractor_named_by_holder")

