"""Scheduled work on declarations: periods to come, reminders before the due date, overdue alerts.

Each function takes a session, does its work once and returns a one-line summary; a second run
tells nobody twice (notification keys, see portal.notifications).
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.clock import today
from portal.formatting import plural
from portal.models import Commitment, Contract, ContractStatus, Role
from portal.notifications import notify
from portal.settings import get_settings
from supplier.models import OPEN_STATUSES, Declaration
from supplier.reminder import about, describe, users_of
from supplier.service import sync_declarations


def generate_periods(db: Session) -> str:
    """Creates the declarations of running contracts (dates or commitments may have changed)."""
    contracts = db.scalars(select(Contract).where(Contract.status == ContractStatus.active,
                                                  Contract.ends_on >= today())
                           .options(selectinload(Contract.commitments))).all()
    for contract in contracts:
        sync_declarations(db, contract)
    return plural(len(contracts), "contrat en cours à jour", "contrats en cours à jour")


def _open_declarations(db: Session, *conditions) -> list[Declaration]:
    # The contract and its parties come with the rows: the messages name them.
    return list(db.scalars(select(Declaration).join(Declaration.commitment)
                           .join(Commitment.contract)
                           .where(Declaration.status.in_(OPEN_STATUSES), *conditions)
                           .options(contains_eager(Declaration.commitment)
                                    .contains_eager(Commitment.contract)
                                    .selectinload(Contract.parties))
                           .order_by(Declaration.due_on, Declaration.id)))


def remind_due(db: Session) -> str:
    """Reminds the holder's users 7 and 1 days (settings) before a due date, once each."""
    steps = sorted(get_settings().reminder_days)
    if not steps:
        return "aucun rappel configuré"
    declarations = _open_declarations(db, Declaration.due_on > today(),
                                      Declaration.due_on <= today() + timedelta(days=steps[-1]))
    told = 0
    for declaration in declarations:
        days_left = (declaration.due_on - today()).days
        # Only the closest step: a reminder missed while the portal was down is not sent late
        # on top of the next one.
        step = next(s for s in steps if days_left <= s)
        # The organisation that files it: the holder, or the sharer whose part it is.
        for user in users_of(db, declaration.holder_org_id, Role.supplier):
            told += notify(
                db, user, key=f"reminder:declaration:{declaration.id}:{step}", kind="reminder",
                message=f"À déposer avant le {declaration.due_on:%d/%m/%Y} : "
                        f"{describe(declaration)}.",
                link=f"/fournisseur/declarations/{declaration.id}", mail=user.mail_alerts,
                mail_template="alert", about=about(declaration.id),
                context={"subject": f"Rappel : déclaration à déposer avant le "
                                    f"{declaration.due_on:%d/%m/%Y} — contrat "
                                    f"{declaration.contract.title}"})
    return plural(told, "rappel envoyé", "rappels envoyés")


def notify_overdue(db: Session) -> str:
    """Tells the holder the day after the due date, then the buyer's agents after a grace
    period; overdue itself is derived from the due date, nothing to store."""
    grace = get_settings().overdue_grace_days
    told = 0
    for declaration in _open_declarations(db, Declaration.is_overdue):
        contract = declaration.contract
        for user in users_of(db, declaration.holder_org_id, Role.supplier):
            told += notify(
                db, user, key=f"overdue:declaration:{declaration.id}", kind="overdue",
                message=f"En retard depuis le {declaration.due_on:%d/%m/%Y} : "
                        f"{describe(declaration)}.",
                link=f"/fournisseur/declarations/{declaration.id}", mail=user.mail_alerts,
                mail_template="alert", about=about(declaration.id),
                context={"subject": f"Déclaration en retard — contrat {contract.title}"})
        if declaration.due_on + timedelta(days=grace) < today():
            for user in users_of(db, contract.buyer_org_id, Role.buyer):
                told += notify(
                    db, user, key=f"overdue-buyer:declaration:{declaration.id}",
                    kind="overdue_buyer",
                    message=f"{(declaration.filer or contract.holder).name} n'a pas déposé : "
                            f"{describe(declaration)} "
                            f"(échéance du {declaration.due_on:%d/%m/%Y}).",
                    link=f"/acheteur/contrats/{contract.id}", mail=user.mail_alerts,
                    mail_template="alert", about=about(declaration.id),
                    context={"subject": f"Déclaration non déposée — contrat {contract.title}"})
    return plural(told, "alerte de retard envoyée", "alertes de retard envoyées")
