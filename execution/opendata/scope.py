"""Whose open data a user handles: a buyer its own organisation's, an administrator the buyer
organisation it chose (every page and download of the hub takes ``?acheteur=<id>``)."""

from sqlalchemy.orm import Session

from portal.errors import Forbidden, NotFound
from portal.models import Organisation, OrgKind, User


def buyer_in_scope(db: Session, user: User, buyer_id: int | None) -> Organisation | None:
    """The buyer organisation the page is about; None when an administrator has not chosen
    one yet. Suppliers have no open data to publish."""
    if user.is_buyer:
        if buyer_id is not None and buyer_id != user.organisation_id:
            raise Forbidden("Vous ne pouvez gérer que les données de votre organisation.")
        return user.organisation
    if not user.is_admin:
        raise Forbidden("Les données ouvertes sont réservées aux acheteurs et aux "
                        "administrateurs.")
    if buyer_id is None:
        return None
    buyer = db.get(Organisation, buyer_id)
    if buyer is None or buyer.kind != OrgKind.buyer:
        raise NotFound("Cette organisation acheteuse n'existe pas.")
    return buyer
