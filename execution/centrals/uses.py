"""Which members of a purchasing central use one of its contracts (marchés subséquents, bons de
commande), with the amount each orders under it if given. Only the central's agents choose,
among the central's members; the declarations stay the contract's (filed as before)."""

from decimal import Decimal

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.centrals import CentralContractUse, members
from portal.commitments import Money
from portal.contracts import get_contract_for_reviewer
from portal.errors import Conflict, Forbidden, Invalid
from portal.formatting import money
from portal.models import Contract, Organisation, User
from portal.permissions import is_reviewer
from portal.validation import french_errors

_AMOUNT = TypeAdapter(Money | None)
REFUSED = "Les membres n'ont pas été enregistrés : corrigez les montants signalés."
NOT_CENTRAL = ("Seuls les agents d'une centrale d'achat choisissent, sur ses contrats, les "
               "membres qui les utilisent.")


def uses_of(db: Session, contract_id: int) -> list[CentralContractUse]:
    return list(db.scalars(select(CentralContractUse).join(CentralContractUse.member)
                           .where(CentralContractUse.contract_id == contract_id)
                           .order_by(Organisation.name, CentralContractUse.id)))


def marker(uses: list[CentralContractUse]) -> str:
    """What the form read; a different one on save means another agent changed the list."""
    return ";".join(f"{u.member_org_id}:{u.amount_excl_vat}" for u in
                    sorted(uses, key=lambda u: u.member_org_id))


def choices(db: Session, contract: Contract) -> list[Organisation]:
    """The central's members, and any former member still recorded on the contract."""
    current = members(db, contract.buyer_org_id)
    known = {org.id for org in current}
    former = [u.member for u in uses_of(db, contract.id) if u.member_org_id not in known]
    return [*current, *former]


def contract_section(db: Session, contract: Contract, user: User) -> dict:
    """The contract page's « membres qui utilisent ce contrat »: its buyer's agents only."""
    if not is_reviewer(user, contract):
        return {"central_uses": [], "can_pick_members": False}
    uses = uses_of(db, contract.id)
    return {"central_uses": uses,
            "can_pick_members": bool(uses) or bool(members(db, contract.buyer_org_id))}


def picker_contract(db: Session, contract_id: int, user: User) -> Contract:
    contract = get_contract_for_reviewer(db, contract_id, user)
    if not choices(db, contract):
        raise Forbidden(NOT_CENTRAL)
    return contract


def save_uses(db: Session, contract_id: int, *, buyer: User, chosen: list[int],
              amounts: dict[int, str], read: str) -> list[CentralContractUse]:
    """The contract's users become ``chosen`` (member ids) with their typed amounts (French
    input; empty: not given)."""
    contract = picker_contract(db, contract_id, buyer)
    allowed = {org.id for org in choices(db, contract)}
    errors: dict[str, str] = {}
    if set(chosen) - allowed:
        errors["members"] = "Choisissez parmi les membres de la centrale."
    parsed: dict[int, Decimal | None] = {}
    for org_id in allowed:
        typed = amounts.get(org_id, "").strip()
        if typed and org_id not in chosen:
            errors[f"amount_{org_id}"] = "Cochez ce membre pour indiquer son montant."
            continue
        try:
            parsed[org_id] = _AMOUNT.validate_python(typed or None)
        except ValidationError as error:
            errors[f"amount_{org_id}"] = next(iter(french_errors(error).values()))
    if errors:
        raise Invalid(REFUSED, field_errors=errors)
    uses = uses_of(db, contract.id)
    if marker(uses) != read:
        raise Conflict("La liste des membres de ce contrat a été modifiée entre-temps par un "
                       "autre agent ; rechargez la page pour la voir.")
    by_member = {u.member_org_id: u for u in uses}
    for org_id, use in by_member.items():
        if org_id not in chosen:
            db.delete(use)
    for org_id in dict.fromkeys(chosen):
        use = by_member.get(org_id) or CentralContractUse(contract_id=contract.id,
                                                          member_org_id=org_id)
        use.amount_excl_vat = parsed.get(org_id)
        db.add(use)
    db.flush()
    db.expire_all()
    saved = uses_of(db, contract.id)
    audit(db, buyer, "contract", contract.id, "central_uses", comment="Membres utilisateurs : "
          + (", ".join(f"{u.member.name}"
                       + (f" ({money(u.amount_excl_vat)})" if u.amount_excl_vat is not None
                          else "") for u in saved) or "aucun"))
    return saved
