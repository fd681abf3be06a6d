"""Who is told of what in a mediation: the buyer's mediators of a new request and of the
parties' messages, the supplier of the mediator's and the buyer's agents' messages and of the
closing. A bell
notification each, and a mail for those who keep their alerts by mail."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.mediation.models import MediationMessage, MediationRequest, Side
from portal.models import Role, User
from portal.notifications import notify

MAIL_TEMPLATE = "alert"


def mediators(db: Session, buyer_org_id: int) -> list[User]:
    return list(db.scalars(select(User).where(
        User.organisation_id == buyer_org_id, User.role == Role.buyer, User.is_mediator,
        User.is_active).order_by(User.id)))


def _buyer_managers(db: Session, buyer_org_id: int) -> list[User]:
    return list(db.scalars(select(User).where(
        User.organisation_id == buyer_org_id, User.role == Role.buyer, User.is_manager,
        User.is_active).order_by(User.id)))


def _supplier_people(db: Session, request: MediationRequest) -> list[User]:
    """Who opened it; if that person left, the company's gestionnaires."""
    if request.opened_by.is_active:
        return [request.opened_by]
    return list(db.scalars(select(User).where(
        User.organisation_id == request.supplier_org_id, User.is_manager, User.is_active)))


def _tell(users: list[User], db: Session, request: MediationRequest, *, event: str,
          subject: str, message: str, link: str) -> int:
    told = 0
    for user in users:
        told += notify(db, user, key=f"mediation:{request.id}:{event}", kind="mediation",
                       message=message, link=link, mail=user.mail_alerts,
                       mail_template=MAIL_TEMPLATE, about=("mediation_request", request.id),
                       context={"subject": f"{subject} — contrat {request.contract.title}"})
    return told


def opened(db: Session, request: MediationRequest) -> int:
    company = request.supplier.name
    found = mediators(db, request.buyer_org_id)
    if found:
        return _tell(found, db, request, event="open", subject="Nouvelle demande de médiation",
                     message=f"{company} demande une médiation : « {request.subject} ».",
                     link=f"/acheteur/mediation/{request.id}")
    # Nobody can read it yet: the gestionnaires are asked to name a mediator.
    return _tell(_buyer_managers(db, request.buyer_org_id), db, request, event="open",
                 subject="Demande de médiation sans médiateur",
                 message=(f"{company} a ouvert une demande de médiation, mais votre "
                          "organisation n'a désigné aucun médiateur : nommez-en un sur la page "
                          "« Mon organisation » pour qu'elle soit traitée."),
                 link="/organisation")


def replied(db: Session, request: MediationRequest, message: MediationMessage) -> int:
    if message.side == Side.buyer:
        told = (f"{message.author.full_name} a écrit sur la demande de médiation "
                f"« {request.subject} ».")
        return (_tell(_supplier_people(db, request), db, request, event=f"message:{message.id}",
                      subject="Nouveau message de l'acheteur", message=told,
                      link=f"/fournisseur/mediation/{request.id}")
                + _tell(mediators(db, request.buyer_org_id), db, request,
                        event=f"message:{message.id}", subject="Nouveau message de l'acheteur",
                        message=told, link=f"/acheteur/mediation/{request.id}"))
    if message.side == Side.mediator:
        return _tell(_supplier_people(db, request), db, request, event=f"message:{message.id}",
                     subject="Réponse du médiateur",
                     message=f"Le médiateur a répondu à votre demande « {request.subject} ».",
                     link=f"/fournisseur/mediation/{request.id}")
    return _tell(mediators(db, request.buyer_org_id), db, request,
                 event=f"message:{message.id}", subject="Nouveau message de l'entreprise",
                 message=(f"{request.supplier.name} a écrit sur la demande de médiation "
                          f"« {request.subject} »."),
                 link=f"/acheteur/mediation/{request.id}")


def closed(db: Session, request: MediationRequest) -> int:
    outcome = request.outcome_label or ""
    return _tell(_supplier_people(db, request), db, request, event="close",
                 subject="Demande de médiation clôturée",
                 message=(f"Le médiateur a clôturé votre demande « {request.subject} » : "
                          f"{outcome.lower()}."),
                 link=f"/fournisseur/mediation/{request.id}")
