"""Who may add whom to which organisation, and the requests that go to its gestionnaires.

Each buyer's contracts are its own: a buyer adds people only to a supplier organisation that
works on one of its contracts, or to a facilitator organisation attached to it, and has nobody
yet; once an organisation has people, its gestionnaires decide. The same holds for
administrators and the buyer and facilitator organisations.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, exists, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal import accounts, identity
from portal.audit import audit
from portal.clock import now
from portal.db import Base
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.facilitators import FacilitatorAssignment
from portal.models import Contract, ContractParty, Organisation, OrgKind, Role, User
from portal.notifications import notify

NOT_YOURS = ("Vous ne pouvez pas ajouter de compte à cette organisation : elle ne travaille sur "
             "aucun de vos contrats.")


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    refused = "refused"


class AccessRequest(Base):
    """A buyer or an administrator asks an organisation's gestionnaires to add someone."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.pending)
    created_at: Mapped[datetime] = mapped_column(default=now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")


@dataclass(frozen=True)
class Option:
    """An organisation the inviter may add someone to, and whether it takes a request."""

    organisation: Organisation
    needs_request: bool


def works_for(organisation_id: int, buyer_org_id: int):
    """Condition: the organisation holds or co-holds a contract of that buyer organisation."""
    return exists().where(ContractParty.organisation_id == organisation_id,
                          ContractParty.contract_id == Contract.id,
                          Contract.buyer_org_id == buyer_org_id)


def facilitates(organisation_id, buyer_org_id: int):
    """Condition: the facilitator organisation is attached to that buyer organisation (to all
    its contracts or to some)."""
    return exists().where(FacilitatorAssignment.facilitator_org_id == organisation_id,
                          FacilitatorAssignment.buyer_org_id == buyer_org_id)


# The organisations an administrator adds the first person to.
ADMIN_REACHES = (OrgKind.buyer, OrgKind.facilitator)


def _may_reach(db: Session, inviter: User, organisation: Organisation) -> bool:
    """Outside its own organisation: an administrator reaches the buyer and facilitator
    organisations, a buyer the suppliers of its contracts and its facilitators."""
    if inviter.is_admin:
        return organisation.kind in ADMIN_REACHES
    if inviter.is_buyer and organisation.kind == OrgKind.supplier:
        return bool(db.scalar(select(works_for(organisation.id, inviter.organisation_id))))
    if inviter.is_buyer and organisation.kind == OrgKind.facilitator:
        return bool(db.scalar(select(facilitates(organisation.id, inviter.organisation_id))))
    return False


def needs_request(db: Session, inviter: User, organisation: Organisation) -> bool:
    """True: the organisation's gestionnaires decide; False: the inviter adds the person.
    Raises Forbidden when the inviter may do neither."""
    if inviter.organisation_id == organisation.id:
        if inviter.is_manager:
            return False
        raise Forbidden("Seuls les gestionnaires de votre organisation ajoutent des collègues.")
    if not _may_reach(db, inviter, organisation):
        raise Forbidden(NOT_YOURS)
    return identity.has_joined_members(db, organisation.id)


def options(db: Session, inviter: User, *, search: str = "", limit: int = 50) -> list[Option]:
    """What the invite page lists: buyer and facilitator organisations for an administrator,
    the suppliers of the inviter's contracts and its facilitators for a buyer; at most
    ``limit``, filtered by name or SIRET."""
    if inviter.is_admin:
        query = select(Organisation).where(Organisation.kind.in_(ADMIN_REACHES))
    elif inviter.is_buyer:
        query = select(Organisation).where(or_(
            (Organisation.kind == OrgKind.supplier)
            & works_for(Organisation.id, inviter.organisation_id),
            (Organisation.kind == OrgKind.facilitator)
            & facilitates(Organisation.id, inviter.organisation_id)))
    else:
        return []
    query = query.where(Organisation.id != inviter.organisation_id)
    if search := search.strip():
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Organisation.name).like(pattern),
                                Organisation.siret.like(f"%{search.replace(' ', '')}%")))
    joined = exists().where(identity.joined_members(Organisation.id))
    rows = db.execute(query.add_columns(joined).order_by(Organisation.name).limit(limit))
    return [Option(organisation, bool(has_people)) for organisation, has_people in rows]


def role_for(organisation: Organisation) -> Role:
    """The role of the people an organisation's gestionnaires or its inviters add."""
    return {OrgKind.supplier: Role.supplier, OrgKind.facilitator: Role.facilitator}.get(
        OrgKind(organisation.kind), Role.buyer)


