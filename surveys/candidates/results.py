"""What a buyer reads of its candidates' answers: aggregates only, and only of surveys that are
closed with at least MIN_ANSWERS_SHOWN answers each (``results_shown``). Every page (and any
export or API to come) reads the answers through ``group_results``: the rule lives here and
nowhere else."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from portal.clock import now
from portal.models import Contract
from portal.pagination import Page, paginate

from .models import (
    CandidateAnswer,
    CandidateInvitation,
    CandidateQuestion,
    CandidateResponse,
    CandidateScale,
    CandidateSurvey,
)

# Below five answers a rejected candidate could be recognised by what it wrote or by the few
# marks given: the figures of a smaller group are never shown, not even its count.
MIN_ANSWERS_SHOWN = 5
HIDDEN_OPEN = "Résultats masqués jusqu'à la clôture de l'enquête"
HIDDEN_FEW = "Résultats masqués : moins de 5 réponses"
HIDDEN_NONE = ("Résultats masqués : aucune enquête close n'a encore reçu au moins 5 réponses")


def survey_closed() -> ColumnElement[bool]:
    """Whether the survey (of the enclosing query on CandidateSurvey) takes no more answer:
    every link used or expired (closing it early expires the others)."""
    return ~exists(select(CandidateInvitation.id).where(
        CandidateInvitation.survey_id == CandidateSurvey.id,
        CandidateInvitation.used.is_(False), CandidateInvitation.expires_at > now())
    ).correlate(CandidateSurvey)


def results_shown() -> ColumnElement[bool]:
    """Whether the survey's answers may be shown (in aggregate only): closed, so that no later
    answer changes the figures (the difference would be that one answer), and with at least
    MIN_ANSWERS_SHOWN answers. Groups of several surveys only add up surveys shown alone, so
    that no subtraction isolates a small one."""
    answers = (select(func.count(CandidateResponse.id))
               .where(CandidateResponse.survey_id == CandidateSurvey.id)
               .correlate(CandidateSurvey).scalar_subquery())
    return and_(survey_closed(), answers >= MIN_ANSWERS_SHOWN)


def is_closed(db: Session, survey_id: int) -> bool:
    return bool(db.scalar(select(survey_closed()).where(CandidateSurvey.id == survey_id)))


@dataclass(frozen=True)
class QuestionFigures:
    position: int
    wording: str
    scale: str
    answered: int
    mean: Decimal | None
    agreeing: int  # answers 3 or 4 on the agreement scale; 9 or 10 on the likelihood scale


@dataclass(frozen=True)
class GroupResults:
    """The results of a group of answers; ``shown`` False means no figure and no comment, only
    the ``reason`` why."""
    shown: bool
    reason: str = ""
    answers: int | None = None
    questions: tuple[QuestionFigures, ...] = ()
    comments: Page | None = None  # a page of the comments, alphabetical


def _group(db: Session, responses: Select, *, search: str, page: int) -> GroupResults | None:
    """The results of the responses the query selects (a query of response ids, of shown
    surveys only), with one page of the comments that contain ``search``; None if none."""
    ids = responses.subquery()
    count = db.scalar(select(func.count()).select_from(ids)) or 0
    if not count:
        return None
    agreeing = case((CandidateQuestion.scale == CandidateScale.likelihood,
                     case((CandidateAnswer.value >= 9, 1), else_=0)),
                    else_=case((CandidateAnswer.value >= 3, 1), else_=0))
    rows = db.execute(
        select(CandidateQuestion.position, CandidateQuestion.wording, CandidateQuestion.scale,
               func.count(CandidateAnswer.value), func.avg(CandidateAnswer.value),
               func.coalesce(func.sum(case((CandidateAnswer.value.is_(None), 0),
                                           else_=agreeing)), 0))
        .join(CandidateAnswer, CandidateAnswer.question_id == CandidateQuestion.id)
        .where(CandidateAnswer.response_id.in_(select(ids.c.id)),
               CandidateQuestion.scale != CandidateScale.text)
        .group_by(CandidateQuestion.id, CandidateQuestion.position, CandidateQuestion.wording,
                  CandidateQuestion.scale)
        .order_by(CandidateQuestion.position))
    questions = tuple(QuestionFigures(position, wording, scale, answered,
                                      None if mean is None else Decimal(str(mean)),
                                      int(agree))
                      for position, wording, scale, answered, mean, agree in rows)
    # Alphabetical, not in the order given: the order would tell who wrote what.
    comments = (select(CandidateAnswer.text)
                .where(CandidateAnswer.response_id.in_(select(ids.c.id)),
                       CandidateAnswer.text.is_not(None))
                .order_by(func.lower(CandidateAnswer.text), CandidateAnswer.text))
    if search:
        comments = comments.where(func.lower(CandidateAnswer.text).contains(search.lower(),
                                                                            autoescape=True))
    return GroupResults(shown=True, answers=count, questions=questions,
                        comments=paginate(db, comments, page=page))


def group_results(db: Session, *, survey_id: int | None = None, buyer_org_id: int | None = None,
                  search: str = "", page: int = 1) -> GroupResults:
    """The results of one survey, or of the shown surveys of a buyer organisation."""
    shown = select(CandidateSurvey.id).where(results_shown())
    if survey_id is not None:
        shown = shown.where(CandidateSurvey.id == survey_id)
    if buyer_org_id is not None:
        shown = shown.join(Contract).where(Contract.buyer_org_id == buyer_org_id)
    responses = select(CandidateResponse.id).where(CandidateResponse.survey_id.in_(shown))
    found = _group(db, responses, search=search, page=page)
    if found is not None:
        return found
    if survey_id is None:
        return GroupResults(shown=False, reason=HIDDEN_NONE)
    return GroupResults(shown=False,
                        reason=HIDDEN_FEW if is_closed(db, survey_id) else HIDDEN_OPEN)
