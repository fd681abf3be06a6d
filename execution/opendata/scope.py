"""Whose open data a user handles: a buyer its own organisation's, an administrator the buyer
organisation it chose (every page and download of the hub takes ``?acheteur=<id>``)."""

from sqlalchemy.orm import Session

from execution.indicators.scope import chosen_buyer
from portal.errors import NotFound
from portal.models import Organisation, User

REFUSALS = ("Vous ne pouvez gérer que les données de votre organisation.",
            "Les données ouvertes sont réservées aux acheteurs et aux administrateurs.")


def buyer_in_scope(db: Session, user: User, acheteur: str | None) -> Organisation | None:
    """The buyer organisation of the ``acheteur`` GET parameter (empty: not chosen, anything
    but digits: unknown); None when an administrator has not chosen one yet. Suppliers have no
    open data to publish."""
    raw = (acheteur or "").strip()
    if raw and (not raw.isdigit() or len(raw) > 9):
        raise NotFound("Cette organisation acheteuse n'existe pas.")
    return chosen_buyer(db, user, int(raw) if raw else None, refusals=REFUSALS)


def admin_query(user: User, buyer: Organisation | None) -> str:
    """What keeps an administrator's choice in a link (a buyer has only its own)."""
    return f"?acheteur={buyer.id}" if buyer is not None and user.is_admin else ""
