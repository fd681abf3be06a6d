"""Organisations, users and their sessions: the identity services."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal import siret as siret_rules
from portal.clock import now
from portal.errors import Invalid
from portal.models import AuthToken, Organisation, OrgKind, OrgSize, Role, User
from portal.passwords import password_error
from portal.regions import region_of
from portal.security import hash_password, new_token, token_digest, verify_password

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_organisation_by_siret(db: Session, siret: str) -> Organisation | None:
    return db.scalar(select(Organisation).where(Organisation.siret == siret_rules.normalize(siret)))


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


def create_user(
    db: Session,
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    password: str | None,
) -> User:
    email = normalize_email(email)
    errors: dict[str, str] = {}
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors["email"] = "L'adresse e-mail n'est pas valide."
    elif db.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors["email"] = "Un compte existe déjà avec cette adresse e-mail."
    expected_kind = OrgKind.supplier if role == Role.supplier else OrgKind.buyer
    if organisation.kind != expected_kind:
        errors["role"] = "Ce rôle ne correspond pas au type de l'organisation."
    if password is not None and (message := password_error(password)):
        errors["password"] = message
    if errors:
        raise Invalid("Le compte n'a pas pu être créé.", field_errors=errors)
    user = User(
        email=email,
        full_name=full_name.strip() or email,
        role=role,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
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


def open_token(db: Session, user: User, *, kind: str, hours: int) -> str:
    """Creates a session or API token and returns its secret (only its digest is stored)."""
    token = new_token()
    db.add(AuthToken(kind=kind, token_hash=token_digest(token), user_id=user.id,
                     expires_at=now() + timedelta(hours=hours)))
    db.flush()
    return token


def user_for_token(db: Session, token: str | None, *, kind: str) -> User | None:
    if not token:
        return None
    row = db.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(token),
                                            AuthToken.kind == kind))
    if row is None or row.expires_at <= now() or not row.user.is_active:
        return None
    return row.user


def close_token(db: Session, token: str) -> None:
    db.execute(delete(AuthToken).where(AuthToken.token_hash == token_digest(token)))

