"""The facilitator's survey pages: the end-of-contract surveys of the insertion contracts it
follows, where it evaluates the clause's execution. A facilitator reaches only its own pages
(portal.auth.contract_side_user), hence these beside /enquetes."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from portal.auth import DbSession, FacilitatorUser
from portal.errors import NotFound
from portal.models import User
from portal.pagination import page_number
from portal.web import RowId, parsed_form, render, verify_csrf
from surveys import lists, service
from surveys.models import Direction, Invitation
from surveys.routes import save_from_form, survey_context

BASE = "/facilitateur/enquetes"
router = APIRouter(prefix=BASE, dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
VIEWS = {"a-remplir": "À remplir", "deposees": "Réponses déposées"}


def _own_invitation(db, invitation_id: int, user: User) -> Invitation:
    """One of the facilitator organisation's own evaluations; any other is unknown to it."""
    invitation = service.get_invitation(db, invitation_id, user=user)
    if (invitation.respondent_org_id != user.organisation_id
            or invitation.direction != Direction.facilitator_rates_clause):
        raise NotFound("Cette enquête n'existe pas ou vous n'y avez pas accès.")
    return invitation


@router.get("")
def facilitator_surveys_page(request: Request, db: DbSession, user: FacilitatorUser,
                             vue: str = "", q: str = "", page: str = ""):
    view = vue if vue in VIEWS else "a-remplir"
    search = q.strip()[:100]
    rows = lists.invitations_page(db, user, submitted=view == "deposees", search=search,
                                    page=page_number(page))
    filters = {"vue": view, **({"q": search} if search else {})}
    return render(request, "surveys/facilitator_list.html", {
        "views": VIEWS, "view": view, "counts": lists.survey_counts(db, user),
        "rows": rows, "search": search, "base": f"{BASE}?{urlencode(filters)}",
    }, block="survey_list")


@router.get("/{invitation_id}")
def facilitator_survey_page(request: Request, db: DbSession, user: FacilitatorUser,
                            invitation_id: RowId):
    invitation = _own_invitation(db, invitation_id, user)
    return render(request, "surveys/survey.html", survey_context(db, invitation, user))


@router.post("/{invitation_id}")
def save_facilitator_survey(request: Request, db: DbSession, user: FacilitatorUser,
                            invitation_id: RowId, form: Form):
    return save_from_form(request, db, user, form, url=f"{BASE}/{invitation_id}",
                          invitation=lambda: _own_invitation(db, invitation_id, user))