def invite(db: Session, *, inviter: User, organisation: Organisation, email: str,
           full_name: str) -> User | AccessRequest:
    """Adds the person (an invitation mail) or, when the organisation already has people and the
    inviter is not one of its gestionnaires, asks them. Returns the user or the request."""
    if needs_request(db, inviter, organisation):
        return _request(db, inviter=inviter, organisation=organisation, email=email,
                        full_name=full_name)
    user = identity.create_user(db, email=email, full_name=full_name,
                                role=role_for(organisation), organisation=organisation,
                                password=None)
    accounts.send_invitation(db, inviter=inviter, user=user)
    audit(db, inviter, "user", user.id, "invite",
          comment="gestionnaire" if user.is_manager else None)
    return user


def _request(db: Session, *, inviter: User, organisation: Organisation, email: str,
             full_name: str) -> AccessRequest:
    email = identity.normalize_email(email)
    identity.check_person_name(full_name)
    # The same checks as for an account, before bothering the gestionnaires.
    identity.check_new_account(db, email=email, role=role_for(organisation),
                               organisation=organisation)
    pending = select(AccessRequest.id).where(AccessRequest.organisation_id == organisation.id,
                                             AccessRequest.email == email,
                                             AccessRequest.status == RequestStatus.pending)
    if db.scalar(pending):
        raise Invalid("Une demande est déjà en attente pour cette personne.",
                      field_errors={"email": "Une demande est déjà en attente pour cette "
                                             "adresse."})
    request = AccessRequest(organisation_id=organisation.id, requested_by_id=inviter.id,
                            email=email, full_name=full_name.strip() or email)
    db.add(request)
    db.flush()
    audit(db, inviter, "access_request", request.id, "request",
          to_status=RequestStatus.pending)
    message = (f"{inviter.full_name} ({inviter.organisation.name}) demande l'ajout de "
               f"{request.full_name} ({email}) aux utilisateurs de {organisation.name}.")
    for manager in managers(db, organisation.id):
        notify(db, manager, key=f"access_request:{request.id}", kind="access_request",
               message=message, link="/organisation#demandes", mail_template="alert",
               context={"subject": "Demande d'ajout d'un utilisateur"})
    return request


def managers(db: Session, organisation_id: int) -> list[User]:
    """The organisation's active gestionnaires; if it has none (an old instance), all its
    active people, so that a request never goes unseen."""
    people = list(db.scalars(select(User).where(identity.joined_members(organisation_id))
                             .order_by(User.id)))
    return [u for u in people if u.is_manager] or people


def pending_requests(db: Session, organisation_id: int) -> list[AccessRequest]:
    return list(db.scalars(select(AccessRequest)
                           .where(AccessRequest.organisation_id == organisation_id,
                                  AccessRequest.status == RequestStatus.pending)
                           .order_by(AccessRequest.created_at, AccessRequest.id)))


def _pending_for_manager(db: Session, manager: User, request_id: int) -> AccessRequest:
    request = db.get(AccessRequest, request_id)
    if request is None or request.organisation_id != manager.organisation_id:
        raise NotFound("Cette demande n'existe pas ou ne concerne pas votre organisation.")
    if not manager.is_manager:
        raise Forbidden("Seuls les gestionnaires de votre organisation répondent aux demandes.")
    if request.status != RequestStatus.pending:
        raise Conflict("Cette demande a déjà reçu une réponse.")
    return request


def accept(db: Session, *, manager: User, request_id: int) -> User:
    """The gestionnaire agrees: the person gets an invitation; the requester is told."""
    request = _pending_for_manager(db, manager, request_id)
    user = identity.create_user(db, email=request.email, full_name=request.full_name,
                                role=role_for(request.organisation),
                                organisation=request.organisation, password=None)
    accounts.send_invitation(db, inviter=manager, user=user)
    _decide(db, request, manager, RequestStatus.accepted, user_id=user.id)
    audit(db, manager, "user", user.id, "invite")
    return user


def refuse(db: Session, *, manager: User, request_id: int, comment: str | None) -> None:
    request = _pending_for_manager(db, manager, request_id)
    _decide(db, request, manager, RequestStatus.refused, comment=(comment or "").strip()[:1000])


def _decide(db: Session, request: AccessRequest, manager: User, status: RequestStatus, *,
            user_id: int | None = None, comment: str | None = None) -> None:
    request.status, request.decided_by_id, request.decided_at = status, manager.id, now()
    request.user_id, request.comment = user_id, comment or None
    db.flush()
    audit(db, manager, "access_request", request.id, "accept" if user_id else "refuse",
          from_status=RequestStatus.pending, to_status=status, comment=request.comment)
    verdict = "acceptée : une invitation lui a été envoyée" if user_id else "refusée"
    message = (f"Votre demande d'ajout de {request.full_name} à "
               f"{request.organisation.name} a été {verdict}.")
    if comment:
        message += f" Commentaire : {comment}"
    notify(db, request.requested_by, key=f"access_request_decided:{request.id}",
           kind="access_request", message=message, link=None, mail_template="alert",
           context={"subject": "Réponse à votre demande d'ajout d'un utilisateur"})
