"""The mediation requests in the API, read only, with the pages' access rule: the supplier
organisation that opened a request and the buyer's mediators (404 for anyone else)."""

from typing import Annotated

from fastapi import APIRouter, Query

from execution.mediation import service
from execution.mediation.schemas import (
    MediationRequestDetailOut,
    MediationRequestOut,
    request_detail_out,
    request_out,
)
from portal.api_errors import COMMON, error_responses
from portal.api_paging import ApiPage, PageOut
from portal.auth import ApiUser, DbSession
from portal.web import RowId

router = APIRouter(prefix="/api/v1/mediation-requests", tags=["mediation"], responses=COMMON)
ERRORS = error_responses({401: "Jeton manquant ou invalide",
                          404: "Demande inconnue ou non visible",
                          422: "Paramètres invalides"})


@router.get("", responses={k: ERRORS[k] for k in (401, 422)},
            operation_id="mediation-requests-list", summary="Lister les demandes de médiation")
def list_requests(db: DbSession, user: ApiUser, paging: ApiPage,
                  status: Annotated[str, Query(
                      max_length=10, pattern="^(|open|answered|closed|ongoing)$",
                      description="open, answered, closed, ongoing (non clôturées)")] = "",
                  q: Annotated[str, Query(max_length=100)] = ""
                  ) -> PageOut[MediationRequestOut]:
    """The requests the user reads (its company's, or its buyer organisation's), the latest
    first; empty for anyone else."""
    page = service.requests_page(db, user, search=q, status=status, page=paging.page,
                                 per_page=paging.per_page)
    return PageOut.of(page, [request_out(r) for r in page.items])


@router.get("/{request_id}", responses={k: ERRORS[k] for k in (401, 404, 422)},
            operation_id="mediation-requests-get", summary="Lire une demande de médiation")
def get_request(request_id: RowId, db: DbSession, user: ApiUser) -> MediationRequestDetailOut:
    """One request with its thread (parties only)."""
    return request_detail_out(service.get_visible(db, request_id, user))
