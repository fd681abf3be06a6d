"""Candidate surveys: inviting the addresses a buyer gives, reminding them, and taking one
anonymous answer per token."""

from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Invalid, NotFound, PortalError
from portal.mail import queue_mail
from portal.models import Contract, User
from portal.notifications import render_mail
from portal.pagination import Page, contains_text, named_rows, paginate, search_words
from portal.security import keyed_digest, new_token, token_digest
from portal.settings import get_settings

from .models import (
    CandidateAnswer,
    CandidateInvitation,
    CandidateQuestion,
    CandidateResponse,
    CandidateScale,
    CandidateSurvey,
)
from .results import is_closed, survey_closed

# Candidates answer in the weeks after the rejection, while they remember the procedure; the
# addresses of those who do not answer are of no use after that, and the link dies with them.
EXPIRY = timedelta(days=30)
MAX_COMMENT = 2000
PUBLIC_PATH = "/enquete-candidats"
MAIL_KIND = "candidate_survey"
# The answers offered for each scale (value sent, label); « Sans avis » is blank.
OPTIONS = {
    CandidateScale.agreement: [("1", "Pas du tout d'accord"), ("2", "Plutôt pas d'accord"),
                               ("3", "Plutôt d'accord"), ("4", "Tout à fait d'accord")],
    CandidateScale.likelihood: [(str(n), str(n)) for n in range(11)],
}


class Gone(PortalError):
    status_code = 410


NOTHING_SENT = "Aucune invitation n'a encore été envoyée pour ce contrat."
EXPIRED = "Ce lien d'enquête a expiré : l'enquête n'accepte plus de réponse."
ANSWERED = "Une réponse a déjà été donnée avec ce lien : chaque lien ne sert qu'une fois."
CLOSED = ("L'enquête est close : elle n'accepte plus d'invitation ni de réponse, et ses "
          "résultats ne changeront plus.")
UNKNOWN = "Ce lien d'enquête n'existe pas. Vérifiez qu'il a été copié en entier."


def contract_for_buyer(db: Session, contract_id: int, *, user: User) -> Contract:
    """A contract of the buyer's organisation; 404 for anyone else (its existence is not
    theirs to know)."""
    contract = db.get(Contract, contract_id)
    if contract is None or not user.is_buyer or contract.buyer_org_id != user.organisation_id:
        raise NotFound()
    return contract


def survey_of(db: Session, contract_id: int) -> CandidateSurvey | None:
    return db.scalar(select(CandidateSurvey).where(CandidateSurvey.contract_id == contract_id))


def invited_count(db: Session, survey_id: int) -> int:
    """What the buyer did; never how many answered, nor how many were reminded (the rest): that
    would tell the size of a group under five."""
    return db.scalar(select(func.count()).where(CandidateInvitation.survey_id == survey_id)) or 0


def address_digest(address: str) -> str:
    """Keyed with the server's secret: a plain hash of the address would let anyone holding a
    copy of the database hash the candidates' known addresses and read which link was used."""
    return keyed_digest(get_settings().secret(), "candidate-survey-address", address)


def _link(token: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}{PUBLIC_PATH}/{token}"


def _mail(db: Session, invitation: CandidateInvitation, contract: Contract, token: str, *,
          reminder: bool) -> None:
    subject, text, html = render_mail("candidate_survey", {
        "contract": contract, "link": _link(token), "expires_at": invitation.expires_at,
        "reminder": reminder})
    queue_mail(db, to=invitation.email or "", subject=subject, text=text, html=html,
               kind=MAIL_KIND, about=("candidate_survey", invitation.survey_id))


def invite(db: Session, contract: Contract, addresses: list[str], *,
           user: User) -> tuple[list[str], int]:
    """Mails each new address its link (creating the contract's survey the first time);
    returns the tokens mailed (for the demo; they are not stored) and how many addresses had
    already been invited."""
    survey = survey_of(db, contract.id)
    if survey is None:
        survey = CandidateSurvey(contract_id=contract.id, created_by_id=user.id)
        db.add(survey)
        db.flush()
        audit(db, user, "candidate_survey", survey.id, "create")
    elif is_closed(db, survey.id):
        # A new answer would change figures already shown: the difference would be that answer.
        raise Conflict(CLOSED)
    digests = {address_digest(address): address for address in addresses}
    known = set(db.scalars(select(CandidateInvitation.address_digest).where(
        CandidateInvitation.survey_id == survey.id,
        CandidateInvitation.address_digest.in_(digests))))
    fresh = [(digest, address) for digest, address in digests.items() if digest not in known]
    tokens = []
    for digest, address in fresh:
        token = new_token()
        tokens.append(token)
        invitation = CandidateInvitation(survey_id=survey.id, email=address,
                                         address_digest=digest, token_digest=token_digest(token),
                                         sent_at=now(), expires_at=now() + EXPIRY)
        db.add(invitation)
        db.flush()
        _mail(db, invitation, contract, token, reminder=False)
    if fresh:
        audit(db, user, "candidate_survey", survey.id, "invite",
              comment=f"{len(fresh)} invitation(s) envoyée(s)")
    return tokens, len(known)


