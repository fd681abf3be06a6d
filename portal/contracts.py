"""The contract register: create and change contracts, their parties and their commitments."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agec import known_codes
from portal.audit import audit
from portal.clock import today
from portal.decp_facts import merged_facts
from portal.errors import Conflict, Forbidden, Invalid
from portal.formatting import hours
from portal.identity import (
    create_organisation,
    find_organisation_by_identifier,
    find_organisation_by_siret,
)
from portal.models import (
    Commitment,
    CommitmentKind,
    CommitmentShare,
    Contract,
    ContractParty,
    ContractStatus,
    Organisation,
    OrgKind,
    PartyRole,
    User,
)
from portal.permissions import get_visible_contract, is_reviewer
from portal.schemas import ContractIn
from portal.siret import siret_error

_SCALAR_FIELDS = ("reference", "object", "kind", "nature", "cpv_code", "amount_excl_vat",
                  "notified_on", "starts_on", "ends_on", "frequency", "social_clause",
                  "social_criterion", "reserved", "reserved_basis", "environmental_clause",
                  "environmental_criterion", "global_cost_criterion", "carbon_clause")


def supplier_organisations(db: Session, buyer_org_id: int) -> list[Organisation]:
    """The companies that hold or co-hold a contract of this buyer: the choice offered on its
    contract form (any other is found by its SIRET, so the form never lists the instance's
    thousands of companies, nor shows one buyer the suppliers of another)."""
    parties = (select(ContractParty.organisation_id).join(Contract)
               .where(Contract.buyer_org_id == buyer_org_id))
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrgKind.supplier,
                                                      Organisation.id.in_(parties))
                           .order_by(Organisation.name, Organisation.id)))


def get_contract_for_reviewer(db: Session, contract_id: int, user: User) -> Contract:
    contract = get_visible_contract(db, contract_id, user)
    if not is_reviewer(user, contract):
        raise Forbidden("Seuls les agents de l'acheteur peuvent modifier ce contrat.")
    return contract


def _co_holders_by_siret(db: Session, data: ContractIn) -> ContractIn:
    if not data.co_holder_sirets:
        return data
    found, unknown = [], []
    for identifier in data.co_holder_sirets:
        organisation = find_organisation_by_identifier(db, identifier)
        if organisation is None or organisation.kind != OrgKind.supplier:
            unknown.append(identifier)
        else:
            found.append(organisation.id)
    if unknown:
        raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors={
            "co_holder_sirets": "Aucune entreprise du portail n'a ce SIRET : "
                                + ", ".join(unknown) + ". Enregistrez d'abord le co-traitant "
                                "comme titulaire d'un contrat ou demandez-lui de s'inscrire."})
    ids = list(dict.fromkeys([*data.co_holder_ids, *found]))
    return data.model_copy(update={"co_holder_ids": ids, "co_holder_sirets": []})


def _shares_by_siret(db: Session, data: ContractIn) -> ContractIn:
    """The organisations of the insertion shares named by SIRET, found by it."""
    shares, unknown = [], []
    for share in data.insertion_shares:
        if share.siret is not None:
            organisation = find_organisation_by_identifier(db, share.siret)
            if organisation is None:
                unknown.append(share.siret)
                continue
            share = share.model_copy(update={"organisation_id": organisation.id, "siret": None})
        shares.append(share)
    if unknown:
        raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors={
            "insertion_shares": "Aucune entreprise du portail n'a ce SIRET : "
                                + ", ".join(unknown) + "."})
    return data.model_copy(update={"insertion_shares": shares})


def _shares_error(data: ContractIn) -> str | None:
    """Why the split of the insertion commitment cannot stand, in French; None if it can."""
    parties = {data.holder_id, *data.co_holder_ids}
    named = [share.organisation_id for share in data.insertion_shares]
    if set(named) - parties:
        return ("Seuls le titulaire et les co-traitants du contrat reçoivent une part de "
                "l'engagement d'insertion ; les sous-traitants sont déclarés par le titulaire.")
    if len(set(named)) != len(named):
        return "Une entreprise est nommée deux fois dans la répartition des heures d'insertion."
    total = sum((share.target_hours or 0 for share in data.insertion_shares), Decimal(0))
    if data.insertion is not None and total > data.insertion.target_hours:
        return (f"La somme des parts ({hours(total)}) dépasse l'engagement du contrat "
                f"({hours(data.insertion.target_hours)}).")
    return None


def _with_new_holder(db: Session, data: ContractIn, *, buyer: User) -> ContractIn:
    """Registers the holder typed by SIRET (or finds it, if it is on the portal already), and
    the co-holders and sharers named by SIRET."""
    data = _shares_by_siret(db, _co_holders_by_siret(db, data))
    if data.new_holder is None:
        return data
    new = data.new_holder
    existing = find_organisation_by_siret(db, new.siret) if not siret_error(new.siret) else None
    if existing is not None and existing.kind != OrgKind.supplier:
        raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors={
            "new_holder.siret": "Ce SIRET est celui d'un acheteur, pas d'une entreprise."})
    holder = existing
    if holder is None and not siret_error(new.siret) and not new.name:
        raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors={
            "new_holder.name": "Aucune entreprise du portail n'a ce SIRET : indiquez sa raison "
                               "sociale pour l'enregistrer."})
    if holder is None:
        try:
            holder = create_organisation(db, name=new.name or "", siret=new.siret,
                                         kind=OrgKind.supplier, size=new.size)
        except Invalid as error:
            raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors={
                f"new_holder.{key}": message for key, message in error.field_errors.items()
            }) from error
        audit(db, buyer, "organisation", holder.id, "create")
    return data.model_copy(update={"holder_id": holder.id, "new_holder": None})


def _check(db: Session, data: ContractIn, *, buyer_org_id: int, contract_id: int | None) -> None:
    errors: dict[str, str] = {}
    duplicate = select(Contract.id).where(Contract.buyer_org_id == buyer_org_id,
                                          Contract.reference == data.reference)
    if contract_id is not None:
        duplicate = duplicate.where(Contract.id != contract_id)
    if db.scalar(duplicate):
        errors["reference"] = "Un contrat de votre organisation porte déjà cette référence."
    wanted = {data.holder_id, *data.co_holder_ids}
    suppliers = set(db.scalars(select(Organisation.id).where(
        Organisation.id.in_(wanted), Organisation.kind == OrgKind.supplier)))
    if data.holder_id not in suppliers:
        errors["holder_id"] = "Choisissez le titulaire parmi les entreprises du portail."
    if wanted - suppliers - {data.holder_id}:
        errors["co_holder_ids"] = "Un co-traitant choisi n'est pas une entreprise du portail."
    if data.holder_id in data.co_holder_ids:  # a SIRET typed for both
        errors["co_holder_sirets"] = "Le titulaire ne peut pas être aussi co-traitant."
    if (shares_error := _shares_error(data)) is not None:
        errors["insertion_shares"] = shares_error
    if data.agec is not None:
        unknown = set(data.agec.categories) - set(known_codes(db, set(data.agec.categories)))
        if unknown:
            errors["agec.categories"] = ("Catégorie AGEC inconnue : " + ", ".join(sorted(unknown))
                                         + ". Choisissez parmi les catégories des décrets.")
    if data.decp is not None:
        errors.update(data.decp.kind_error(data.kind))
    if errors:
        raise Invalid("Le contrat n'a pas pu être enregistré.", field_errors=errors)


def _apply(contract: Contract, data: ContractIn) -> None:
    for field in _SCALAR_FIELDS:
        setattr(contract, field, getattr(data, field))
    if data.decp is not None:
        contract.decp_facts = merged_facts(contract.decp_facts, data.decp)
    set_holders(contract, data.holder_id, data.co_holder_ids)
    for kind, params in commitment_params(data).items():
        _apply_commitment(contract, kind, params)
    insertion = contract.commitment(CommitmentKind.insertion_hours)
    if insertion is not None:
        _apply_shares(contract, insertion, data)


def _apply_shares(contract: Contract, commitment: Commitment, data: ContractIn) -> None:
    """The buyer's split among the holder and co-holders; the sub-contractors' shares (the
    holder's to decide) are kept."""
    wanted = {share.organisation_id: share.target_hours for share in data.insertion_shares}
    subcontractors = {o.id for o in contract.subcontractors}
    commitment.shares = [s for s in commitment.shares if s.organisation_id in wanted
                         or s.organisation_id in subcontractors]
    for share in commitment.shares:
        if share.organisation_id in wanted:
            share.target_hours = wanted.pop(share.organisation_id)
    commitment.shares.extend(CommitmentShare(organisation_id=org_id, target_hours=target)
                             for org_id, target in wanted.items())


def set_holders(contract: Contract, holder_id: int | None, co_holder_ids: list[int]) -> None:
    """The contract's holder and co-holders become these (the form, the API, a DECP import);
    the sub-contractors, the holder's to declare (supplier.subcontractors), stay; an
    organisation that leaves the contract no longer shares its commitments."""
    wanted = {org_id: PartyRole.co_holder for org_id in co_holder_ids}
    if holder_id is not None:
        wanted[holder_id] = PartyRole.holder
    before = {p.organisation_id for p in contract.parties}
    contract.parties = [p for p in contract.parties if p.organisation_id in wanted
                        or p.role == PartyRole.subcontractor]
    for party in contract.parties:
        party.role = wanted.pop(party.organisation_id, party.role)
    contract.parties.extend(ContractParty(organisation_id=org_id, role=role)
                            for org_id, role in wanted.items())
    staying = {p.organisation_id for p in contract.parties}
    if not before - staying:
        return  # nobody left: the shares stand (and are not even read)
    for commitment in contract.commitments:
        if any(share.organisation_id not in staying for share in commitment.shares):
            commitment.shares = [share for share in commitment.shares
                                 if share.organisation_id in staying]


def commitment_params(data: ContractIn) -> dict[CommitmentKind, dict | None]:
    """The parameters of each commitment kind the form or API asked for (None: no commitment)."""
    def dump(model):
        return model.model_dump(mode="json") if model is not None else None

    return {
        CommitmentKind.insertion_hours: dump(data.insertion),
        CommitmentKind.agec_share: dump(data.agec),
        CommitmentKind.progress_plan: dump(data.progress_plan),
        CommitmentKind.csr_report: {} if data.csr_report else None,
        CommitmentKind.concession_report: {} if data.concession_report else None,
        CommitmentKind.carbon_report: {} if data.carbon_report else None,
    }


def _apply_commitment(contract: Contract, kind: CommitmentKind, params: dict | None) -> None:
    existing = contract.commitment(kind)
    if params is None:
        if existing is not None:
            contract.commitments.remove(existing)
    elif existing is None:
        contract.commitments.append(Commitment(kind=kind, params=params))
    else:
        existing.params = params


def create_contract(db: Session, data: ContractIn, *, buyer: User) -> Contract:
    if not buyer.is_buyer:
        raise Forbidden("Seuls les agents d'un acheteur peuvent enregistrer un contrat.")
    data = _with_new_holder(db, data, buyer=buyer)
    _check(db, data, buyer_org_id=buyer.organisation_id, contract_id=None)
    contract = Contract(buyer_org_id=buyer.organisation_id)
    _apply(contract, data)
    db.add(contract)
    db.flush()
    audit(db, buyer, "contract", contract.id, "create", to_status=contract.status)
    return contract


def update_contract(db: Session, contract_id: int, data: ContractIn, *, buyer: User,
                    version: int) -> Contract:
    contract = get_contract_for_reviewer(db, contract_id, buyer)
    if contract.version != version:
        raise Conflict("Ce contrat a été modifié entre-temps par quelqu'un d'autre ; "
                       "rechargez la page pour voir la dernière version.")
    data = _with_new_holder(db, data, buyer=buyer)
    _check(db, data, buyer_org_id=contract.buyer_org_id, contract_id=contract.id)
    _apply(contract, data)
    db.flush()
    audit(db, buyer, "contract", contract.id, "update", to_status=contract.status)
    return contract


ALREADY_CLOSED = "Ce contrat est déjà clos."
NOT_CLOSED = "Ce contrat n'est pas clos : il n'y a rien à rouvrir."


def close_contract(db: Session, contract_id: int, *, buyer: User, version: int,
                   comment: str | None = None) -> Contract:
    """Ends execution early (résiliation, fin anticipée) as of today."""
    contract = _current(db, contract_id, buyer, version)
    if contract.status == ContractStatus.closed:
        raise Conflict(ALREADY_CLOSED)
    contract.status, contract.closed_on = ContractStatus.closed, today()
    db.flush()
    audit(db, buyer, "contract", contract.id, "close", from_status=ContractStatus.active,
          to_status=ContractStatus.closed, comment=comment)
    return contract


def reopen_contract(db: Session, contract_id: int, *, buyer: User, version: int,
                    comment: str | None = None) -> Contract:
    """Undoes an early closing (made by mistake): execution runs again to the contractual end."""
    contract = _current(db, contract_id, buyer, version)
    if contract.status != ContractStatus.closed:
        raise Conflict(NOT_CLOSED)
    contract.status, contract.closed_on = ContractStatus.active, None
    db.flush()
    audit(db, buyer, "contract", contract.id, "reopen", from_status=ContractStatus.closed,
          to_status=ContractStatus.active, comment=comment)
    return contract


def _current(db: Session, contract_id: int, buyer: User, version: int) -> Contract:
    contract = get_contract_for_reviewer(db, contract_id, buyer)
    if contract.version != version:
        raise Conflict("Ce contrat a été modifié entre-temps ; rechargez la page.")
    return contract
