"""Demo data of the mediation: the métropole names a mediator, Lucas Fontaine; Bâtir Ouest's
request about a late payment was answered and closed with an agreement, Propreté Services
Atlantique's about penalties waits for his answer. Loading it twice changes nothing."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.demo.flow import at
from execution.mediation import service
from execution.mediation.models import MediationRequest
from portal import clock, identity
from portal.models import Contract, Organisation, Role, User

AGENT = "claire.martin@loire-estuaire.example.fr"
MEDIATOR = ("lucas.fontaine@loire-estuaire.example.fr", "Lucas Fontaine")
CLOSED = ("direction@batir-ouest.example.fr", "LE-2024-001",
          "Retard de paiement de la situation de travaux n° 7",
          "Notre situation n° 7 (142 800 € HT), reçue par vos services le 12 juillet, n'est "
          "toujours pas payée : le délai de 30 jours est dépassé de plus d'un mois.",
          date(2026, 9, 14))
OPEN = ("rse@proprete-atlantique.example.fr", "LE-2024-014",
        "Pénalités appliquées sur les heures d'insertion",
        "Les pénalités retenues au 3e trimestre ne tiennent pas compte des heures réalisées par "
        "notre sous-traitant SIAE, déclarées en retard à cause d'un changement de logiciel.",
        date(2026, 11, 23))


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    mediator = _mediator(db, organisations["metropole"], users[AGENT])
    users.setdefault(mediator.email, mediator)
    try:
        request = _request(db, users, CLOSED)
        if request is not None:
            clock.freeze(at(date(2026, 9, 16), 14))
            service.reply(db, request.id, user=mediator, body=(
                "La situation est bloquée au service fait : je relance la direction des "
                "bâtiments et reviens vers vous sous huit jours."))
            clock.freeze(at(date(2026, 9, 17)))
            service.reply(db, request.id, user=users[CLOSED[0]], body=(
                "Merci. Les intérêts moratoires et l'indemnité de 40 € seront-ils payés ?"))
            clock.freeze(at(date(2026, 10, 1), 16))
            service.close(db, request.id, user=mediator, outcome="accord", comment=(
                "Situation payée le 29 septembre avec les intérêts moratoires et l'indemnité "
                "forfaitaire de 40 €."))
        _request(db, users, OPEN)
    finally:
        clock.freeze(None)


def _mediator(db: Session, metropole: Organisation, agent: User) -> User:
    email, name = MEDIATOR
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        user = identity.create_user(db, email=email, full_name=name, role=Role.buyer,
                                    organisation=metropole, password=None, is_manager=False)
    user.is_mediator = True
    # Whatever password the demo was loaded with (portal demo --password) works here too.
    if user.password_hash != agent.password_hash:
        user.password_hash = agent.password_hash
    return user


def _request(db: Session, users: dict[str, User], spec) -> MediationRequest | None:
    """Opens the request unless it exists; None when it already did."""
    email, reference, subject, description, opened_on = spec
    contract = db.scalar(select(Contract).where(Contract.reference == reference))
    if contract is None or db.scalar(select(MediationRequest.id).where(
            MediationRequest.contract_id == contract.id, MediationRequest.subject == subject)):
        return None
    clock.freeze(at(opened_on))
    return service.open_request(db, user=users[email], contract_id=contract.id,
                                subject=subject, description=description)
