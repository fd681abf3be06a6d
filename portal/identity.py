"""Organisations, users and their sessions: the identity services."""

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from portal import siret as siret_rules
from portal.clock import now
from portal.decp_facts import ID_KINDS
from portal.errors import Invalid
from portal.models import (
    KIND_OF_ROLE,
    AuthToken,
    Organisation,
    OrgKind,
    OrgSize,
    Role,
    TokenKind,
    User,
)
from portal.passwords import password_error
from portal.regions import region_of
from portal.security import hash_password, new_token, token_digest, verify_password
from portal.validation import hidden_character_error

# How a company outside France is identified in the DECP (typeIdentifiant, 2024 spelling).
FOREIGN_ID_KINDS = tuple(kind for kind in ID_KINDS if kind != "SIRET")
WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
# A personal token's last use is written at most this often: a script calling the API in a
# loop must not turn every read into a write.
LAST_USE_PRECISION = timedelta(minutes=1)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_organisation_by_siret(db: Session, siret: str) -> Organisation | None:
    return db.scalar(select(Organisation).where(Organisation.siret == siret_rules.normalize(siret)))


def find_organisation_by_identifier(db: Session, text: str) -> Organisation | None:
    """A SIRET, or a foreign identifier as pages write it (« TVA BE0123456789 »)."""
    kind, _, value = text.strip().partition(" ")
    if value.strip() and kind.upper() in FOREIGN_ID_KINDS:
        return db.scalar(select(Organisation).where(
            Organisation.foreign_id_kind == kind.upper(),
            Organisation.foreign_id == value.strip()))
    if siret_rules.siret_error(text):
        return None
    return find_organisation_by_siret(db, text)


def create_organisation(
    db: Session,
    *,
    name: str,
    siret: str,
    kind: OrgKind,
    size: OrgSize | None = None,
    is_ess: bool = False,
    is_siae: bool = False,
    is_ea_esat: bool = False,
    address: str | None = None,
    postcode: str | None = None,
) -> Organisation:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "La raison sociale est obligatoire."
    elif message := hidden_character_error(name):
        errors["name"] = message
    if message := siret_rules.siret_error(siret):
        errors["siret"] = message
    elif find_organisation_by_siret(db, siret):
        errors["siret"] = "Une organisation avec ce SIRET existe déjà sur le portail."
    if postcode and region_of(postcode) is None:
        errors["postcode"] = "Le code postal doit comporter 5 chiffres d'un département français."
    if errors:
        raise Invalid("L'organisation n'a pas pu être enregistrée.", field_errors=errors)
    organisation = Organisation(
        name=name.strip(),
        siret=siret_rules.normalize(siret),
        kind=kind,
        size=size,
        is_ess=is_ess,
        is_siae=is_siae,
        is_ea_esat=is_ea_esat,
        address=address,
        postcode=postcode,
        region=region_of(postcode),
    )
    db.add(organisation)
    db.flush()
    return organisation


def joined_members(organisation_id: int):
    """Condition on User: active people of the organisation who have set their password (an
    invitation not yet accepted does not count)."""
    return (User.organisation_id == organisation_id) & User.is_active \
        & User.password_hash.is_not(None)


def has_joined_members(db: Session, organisation_id: int) -> bool:
    return bool(db.scalar(select(exists().where(joined_members(organisation_id)))))


def check_person_name(full_name: str) -> None:
    if message := hidden_character_error(full_name):
        raise Invalid("Le nom n'a pas pu être enregistré.", field_errors={"full_name": message})


def check_new_account(db: Session, *, email: str, role: Role, organisation: Organisation,
                      password: str | None = None) -> None:
    """Raises Invalid, with a message per field, if such an account cannot be created."""
    email = normalize_email(email)
    errors: dict[str, str] = {}
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors["email"] = "L'adresse e-mail n'est pas valide."
    elif db.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors["email"] = "Un compte existe déjà avec cette adresse e-mail."
    if organisation.kind != KIND_OF_ROLE[Role(role)]:
        errors["role"] = "Ce rôle ne correspond pas au type de l'organisation."
    if password is not None and (message := password_error(password)):
        errors["password"] = message
    if errors:
        raise Invalid("Le compte n'a pas pu être créé.", field_errors=errors)


