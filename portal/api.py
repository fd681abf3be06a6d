"""API authentication: token login and the caller's identity."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from portal import identity
from portal.auth import ApiLoginRequired, ApiUser, DbSession
from portal.errors import Invalid
from portal.models import TokenKind
from portal.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["identité"])

ERRORS = {401: {"description": "Identifiants ou jeton invalides"},
          422: {"description": "Données invalides"}}


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    role: str
    organisation_id: int


@router.post("/auth/token", responses={401: ERRORS[401], 422: ERRORS[422]})
def create_token(body: TokenIn, db: DbSession) -> TokenOut:
    """Exchange an e-mail and password for a bearer token."""
    try:
        user = identity.authenticate(db, body.email, body.password)
    except Invalid as error:
        raise ApiLoginRequired(error.message) from error
    hours = get_settings().api_token_hours
    return TokenOut(access_token=identity.open_session(db, user, kind=TokenKind.api,
                                                       hours=hours),
                    expires_in=hours * 3600)


@router.get("/me", responses={401: ERRORS[401]})
def me(user: ApiUser) -> MeOut:
    """The authenticated user."""
    return MeOut.model_validate(user)
