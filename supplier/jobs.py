"""Scheduled work on declarations: periods to come, reminders before the due date, overdue alerts.

Each function takes a session, does its work once and returns a one-line summary; a second run
tells nobody twice (notification keys, see portal.notifications). Reminders and alerts are
grouped: one mail per person and day lists every declaration concerned
(`supplier.reminder.tell_grouped`).
"""

from datetime import timedelta

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.clock import today
from portal.formatting import day, plural
from portal.models import Commitment, Contract, ContractStatus, Role
from portal.settings import get_settings
from supplier.models import OPEN_STATUSES, Declaration
from supplier.reminder import Item, describe, tell_grouped, users_of
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
    """The holders' day: each user of a filing organisation gets one mail listing what falls
    due within 7 and 1 days (settings) and what is late since the day after its due date, each
    declaration once per step; the bell keeps one notice per declaration."""
    steps = sorted(get_settings().reminder_days)
    soon = (and_(Declaration.due_on > today(),
                 Declaration.due_on <= today() + timedelta(days=steps[-1])) if steps else false())
    items: dict[int, list[Item]] = {}
    for declaration in _open_declarations(db, or_(soon, Declaration.is_overdue)):
        if declaration.holder_org_id is None:
            continue
        link = f"/fournisseur/declarations/{declaration.id}"
        if declaration.is_overdue:
            item = Item(declaration, f"overdue:declaration:{declaration.id}", link,
                        f"En retard depuis le {day(declaration.due_on)} : "
                        f"{describe(declaration)}.", late=True)
        else:
            # Only the closest step: a reminder missed while the portal was down is not sent
            # late on top of the next one.
            days_left = (declaration.due_on - today()).days
            step = next(s for s in steps if days_left <= s)
            item = Item(declaration, f"reminder:declaration:{declaration.id}:{step}", link,
                        f"À déposer avant le {day(declaration.due_on)} : "
                        f"{describe(declaration)}.", late=False)
        items.setdefault(declaration.holder_org_id, []).append(item)
    told = sum(tell_grouped(db, user, organisation_items, audience="holder")
               for organisation_id, organisation_items in items.items()
               for user in users_of(db, organisation_id, Role.supplier))
    return plural(told, "rappel envoyé", "rappels envoyés")


def notify_overdue(db: Session) -> str:
    """The buyers' alerts: after a grace period, each agent of the buyer gets one mail a day
    listing the declarations its suppliers have not filed (each declaration once). The holder
    was told by `remind_due` the day after the due date; overdue itself is derived from the
    due date, nothing to store."""
    grace = get_settings().overdue_grace_days
    items: dict[int, list[Item]] = {}
    for declaration in _open_declarations(db, Declaration.is_overdue,
                                          Declaration.due_on < today() - timedelta(days=grace)):
        contract = declaration.contract
        filer = declaration.filer.name if declaration.filer else "Le titulaire"
        items.setdefault(declaration.buyer_org_id, []).append(Item(
            declaration, f"overdue-buyer:declaration:{declaration.id}",
            f"/acheteur/contrats/{contract.id}",
            f"{filer} n'a pas déposé : {describe(declaration)} (échéance du "
            f"{day(declaration.due_on)}).", late=True))
    told = sum(tell_grouped(db, user, organisation_items, audience="buyer")
               for organisation_id, organisation_items in items.items()
               for user in users_of(db, organisation_id, Role.buyer))
    return plural(told, "alerte de retard envoyée", "alertes de retard envoyées")