def create_user(
    db: Session,
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    password: str | None,
    is_manager: bool | None = None,
) -> User:
    """A new account; by default the first person of an organisation is its gestionnaire."""
    email = normalize_email(email)
    check_person_name(full_name)
    check_new_account(db, email=email, role=role, organisation=organisation, password=password)
    if is_manager is None:
        is_manager = not has_joined_members(db, organisation.id)
    user = User(
        email=email,
        full_name=full_name.strip() or email,
        role=role,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
        is_manager=is_manager,
    )
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> User:
    """The active user with these credentials; the same error whether or not the e-mail exists."""
    user = db.scalar(select(User).where(User.email == normalize_email(email)))
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.is_active:
        raise Invalid(WRONG_CREDENTIALS)
    user.last_login_at = now()
    return user


def verify_password_of(user: User, password: str) -> bool:
    return verify_password(user.password_hash, password)


def open_token(db: Session, user: User, *, kind: TokenKind, expires_at: datetime,
               name: str | None = None, secret_prefix: str = "") -> tuple[AuthToken, str]:
    """Creates a session or API token and returns it with its secret (only the digest is
    stored, so the secret is shown once)."""
    secret = secret_prefix + new_token()
    row = AuthToken(kind=kind, token_hash=token_digest(secret), user_id=user.id, name=name,
                    expires_at=expires_at)
    db.add(row)
    db.flush()
    return row, secret


def open_session(db: Session, user: User, *, kind: TokenKind, hours: int) -> str:
    """A browser session or a short-lived API token; returns its secret."""
    return open_token(db, user, kind=kind, expires_at=now() + timedelta(hours=hours))[1]


# The statement that recognises a token, built once: every request of the portal runs it, and a
# prebuilt statement skips SQLAlchemy's construction and cache-key work (a third of its cost).
_TOKEN_OWNER = (
    select(User)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(AuthToken.token_hash == bindparam("digest"),
           AuthToken.kind.in_(bindparam("kinds", expanding=True)),
           AuthToken.expires_at > bindparam("now"), User.is_active))


def user_for_token(db: Session, token: str | None, *, kinds: tuple[TokenKind, ...],
                   extra: ColumnElement | None = None) -> tuple[User, Any] | None:
    """The active owner of a live token of one of these kinds, and the value of ``extra`` (a
    correlated expression on the user, e.g. their unread notifications) read in the same
    statement; None for no such token."""
    if not token:
        return None
    digest, moment = token_digest(token), now()
    if TokenKind.personal in kinds:
        # Written first, before anything is read: on SQLite a transaction that has read and
        # then writes fails at once ("database is locked") if another one committed between.
        db.execute(update(AuthToken)
                   .where(AuthToken.token_hash == digest, AuthToken.kind == TokenKind.personal,
                          AuthToken.expires_at > moment,
                          or_(AuthToken.last_used_at.is_(None),
                              AuthToken.last_used_at <= moment - LAST_USE_PRECISION))
                   .values(last_used_at=moment).execution_options(synchronize_session=False))
    query = _TOKEN_OWNER if extra is None else _with_extra(extra)
    row = db.execute(query, {"digest": digest, "kinds": list(kinds), "now": moment}).first()
    if row is None:
        return None
    return row[0], (row[1] if extra is not None else None)


@lru_cache(maxsize=8)
def _with_extra(extra: ColumnElement) -> Select:
    return _TOKEN_OWNER.add_columns(extra)


def close_token(db: Session, token: str) -> None:
    db.execute(delete(AuthToken).where(AuthToken.token_hash == token_digest(token)))


def end_tokens(db: Session, user: User, *, keep: str | None = None) -> None:
    """Ends every session and API token of the user, but the session ``keep`` (a secret)."""
    query = delete(AuthToken).where(AuthToken.user_id == user.id)
    if keep is not None:
        query = query.where(AuthToken.token_hash != token_digest(keep))
    db.execute(query.execution_options(synchronize_session=False))
