"""Personal API tokens: named, expiring bearer tokens an integrator creates for a script.

A token acts exactly as its user (same permissions, refused once the user is deactivated or
changes password). Its secret is shown once; only its SHA-256 is stored.
"""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import identity
from portal.audit import audit
from portal.clock import now
from portal.errors import Invalid, NotFound
from portal.models import AuthToken, TokenKind, User

VALIDITY_DAYS = (30, 90, 180, 365)
MAX_PER_USER = 20
# Recognisable in a leaked configuration file or a secret scanner's rules. A public marker put
# before each token, not a secret itself (bandit B105).
SECRET_PREFIX = "par_"  # nosec B105


def personal_tokens(db: Session, user: User) -> list[AuthToken]:
    return list(db.scalars(select(AuthToken).where(AuthToken.user_id == user.id,
                                                   AuthToken.kind == TokenKind.personal)
                           .order_by(AuthToken.created_at.desc(), AuthToken.id.desc())))


def create(db: Session, user: User, *, name: str, days: int) -> tuple[AuthToken, str]:
    """The new token and its secret, to show once."""
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Donnez un nom au jeton (par exemple le nom du logiciel qui l'utilise)."
    elif len(name) > 100:
        errors["name"] = "Le nom ne peut pas dépasser 100 caractères."
    if days not in VALIDITY_DAYS:
        errors["days"] = "Choisissez une durée de validité de la liste."
    count = db.scalar(select(func.count()).select_from(AuthToken).where(
        AuthToken.user_id == user.id, AuthToken.kind == TokenKind.personal))
    if count >= MAX_PER_USER:
        errors["name"] = (f"Vous avez déjà {MAX_PER_USER} jetons : révoquez ceux qui ne "
                          "servent plus.")
    if errors:
        raise Invalid("Le jeton n'a pas été créé.", field_errors=errors)
    token, secret = identity.open_token(db, user, kind=TokenKind.personal, name=name,
                                        expires_at=now() + timedelta(days=days),
                                        secret_prefix=SECRET_PREFIX)
    audit(db, user, "auth_token", token.id, "create", comment=name)
    return token, secret


def revoke(db: Session, user: User, token_id: int) -> None:
    token = db.get(AuthToken, token_id)
    if token is None or token.user_id != user.id or token.kind != TokenKind.personal:
        raise NotFound("Ce jeton n'existe pas ou a déjà été révoqué.")
    audit(db, user, "auth_token", token.id, "revoke", comment=token.name)
    db.delete(token)
    db.flush()
