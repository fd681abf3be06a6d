"""What a buyer reads of its candidates' answers: aggregates only, and only for a group of at
least MIN_ANSWERS_SHOWN answers. Every page (and any export or API to come) reads the answers
through ``group_results``: the rule lives here and nowhere else."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from portal.models import Contract
from portal.pagination import Page, paginate

from .models import (
    CandidateAnswer,
    CandidateQuestion,
    CandidateResponse,
    CandidateScale,
    CandidateSurvey,
)

# Below five answers a rejected candidate could be recognised by what it wrote or by the few
# marks given: the figures of a smaller group are never shown, not even its count.
MIN_ANSWERS_SHOWN = 5
HIDDEN = "Résultats masqués : moins de 5 réponses"


def results_shown(answer_count: int) -> bool:
    """Whether the answers of a group of this size may be shown (in aggregate only)."""
    return answer_count >= MIN_ANSWERS_SHOWN


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
    """The results of a group of answers; ``shown`` False means no figure and no comment."""
    shown: bool
    answers: int | None = None
    questions: tuple[QuestionFigures, ...] = ()
    comments: Page | None = None  # a page of the comments, alphabetical


def _group(db: Session, responses: Select, *, search: str, page: int) -> GroupResults:
    """The results of the responses the query selects (a query of response ids), with one page
    of the comments that contain ``search``."""
    ids = responses.subquery()
    count = db.scalar(select(func.count()).select_from(ids)) or 0
    if not results_shown(count):
        return GroupResults(shown=False)
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
    """The results of one survey, or of every survey of a buyer organisation."""
    responses = select(CandidateResponse.id)
    if survey_id is not None:
        responses = responses.where(CandidateResponse.survey_id == survey_id)
    if buyer_org_id is not None:
        responses = responses.join(CandidateSurvey).join(Contract).where(
            Contract.buyer_org_id == buyer_org_id)
    return _group(db, responses, search=search, page=page)
