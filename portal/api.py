"""API authentication: token login and the caller's identity."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from portal import identity, throttle
from portal.api_errors import COMMON, error_responses
from portal.auth import ApiUser, DbSession
from portal.errors import Invalid
from portal.models import TokenKind
from portal.settings import get_settings
from portal.web import client_address

router = APIRouter(prefix="/api/v1", tags=["identity"], responses=COMMON)

ERRORS = error_responses({401: "Identifiants ou jeton invalides",
                          413: "Requête trop volumineuse",
                          422: "Données invalides",
                          429: "Trop de tentatives : réessayer plus tard (Retry-After)"})


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


@router.post("/auth/token", responses=ERRORS, response_model=TokenOut,
             operation_id="auth-token", summary="Obtenir un jeton d'accès")
def create_token(body: TokenIn, request: Request, db: DbSession) -> TokenOut | JSONResponse:
    """Exchange an e-mail and password for a bearer token."""
    try:
        user = throttle.authenticate(db, email=body.email, password=body.password,
                                     host=client_address(request))
    except Invalid as error:
        # Answered, not raised: the failure must be committed to count against the account.
        return JSONResponse({"detail": error.message}, status_code=401)
    hours = get_settings().api_token_hours
    return TokenOut(access_token=identity.open_session(db, user, kind=TokenKind.api,
                                                       hours=hours),
                    expires_in=hours * 3600)


@router.get("/me", responses={401: ERRORS[401]}, operation_id="me-get",
            summary="Utilisateur connecté")
def me(user: ApiUser) -> MeOut:
    """The authenticated user."""
    return MeOut.model_validate(user)
