"""Mediation requests: who reads them, opening, the thread, the closing.

The access rule (issue 17, « only the two parties and the mediator »): the two parties are the
supplier organisation that opened the request (its users: a company speaks as one) and the
contract's buyer organisation (its agents read the request and write in the thread, as on every
page of their contracts); the mediators of that buyer organisation answer for the mediation and
alone close it. Nobody else, whatever their role: not a co-holder that did not open it, not
another buyer (a central's members included), not a facilitator, not an administrator of the
instance (who runs the platform and reads no contents; the indicators are aggregates). For them
a request does not exist: 404.
"""

from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from execution.mediation import notices
from execution.mediation.models import (
    MediationAttachment,
    MediationMessage,
    MediationRequest,
    MediationStatus,
    Outcome,
    Side,
)
from portal.audit import audit
from portal.clock import now
from portal.documents import Document, store_upload
from portal.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from portal.models import AWARDEES, Contract, ContractParty, Organisation, User
from portal.pagination import PER_PAGE, Page, contains_text, paginate, search_words

NOT_FOUND = "Cette demande de médiation n'existe pas ou vous n'y avez pas accès."
NO_CONTRACT = "Ce contrat n'existe pas ou votre entreprise n'en est pas titulaire."
CLOSED = "Cette demande de médiation est clôturée : on ne peut plus y répondre."
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")
SUBJECT_MAX, TEXT_MAX = 200, 10_000
STATUS_FILTERS = {"": "Toutes", "open": "En attente du médiateur", "answered": "Répondues",
                  "closed": "Clôturées", "ongoing": "En cours (non clôturées)"}


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its name as sent and its content."""

    filename: str | None
    stream: BinaryIO


# --- Who reads what ----------------------------------------------------------------------------

def is_mediator_of(user: User, buyer_org_id: int) -> bool:
    return user.is_buyer and user.is_mediator and user.organisation_id == buyer_org_id


def visible_requests(user: User) -> Select:
    """The requests ``user`` may read (see the module's rule)."""
    query = select(MediationRequest)
    if user.is_supplier:
        return query.where(MediationRequest.supplier_org_id == user.organisation_id)
    if user.is_buyer:
        return query.where(MediationRequest.buyer_org_id == user.organisation_id)
    return query.where(false())


def get_visible(db: Session, request_id: int, user: User) -> MediationRequest:
    found = db.scalar(visible_requests(user).where(MediationRequest.id == request_id).options(
        selectinload(MediationRequest.messages),
        selectinload(MediationRequest.attachments)))
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def side_of(user: User) -> Side:
    if user.is_supplier:
        return Side.supplier
    return Side.mediator if user.is_mediator else Side.buyer


def requests_page(db: Session, user: User, *, search: str = "", status: str = "",
                  page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the requests ``user`` reads, the latest first, searched in the subject, the
    contract's reference and object and the company's name; ``status`` one of STATUS_FILTERS.
    Two statements (the contract, the company and the author are joined)."""
    query = visible_requests(user).join(MediationRequest.contract).join(
        Organisation, Organisation.id == MediationRequest.supplier_org_id)
    if status == "ongoing":
        query = query.where(MediationRequest.status != MediationStatus.closed)
    elif status in MediationStatus.__members__:
        query = query.where(MediationRequest.status == status)
    if words := search_words(search):
        query = query.where(contains_text(words, MediationRequest.subject, Contract.reference,
                                          Contract.object, Organisation.name))
    return paginate(db, query.order_by(MediationRequest.opened_at.desc(),
                                       MediationRequest.id.desc()), page=page,
                    per_page=per_page)


def contract_to_mediate(db: Session, contract_id: int, user: User) -> Contract:
    """A contract the user's company holds or co-holds: the ones it may open a request on."""
    contract = db.scalar(select(Contract).join(ContractParty).where(
        Contract.id == contract_id, ContractParty.organisation_id == user.organisation_id,
        ContractParty.role.in_(AWARDEES))) if user.is_supplier else None
    if contract is None:
        raise NotFound(NO_CONTRACT)
    return contract


def readable_attachment(db: Session, attachment_id: int, user: User) -> Document:
    readable = visible_requests(user).with_only_columns(MediationRequest.id)
    document = db.scalar(select(Document).join(
        MediationAttachment, MediationAttachment.document_id == Document.id).where(
        MediationAttachment.id == attachment_id, MediationAttachment.request_id.in_(readable)))
    if document is None or not document.path.exists():
        raise NotFound("Cette pièce n'existe pas ou vous n'y avez pas accès.")
    return document


# --- Changes -----------------------------------------------------------------------------------

def _text(value: str, field: str, label: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        message = f"{label} : ce champ est obligatoire."
        raise Invalid(message, field_errors={field: message})
    if len(text) > limit:
        message = f"{label} : {limit} caractères au plus."
        raise Invalid(message, field_errors={field: message})
    return text


def _attach(db: Session, request: MediationRequest, upload: Upload | None, *, user: User,
            message: MediationMessage | None = None) -> None:
    if upload is None:
        return
    try:
        document = store_upload(db, filename=upload.filename, stream=upload.stream,
                                uploader=user, allowed=ATTACHMENT_TYPES, confidential=True)
    except (Invalid, TooLarge) as error:
        # Keyed to the file input: the form shows it there and keeps what was typed.
        raise type(error)(error.message, field_errors={"piece": error.message}) from None
    db.add(MediationAttachment(request=request, document_id=document.id,
                               message_id=message.id if message else None))


def open_request(db: Session, *, user: User, contract_id: int, subject: str,
                 description: str, upload: Upload | None = None) -> MediationRequest:
    """The supplier's request to the buyer's mediators; they are told (by mail if they wish)."""
    contract = contract_to_mediate(db, contract_id, user)
    errors: dict[str, str] = {}
    values = {}
    for field, label, value, limit in (("subject", "Objet", subject, SUBJECT_MAX),
                                       ("description", "Description", description, TEXT_MAX)):
        try:
            values[field] = _text(value, field, label, limit)
        except Invalid as error:
            errors.update(error.field_errors)
    if errors:
        raise Invalid("Rien n'a été envoyé : corrigez les champs signalés.", field_errors=errors)
    request = MediationRequest(contract_id=contract.id, buyer_org_id=contract.buyer_org_id,
                               supplier_org_id=user.organisation_id, opened_by_id=user.id,
                               subject=values["subject"], description=values["description"],
                               status=MediationStatus.open, opened_at=now())
    db.add(request)
    db.flush()
    _attach(db, request, upload, user=user)
    audit(db, user, "mediation_request", request.id, "open", to_status=MediationStatus.open)
    notices.opened(db, request)
    return request


def reply(db: Session, request_id: int, *, user: User, body: str,
          upload: Upload | None = None) -> MediationMessage:
    """A message of a party or of the mediator; the mediator's first one dates the first answer
    and makes the request « answered », the company's puts it back before the mediator, the
    buyer's agents' leaves its status alone (the mediator still has to answer)."""
    request = get_visible(db, request_id, user)
    if request.status == MediationStatus.closed:
        raise Conflict(CLOSED)
    text = _text(body, "body", "Message", TEXT_MAX)
    side = side_of(user)
    message = MediationMessage(request=request, author_id=user.id, side=side, body=text,
                               created_at=now())
    db.add(message)
    db.flush()
    _attach(db, request, upload, user=user, message=message)
    before = request.status
    if side == Side.mediator:
        request.first_answer_at = request.first_answer_at or message.created_at
        request.status = MediationStatus.answered
    elif side == Side.supplier:
        request.status = MediationStatus.open
    audit(db, user, "mediation_request", request.id, "answer" if side == Side.mediator
          else "reply", from_status=before, to_status=request.status)
    notices.replied(db, request, message)
    return message


def close(db: Session, request_id: int, *, user: User, outcome: str,
          comment: str = "") -> MediationRequest:
    """The mediator closes the request with its outcome (and a last word, optional)."""
    request = get_visible(db, request_id, user)
    if side_of(user) != Side.mediator:
        raise Forbidden("Seuls les médiateurs de l'organisation clôturent une demande de "
                        "médiation.")
    if request.status == MediationStatus.closed:
        raise Conflict("Cette demande de médiation est déjà clôturée.")
    if outcome not in {o.value for o in Outcome}:
        message = "Issue : choisissez l'issue de la médiation dans la liste."
        raise Invalid(message, field_errors={"outcome": message})
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX:
        message = f"Message de clôture : {TEXT_MAX} caractères au plus."
        raise Invalid(message, field_errors={"comment": message})
    at = now()
    if comment:
        db.add(MediationMessage(request=request, author_id=user.id, side=Side.mediator,
                                body=comment, created_at=at))
    before = request.status
    request.status, request.outcome = MediationStatus.closed, outcome
    request.closed_at, request.closed_by_id = at, user.id
    # A request closed without a word still got an answer: its closing.
    request.first_answer_at = request.first_answer_at or at
    db.flush()
    audit(db, user, "mediation_request", request.id, "close", from_status=before,
          to_status=MediationStatus.closed, comment=outcome)
    notices.closed(db, request)
    return request
