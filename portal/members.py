"""An organisation's people, managed by its gestionnaires (and by the administrators): who is
there, who leaves, who holds the gestionnaire flag and, in a buyer organisation, the mediator
flag. Every change is audited."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal import accounts, identity
from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Forbidden, NotFound
from portal.models import OrgKind, Role, User
from portal.pagination import Page, paginate


def members(db: Session, organisation_id: int, *, search: str = "", page: int = 1) -> Page:
    query = select(User).where(User.organisation_id == organisation_id)
    if search := search.strip().lower():
        pattern = f"%{search}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern),
                                User.email.like(pattern)))
    return paginate(db, query.order_by(User.is_active.desc(), User.full_name, User.id),
                    page=page)


def may_manage(actor: User, member: User) -> bool:
    return actor.is_admin or (actor.is_manager and actor.organisation_id == member.organisation_id)


def _member(db: Session, actor: User, user_id: int) -> User:
    member = db.get(User, user_id)
    if member is None or not (actor.is_admin or member.organisation_id == actor.organisation_id):
        raise NotFound("Ce compte n'existe pas ou n'appartient pas à votre organisation.")
    if not may_manage(actor, member):
        raise Forbidden("Seuls les gestionnaires de votre organisation gèrent ses comptes.")
    if member.erased_at is not None:
        raise Conflict("Ce compte a été effacé : il ne peut plus être modifié.")
    return member


def _other_managers(db: Session, member: User) -> list[User]:
    return [u for u in db.scalars(select(User).where(
        identity.joined_members(member.organisation_id), User.is_manager, User.id != member.id))]


def deactivate(db: Session, *, actor: User, user_id: int) -> User:
    """The person leaves: no login any more, every session, token and link dies at once; what
    they filed stays with the organisation, their name in the audit trail."""
    member = _member(db, actor, user_id)
    if member.id == actor.id:
        raise Conflict("Vous ne pouvez pas désactiver votre propre compte ; demandez-le à un "
                       "autre gestionnaire.")
    if not member.is_active:
        raise Conflict("Ce compte est déjà désactivé.")
    was_manager = member.is_manager
    member.is_active, member.is_manager, member.deactivated_at = False, False, now()
    member.is_mediator = False
    identity.end_tokens(db, member)
    accounts.kill_links(db, member)
    db.flush()
    audit(db, actor, "user", member.id, "deactivate", from_status="active", to_status="inactive")
    if was_manager and not _other_managers(db, member):
        _hand_over(db, actor, member.organisation_id)
    return member


def _hand_over(db: Session, actor: User, organisation_id: int) -> None:
    """An organisation with people keeps a gestionnaire: the longest-standing one takes over."""
    successor = db.scalar(select(User).where(identity.joined_members(organisation_id))
                          .order_by(User.created_at, User.id).limit(1))
    if successor is not None:
        successor.is_manager = True
        audit(db, actor, "user", successor.id, "grant_manager",
              comment="dernier gestionnaire parti")


def reactivate(db: Session, *, actor: User, user_id: int) -> User:
    member = _member(db, actor, user_id)
    if member.is_active:
        raise Conflict("Ce compte est déjà actif.")
    member.is_active, member.deactivated_at = True, None
    db.flush()
    audit(db, actor, "user", member.id, "reactivate", from_status="inactive", to_status="active")
    if member.password_hash is None:
        # Never joined: the old invitation died with the deactivation; send a new one.
        accounts.send_invitation(db, inviter=actor, user=member)
    return member


def set_manager(db: Session, *, actor: User, user_id: int, manager: bool) -> User:
    """Gives or takes the gestionnaire flag; an organisation never loses its last one."""
    member = _member(db, actor, user_id)
    if member.is_manager == manager:
        return member
    if manager and not member.is_active:
        raise Conflict("Réactivez d'abord ce compte.")
    if not manager and not _other_managers(db, member):
        raise Conflict("C'est le dernier gestionnaire de l'organisation : nommez-en d'abord un "
                       "autre.")
    member.is_manager = manager
    db.flush()
    audit(db, actor, "user", member.id, "grant_manager" if manager else "revoke_manager")
    return member


def set_mediator(db: Session, *, actor: User, user_id: int, mediator: bool) -> User:
    """Names or withdraws one of a buyer organisation's mediators (execution.mediation): the
    agents who read and answer its suppliers' mediation requests."""
    member = _member(db, actor, user_id)
    if member.is_mediator == mediator:
        return member
    if mediator and (member.role != Role.buyer or member.organisation.kind != OrgKind.buyer):
        raise Conflict("Seuls les agents d'une organisation acheteuse peuvent être médiateurs.")
    if mediator and not member.is_active:
        raise Conflict("Réactivez d'abord ce compte.")
    member.is_mediator = mediator
    db.flush()
    audit(db, actor, "user", member.id, "grant_mediator" if mediator else "revoke_mediator")
    return member
