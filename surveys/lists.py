"""The survey lists: ~50 invitations a page, searched by contract or organisation, the counts of
the tabs, the first ones to answer on a home page, and the contract page's survey section."""

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from portal.clock import today
from portal.models import Contract, Organisation, User
from portal.pagination import PER_PAGE, Page, paginate
from portal.permissions import is_reviewer
from surveys.models import Campaign, Invitation, InvitationStatus
from surveys.service import (
    accepts_answers,
    answers_visible,
    campaign_of,
    involves,
    yearly_reviews,
)


def _is_open():
    return and_(Campaign.closed_at.is_(None), Campaign.due_on >= today())


_SUBJECT, _RESPONDENT = (aliased(Organisation, name="subject_org"),
                         aliased(Organisation, name="respondent_org"))


def _listed(search: str, *, shows: str):
    """Invitations with their campaign, contract and the organisation the list shows (``shows``
    is "subject" or "respondent") loaded in the same statement; ``search`` looks into the
    contract reference and object and that organisation's name."""
    org, relation, org_id = ((_SUBJECT, Invitation.subject, Invitation.subject_org_id)
                             if shows == "subject" else
                             (_RESPONDENT, Invitation.respondent, Invitation.respondent_org_id))
    query = (select(Invitation).join(Invitation.campaign).join(Campaign.contract)
             .join(org, org.id == org_id)
             .options(contains_eager(Invitation.campaign).contains_eager(Campaign.contract),
                      contains_eager(relation.of_type(org))))
    if search := search.strip().lower():
        pattern = f"%{search}%"
        query = query.where(or_(func.lower(Contract.reference).like(pattern),
                                func.lower(Contract.object).like(pattern),
                                func.lower(org.name).like(pattern)))
    return query


def invitations_page(db: Session, user: User, *, submitted: bool | None = None,
                     search: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Surveys the user's organisation answers (all, to fill in, or submitted): open ones
    first, the soonest due first, then the latest."""
    query = _listed(search, shows="subject").where(
        Invitation.respondent_org_id == user.organisation_id)
    if submitted is not None:
        query = query.where(Invitation.status == (InvitationStatus.submitted if submitted
                                                  else InvitationStatus.draft))
    still_open = case((and_(Invitation.status == InvitationStatus.draft, _is_open()), 0),
                      else_=1)
    return paginate(db, query.order_by(still_open, Invitation.status, Campaign.due_on.desc(),
                                       Invitation.id), page=page, per_page=per_page)


def received_page(db: Session, user: User, *, search: str = "", page: int = 1) -> Page:
    """Evaluations of the user's organisation by the other side, each with whether it is
    readable yet: rows (invitation, readable)."""
    query = (_listed(search, shows="respondent")
             .add_columns(answers_visible(user.organisation_id))
             .where(Invitation.subject_org_id == user.organisation_id)
             .order_by(Campaign.due_on.desc(), Invitation.id))
    return paginate(db, query, page=page, scalars=False)


def survey_counts(db: Session, user: User) -> dict[str, int]:
    """How many surveys are in each tab of the survey page, in one statement."""
    mine = Invitation.respondent_org_id == user.organisation_id

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.execute(select(
        count(and_(mine, Invitation.status == InvitationStatus.draft)),
        count(and_(mine, Invitation.status == InvitationStatus.submitted)),
        count(Invitation.subject_org_id == user.organisation_id),
    ).where(involves(user.organisation_id))).one()
    return dict(zip(("to_answer", "answered", "received"), map(int, row), strict=True))


def pending_for(db: Session, user: User, *, first: int = 5) -> Page:
    """The surveys still open to answer, for the home pages: how many, and the ``first`` ones
    due soonest."""
    if user.is_admin:
        return Page(items=[], total=0, number=1, per_page=first)
    query = (_listed("", shows="subject")
             .where(Invitation.respondent_org_id == user.organisation_id,
                    Invitation.status == InvitationStatus.draft, _is_open())
             .order_by(Campaign.due_on, Invitation.id))
    return paginate(db, query, page=1, per_page=first)


def contract_section(db: Session, contract: Contract, user: User) -> dict:
    """What the contract page shows of its survey."""
    campaign = campaign_of(db, contract.id)
    return {"campaign": campaign, "can_launch": campaign is None and is_reviewer(user, contract),
            "is_open": campaign is not None and accepts_answers(campaign),
            "reviews": yearly_reviews(db, contract.id)}