def remind(db: Session, contract: Contract, *, user: User) -> int:
    """Mails once more each address that has not answered, with a new link (the first one's
    token is not kept, so it cannot be mailed again; the new link replaces it)."""
    survey = survey_of(db, contract.id)
    if survey is None:
        raise Conflict(NOTHING_SENT)
    if is_closed(db, survey.id):
        raise Conflict(CLOSED)
    waiting = list(db.scalars(select(CandidateInvitation).where(
        CandidateInvitation.survey_id == survey.id, CandidateInvitation.used.is_(False),
        CandidateInvitation.email.is_not(None), CandidateInvitation.reminded_at.is_(None),
        CandidateInvitation.expires_at > now())))
    for invitation in waiting:
        token = new_token()
        invitation.token_digest, invitation.reminded_at = token_digest(token), now()
        _mail(db, invitation, contract, token, reminder=True)
    # Audited without the count, which would tell how many answered.
    audit(db, user, "candidate_survey", survey.id, "remind")
    return len(waiting)


def close(db: Session, contract: Contract, *, user: User) -> None:
    """Closes the survey before its links expire: the links not used yet die (and their
    addresses are erased), so that its results can be shown and never change afterwards."""
    survey = survey_of(db, contract.id)
    if survey is None:
        raise Conflict(NOTHING_SENT)
    if is_closed(db, survey.id):
        raise Conflict(CLOSED)
    db.execute(update(CandidateInvitation)
               .where(CandidateInvitation.survey_id == survey.id,
                      CandidateInvitation.used.is_(False), CandidateInvitation.expires_at > now())
               .values(expires_at=now(), email=None))
    # Audited without the count of links expired, which would tell how many answered.
    audit(db, user, "candidate_survey", survey.id, "close")


def open_invitation(db: Session, token: str) -> CandidateInvitation:
    """The invitation of a link still able to take an answer; a French refusal otherwise."""
    invitation = db.scalar(select(CandidateInvitation).where(
        CandidateInvitation.token_digest == token_digest(token[:200])))
    if invitation is None:
        raise NotFound(UNKNOWN)
    if invitation.used:
        raise Conflict(ANSWERED)
    if invitation.expires_at <= now():
        raise Gone(EXPIRED)
    return invitation


def questions(db: Session) -> list[CandidateQuestion]:
    return list(db.scalars(select(CandidateQuestion).where(CandidateQuestion.retired.is_(False))
                           .order_by(CandidateQuestion.position)))


def _checked(question: CandidateQuestion, raw: str) -> int | str | None:
    raw = raw.strip()
    if not raw:
        return None
    if question.scale == CandidateScale.text:
        if len(raw) > MAX_COMMENT:
            raise ValueError(f"{MAX_COMMENT} caractères au plus.")
        return raw
    top = 10 if question.scale == CandidateScale.likelihood else 4
    low = 0 if question.scale == CandidateScale.likelihood else 1
    if not (raw.isascii() and raw.isdigit() and low <= int(raw) <= top):
        raise ValueError("Choisissez une des réponses proposées.")
    return int(raw)


def answer(db: Session, token: str, raw: dict[int, str]) -> None:
    """Records one anonymous response and spends the link. ``raw`` maps a question's id to what
    was sent; blank is « sans réponse »."""
    invitation = open_invitation(db, token)
    values: dict[int, int | str] = {}
    errors: dict[str, str] = {}
    for question in questions(db):
        try:
            value = _checked(question, raw.get(question.id, ""))
        except ValueError as error:
            errors[f"q-{question.id}"] = str(error)
            continue
        if value is not None:
            values[question.id] = value
    if errors:
        raise Invalid("Votre réponse n'a pas été enregistrée : corrigez les questions signalées.",
                      field_errors=errors)
    if not values:
        raise Invalid("Votre réponse n'a pas été enregistrée : répondez à au moins une question.")
    # Spent by one conditional update: of two submissions of the link at once, the second one
    # finds it used (it waits for the first one's commit, then matches no row); likewise an
    # answer sent while the buyer closes the survey finds the link expired.
    spent = cast(CursorResult, db.execute(
        update(CandidateInvitation)
        .where(CandidateInvitation.id == invitation.id, CandidateInvitation.used.is_(False),
               CandidateInvitation.expires_at > now())
        .values(used=True, email=None))).rowcount
    if spent != 1:
        db.refresh(invitation)
        raise Gone(EXPIRED) if not invitation.used else Conflict(ANSWERED)
    response = CandidateResponse(survey_id=invitation.survey_id)
    db.add(response)
    db.flush()
    db.add_all(CandidateAnswer(response_id=response.id, question_id=question_id,
                               value=value if isinstance(value, int) else None,
                               text=value if isinstance(value, str) else None)
               for question_id, value in values.items())
    db.flush()


def surveys_page(db: Session, *, user: User, search: str, page: int) -> Page:
    """The candidate surveys of the buyer's organisation, newest first, with what was sent."""
    invited = (select(func.count()).where(CandidateInvitation.survey_id == CandidateSurvey.id)
               .correlate(CandidateSurvey).scalar_subquery())
    query = (select(CandidateSurvey.id, CandidateSurvey.created_at,
                    Contract.id.label("contract_id"),
                    Contract.reference, Contract.object, invited.label("invited"),
                    survey_closed().label("closed"))
             .join(Contract, Contract.id == CandidateSurvey.contract_id)
             .where(Contract.buyer_org_id == user.organisation_id)
             .order_by(CandidateSurvey.created_at.desc(), CandidateSurvey.id.desc()))
    if words := search_words(search):
        query = query.where(contains_text(words, Contract.reference, Contract.object))
    found = paginate(db, query, page=page, scalars=False)
    return Page(items=named_rows(found.items), total=found.total, number=found.number,
                per_page=found.per_page)
