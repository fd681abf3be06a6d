"""Surveys API: my invitations, one survey (double-blind applies), answering."""

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from portal.api_errors import COMMON, error_responses
from portal.api_paging import ApiPage, PageOut
from portal.auth import ContractSideApiUser, DbSession
from portal.models import User
from portal.web import RowId
from surveys import lists, service
from surveys.models import Invitation
from surveys.vocabulary import options

router = APIRouter(prefix="/api/v1/surveys", tags=["surveys"], responses=COMMON)

ERRORS = error_responses({
    401: "Jeton manquant ou invalide",
    403: "Réservé à l'organisation invitée",
    404: "Enquête inconnue ou non visible",
    409: "Réponses déjà déposées ou enquête close",
    413: "Requête trop volumineuse",
    422: "Données invalides",
})

ANSWER_DOC = ("Réponses par identifiant de question : une note entière (1 à 5, ou 0 à 10), "
              "« na » pour « Non concerné », « yes » / « no » / « unknown », un texte "
              "(2 000 caractères au plus), ou null pour effacer une réponse.")


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Values are checked against each question's scale by the service (French messages).
    answers: dict[str, Any] = Field(default_factory=dict, max_length=200, description=ANSWER_DOC,
                                    json_schema_extra={"additionalProperties": {
                                        "type": ["integer", "string", "null"]}})
    submit: StrictBool = False


class OrganisationRef(BaseModel):
    id: int
    name: str


class OptionOut(BaseModel):
    value: str
    label: str


class QuestionOut(BaseModel):
    id: int
    position: int
    wording: str
    scale: str
    options: list[OptionOut]
    answer: int | str | None


class SurveySummaryOut(BaseModel):
    id: int
    campaign_id: RowId
    contract_id: RowId
    contract_reference: str
    survey: str = Field(description="« Enquête de fin de contrat » ou « Revue annuelle 2026 »")
    anniversary: int = Field(description="0 pour l'enquête de fin de contrat ; n pour la revue "
                                         "annuelle du n-ième anniversaire du début du contrat")
    direction: str
    respondent: OrganisationRef
    subject: OrganisationRef
    status: str
    due_on: date
    closed: bool
    submitted_at: datetime | None


class CounterpartOut(BaseModel):
    id: int
    status: str
    submitted_at: datetime | None
    answers_visible: bool
    questions: list[QuestionOut]


class SurveyOut(SurveySummaryOut):
    can_answer: bool
    answers_visible: bool
    questions: list[QuestionOut]
    counterpart: CounterpartOut | None = Field(
        description="L'évaluation de l'autre partie : ses réponses ne sont visibles qu'une fois "
                    "les deux évaluations déposées, ou l'enquête close.")


def _summary(invitation: Invitation) -> dict:
    campaign = invitation.campaign
    return dict(
        id=invitation.id, campaign_id=campaign.id, contract_id=campaign.contract_id,
        contract_reference=campaign.contract.reference, survey=campaign.title,
        anniversary=campaign.anniversary, direction=invitation.direction,
        respondent=OrganisationRef(id=invitation.respondent.id, name=invitation.respondent.name),
        subject=OrganisationRef(id=invitation.subject.id, name=invitation.subject.name),
        status=invitation.status, due_on=campaign.due_on, closed=campaign.is_closed,
        submitted_at=invitation.submitted_at)


def _questions(invitation: Invitation, *, visible: bool) -> list[QuestionOut]:
    return [QuestionOut(id=a.id, position=a.position, wording=a.wording, scale=a.scale,
                        options=[OptionOut(value=v, label=label) for v, label in options(a.scale)],
                        answer=service.answer_value(a) if visible else None)
            for a in invitation.answers]


def survey_out(db: Session, invitation: Invitation, user: User) -> SurveyOut:
    visible = service.can_read_answers(db, invitation, user=user)
    other = service.counterpart(db, invitation)
    counterpart = None
    if other is not None:
        other_visible = service.can_read_answers(db, other, user=user)
        counterpart = CounterpartOut(id=other.id, status=other.status,
                                     submitted_at=other.submitted_at,
                                     answers_visible=other_visible,
                                     questions=_questions(other, visible=other_visible))
    return SurveyOut(**_summary(invitation), can_answer=service.can_answer(invitation, user),
                     answers_visible=visible, questions=_questions(invitation, visible=visible),
                     counterpart=counterpart)


@router.get("", responses={k: ERRORS[k] for k in (401, 422)},
            operation_id="surveys-list", summary="Lister les enquêtes")
def list_surveys(db: DbSession, user: ContractSideApiUser,
                 paging: ApiPage) -> PageOut[SurveySummaryOut]:
    """Surveys the caller's organisation is invited to answer, open ones first, one page of
    them."""
    page = lists.invitations_page(db, user, page=paging.page, per_page=paging.per_page)
    return PageOut[SurveySummaryOut].of(page, [SurveySummaryOut(**_summary(i))
                                               for i in page.items])


@router.get("/{invitation_id}", responses={k: ERRORS[k] for k in (401, 404)},
            operation_id="surveys-get", summary="Lire une enquête")
def get_survey(invitation_id: RowId, db: DbSession, user: ContractSideApiUser) -> SurveyOut:
    """One survey: its questions as they were asked, the caller's answers, and the other side's
    evaluation once double-blind allows it."""
    return survey_out(db, service.get_invitation(db, invitation_id, user=user), user)


@router.post("/{invitation_id}/answers",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
             operation_id="surveys-answer", summary="Répondre à une enquête")
def answer_survey(invitation_id: RowId, body: AnswersIn, db: DbSession,
                  user: ContractSideApiUser) -> SurveyOut:
    """Save answers as a draft; with `submit`, deposit them once and for all."""
    invitation = service.save_answers(db, invitation_id, body.answers, user=user,
                                      submit=body.submit)
    return survey_out(db, invitation, user)
