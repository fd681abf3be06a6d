"""Everyone told at each step of a declaration: who must act next hears of it in the bell and by
mail (per their preferences), once.

Called inside the transition's transaction, after its flush: the key carries the declaration's
version after the transition, so a repeated request (a double click, a retried POST refused with
409) rolls back before it gets here or finds the key taken, while a second real submission after
a return has a new version and tells everyone again. The actor is never told of their own act.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommitmentKind, Role, User
from portal.notifications import notify
from portal.permissions import attached_facilitators
from supplier.models import Declaration
from supplier.reminder import about, describe, users_of
from supplier.vocabulary import FACILITATOR_OPINIONS

MAIL_TEMPLATE = "declaration_event"


@dataclass(frozen=True)
class Event:
    """What happened, as the mail and the bell say it."""

    action: str  # submit, resubmit, return, validate, reopen, opinion: the key's and the kind's
    subject: str  # before « — contrat … »
    message: str
    comment: str | None = None
    comment_label: str = "Commentaire"


def _link(user: User, declaration_id: int) -> str:
    """The page where this recipient acts on the declaration."""
    if user.is_buyer:
        return f"/acheteur/declarations/{declaration_id}"
    if user.is_facilitator:
        return f"/facilitateur/declarations/{declaration_id}"
    return f"/fournisseur/declarations/{declaration_id}"


def buyer_agents(db: Session, declaration: Declaration) -> list[User]:
    return users_of(db, declaration.buyer_org_id, Role.buyer)


def filers(db: Session, declaration: Declaration) -> list[User]:
    """The users of the organisation that files the declaration (holder or co-holder)."""
    if declaration.holder_org_id is None:
        return []
    return users_of(db, declaration.holder_org_id, Role.supplier)


def facilitators(db: Session, declaration: Declaration) -> list[User]:
    """The users of the facilitator organisations attached to the contract (to all the buyer's
    contracts or to this one), for insertion declarations only: they see nothing else."""
    if declaration.commitment.kind != CommitmentKind.insertion_hours:
        return []
    attached = attached_facilitators(declaration.buyer_org_id, declaration.contract.id)
    return list(db.scalars(select(User).where(User.organisation_id.in_(attached),
                                              User.role == Role.facilitator, User.is_active)
                           .order_by(User.id)))


def _tell(db: Session, declaration: Declaration, event: Event, recipients: list[User], *,
          actor: User) -> int:
    db.flush()  # the version after the transition names the event
    contract = declaration.contract
    key = f"declaration:{declaration.id}:{event.action}:{declaration.version}"
    told = 0
    seen: set[int] = set()
    for user in recipients:
        if user.id == actor.id or user.id in seen:
            continue
        seen.add(user.id)
        told += notify(db, user, key=key, kind=f"declaration_{event.action}",
                       message=event.message, link=_link(user, declaration.id),
                       mail=user.mail_alerts, mail_template=MAIL_TEMPLATE,
                       about=about(declaration.id),
                       context={"subject": f"{event.subject} — contrat {contract.title}",
                                "comment": event.comment,
                                "comment_label": event.comment_label})
    return told


def submitted(db: Session, declaration: Declaration, *, actor: User, resubmitted: bool) -> int:
    """Filed (first time or after a return): the buyer's agents review it, the facilitators
    attached to the contract check its hours."""
    filer = actor.organisation.name
    event = Event(
        action="resubmit" if resubmitted else "submit",
        subject="Déclaration corrigée à examiner" if resubmitted else "Déclaration à examiner",
        message=(f"{filer} a déposé {'à nouveau, corrigée, ' if resubmitted else ''}"
                 f"la déclaration {describe(declaration)}."),
        comment=declaration.supplier_comment, comment_label="Commentaire du déposant")
    recipients = buyer_agents(db, declaration) + facilitators(db, declaration)
    return _tell(db, declaration, event, recipients, actor=actor)


REVIEWS = {
    "return": ("Déclaration renvoyée pour correction",
               "{buyer} vous renvoie la déclaration {what} pour correction."),
    "validate": ("Déclaration validée", "{buyer} a validé la déclaration {what}."),
    "reopen": ("Déclaration rouverte",
               "{buyer} a rouvert la déclaration {what}, qui était validée : elle est à "
               "corriger."),
}


def reviewed(db: Session, declaration: Declaration, *, actor: User, action: str) -> int:
    """Returned, validated or reopened by the buyer: the filer's organisation is told, with the
    buyer's comment."""
    subject, message = REVIEWS[action]
    event = Event(action=action, subject=subject,
                  message=message.format(buyer=declaration.contract.buyer.name,
                                         what=describe(declaration)),
                  comment=declaration.review_comment if action != "validate" else None,
                  comment_label="Commentaire de l'acheteur")
    return _tell(db, declaration, event, filers(db, declaration), actor=actor)


def opinion_given(db: Session, declaration: Declaration, actor: User) -> int:
    """The facilitator gave (or changed) its opinion on what was filed: the buyer's agents and
    the filer's organisation are told, with the facilitator's comment. Call it after the
    declaration's flush, in the same transaction."""
    label = FACILITATOR_OPINIONS.get(declaration.facilitator_opinion or "", "donné").lower()
    event = Event(action="opinion", subject=f"Avis du facilitateur : {label}",
                  message=f"{actor.organisation.name} a donné son avis sur la déclaration "
                          f"{describe(declaration)} : {label}.",
                  comment=declaration.facilitator_comment,
                  comment_label="Commentaire du facilitateur")
    recipients = buyer_agents(db, declaration) + filers(db, declaration)
    return _tell(db, declaration, event, recipients, actor=actor)
