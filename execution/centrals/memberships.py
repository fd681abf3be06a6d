"""Which buyer organisations are members of which purchasing central (portal.centrals). Only
administrators add and remove members, audited; one level only: a central is no member, a
member is no central."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from portal import identity
from portal.audit import audit
from portal.centrals import CentralMembership
from portal.errors import Conflict, Invalid, NotFound
from portal.models import Organisation, OrgKind, User
from portal.pagination import Page, contains_text, paginate, search_words

REFUSED = "Le membre n'a pas été ajouté : corrigez les champs signalés."


def memberships(db: Session, *, search: str = "", page: int = 1) -> Page:
    """One page of every membership, by central then member name; searched by either name or
    SIRET."""
    central, member = aliased(Organisation), aliased(Organisation)
    query = (select(CentralMembership)
             .join(central, central.id == CentralMembership.central_org_id)
             .join(member, member.id == CentralMembership.member_org_id)
             .order_by(central.name, member.name, CentralMembership.id))
    if words := search_words(search):
        query = query.where(contains_text(words, central.name, member.name, central.siret,
                                          member.siret))
    return paginate(db, query, page=page)


def _buyer(db: Session, siret: str, field: str) -> Organisation:
    found = identity.find_organisation_by_siret(db, siret) if siret.strip() else None
    if found is None or found.kind != OrgKind.buyer:
        raise Invalid(REFUSED, field_errors={
            field: "Indiquez le SIRET d'une organisation acheteuse du portail."})
    return found


def _is_member(db: Session, organisation_id: int) -> bool:
    return bool(db.scalar(select(exists().where(
        CentralMembership.member_org_id == organisation_id))))


def _has_members(db: Session, organisation_id: int) -> bool:
    return bool(db.scalar(select(exists().where(
        CentralMembership.central_org_id == organisation_id))))


def add(db: Session, *, admin: User, central_siret: str, member_siret: str) -> CentralMembership:
    central = _buyer(db, central_siret, "central_siret")
    member = _buyer(db, member_siret, "member_siret")
    if central.id == member.id:
        raise Invalid(REFUSED, field_errors={
            "member_siret": "Une centrale d'achat n'est pas membre d'elle-même."})
    if _is_member(db, central.id):
        raise Invalid(REFUSED, field_errors={"central_siret": (
            f"{central.name} est membre d'une centrale : elle ne peut pas avoir de membres.")})
    if _has_members(db, member.id):
        raise Invalid(REFUSED, field_errors={"member_siret": (
            f"{member.name} est une centrale d'achat : elle ne peut pas être membre d'une "
            "autre.")})
    taken = select(CentralMembership.id).where(CentralMembership.central_org_id == central.id,
                                               CentralMembership.member_org_id == member.id)
    if db.scalar(taken) is not None:
        raise Conflict(f"{member.name} est déjà membre de {central.name}.")
    membership = CentralMembership(central_org_id=central.id, member_org_id=member.id)
    db.add(membership)
    db.flush()
    audit(db, admin, "central_membership", membership.id, "add",
          comment=f"{member.name} membre de {central.name}")
    return membership


def remove(db: Session, *, admin: User, membership_id: int) -> CentralMembership:
    """Ends a membership: the central's consolidation no longer counts the member's contracts;
    the central's contracts it used stay recorded (it did order under them)."""
    membership = db.get(CentralMembership, membership_id)
    if membership is None:
        raise NotFound("Cette adhésion n'existe pas ou a déjà été retirée.")
    audit(db, admin, "central_membership", membership.id, "remove",
          comment=f"{membership.member.name} n'est plus membre de {membership.central.name}")
    db.delete(membership)
    db.flush()
    return membership
