"""Question banks: one per buyer organisation and direction, created with the defaults along with
the organisation (surveys.models), then edited by that organisation's buyers (add, reword,
reorder, retire). Reading a bank writes nothing."""

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from portal.audit import audit
from portal.errors import Forbidden, Invalid, NotFound
from portal.models import Organisation, OrgKind, User
from surveys.models import Direction, Question, Scale, default_bank_rows
from surveys.vocabulary import MAX_WORDING


def ensure_bank(db: Session, buyer_org_id: int, direction: Direction) -> None:
    """Copies the default questions into the organisation's bank if it has none (a buyer
    organisation loaded in bulk, bypassing the ORM): before a change, never on a read."""
    exists = db.scalar(select(Question.id).where(Question.buyer_org_id == buyer_org_id,
                                                 Question.direction == direction).limit(1))
    if exists is not None:
        return
    db.add_all(Question(**row) for row in default_bank_rows(buyer_org_id)
               if row["direction"] == direction)
    db.flush()


def seed_missing_banks(db: Session) -> int:
    """The default banks of every buyer organisation that has none (`portal migrate`); how many
    organisations got them."""
    missing = db.scalars(select(Organisation.id).where(
        Organisation.kind == OrgKind.buyer,
        ~exists().where(Question.buyer_org_id == Organisation.id))).all()
    for buyer_org_id in missing:
        for direction in Direction:
            ensure_bank(db, buyer_org_id, direction)
    return len(missing)


def bank(db: Session, buyer_org_id: int, direction: Direction, *,
         active_only: bool = False) -> list[Question]:
    query = select(Question).where(Question.buyer_org_id == buyer_org_id,
                                   Question.direction == direction)
    if active_only:
        query = query.where(Question.retired.is_(False))
    return list(db.scalars(query.order_by(Question.position, Question.id)))


def _check_editor(user: User) -> None:
    if not user.is_buyer:
        raise Forbidden("Seuls les agents de l'acheteur modifient les questions des enquêtes.")


def _wording(text: str) -> str:
    wording = " ".join((text or "").split())
    if not wording:
        raise Invalid("La question n'a pas été enregistrée.",
                      field_errors={"wording": "Saisissez le libellé de la question."})
    if len(wording) > MAX_WORDING:
        raise Invalid("La question n'a pas été enregistrée.", field_errors={
            "wording": f"Le libellé ne peut pas dépasser {MAX_WORDING} caractères."})
    return wording


def get_question(db: Session, question_id: int, *, user: User) -> Question:
    """A question of the user's own organisation's bank; any other is unknown to the user."""
    _check_editor(user)
    question = db.get(Question, question_id)
    if question is None or question.buyer_org_id != user.organisation_id:
        raise NotFound("Cette question n'existe pas ou vous n'y avez pas accès.")
    return question


def add_question(db: Session, *, user: User, direction: str, wording: str,
                 scale: str) -> Question:
    _check_editor(user)
    errors = {}
    if direction not in Direction.__members__:
        errors["direction"] = "Choisissez le sens de l'évaluation."
    if scale not in Scale.__members__:
        errors["scale"] = "Choisissez une échelle de réponse."
    try:
        text = _wording(wording)
    except Invalid as error:
        errors.update(error.field_errors)
    if errors:
        raise Invalid("La question n'a pas été enregistrée.", field_errors=errors)
    ensure_bank(db, user.organisation_id, Direction(direction))
    last = db.scalar(select(func.max(Question.position)).where(
        Question.buyer_org_id == user.organisation_id, Question.direction == direction)) or 0
    question = Question(buyer_org_id=user.organisation_id, direction=direction,
                        position=last + 1, wording=text, scale=scale)
    db.add(question)
    db.flush()
    audit(db, user, "survey_question", question.id, "create")
    return question


def reword_question(db: Session, question_id: int, *, user: User, wording: str) -> Question:
    """Later campaigns use the new wording; answers already given keep theirs."""
    question = get_question(db, question_id, user=user)
    question.wording = _wording(wording)
    db.flush()
    audit(db, user, "survey_question", question.id, "reword")
    return question


def set_retired(db: Session, question_id: int, *, user: User, retired: bool) -> Question:
    question = get_question(db, question_id, user=user)
    question.retired = retired
    db.flush()
    audit(db, user, "survey_question", question.id, "retire" if retired else "restore")
    return question


def move_question(db: Session, question_id: int, *, user: User, step: int) -> Question:
    """Swaps the question with its neighbour above (step -1) or below (step +1)."""
    question = get_question(db, question_id, user=user)
    questions = bank(db, question.buyer_org_id, Direction(question.direction))
    index = questions.index(question)
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        # Renumbering the whole (small) bank keeps positions dense whatever happened before.
        for position, item in enumerate(questions, start=1):
            item.position = position
        db.flush()
        audit(db, user, "survey_question", question.id, "move")
    return question
