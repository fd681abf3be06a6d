"""The filing workflow, the same for every kind: periods to declare, drafts, submission."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, Forbidden, NotFound
from portal.models import (
    AWARDEES,
    Commitment,
    CommitmentKind,
    Contract,
    ContractParty,
    User,
)
from portal.periods import Period
from portal.permissions import facilitated_contract_ids, visible_contracts
from portal.settings import get_settings
from supplier import notices
from supplier.kinds import handler_for
from supplier.models import (
    FILED_STATUSES,
    OPEN_STATUSES,
    SHOWN_TO_BUYER,
    Declaration,
    InsertionLine,
    Status,
    declaration_owners,
    filing_organisations,
)
from supplier.schemas import DeclarationIn

STALE = ("Cette déclaration a été modifiée entre-temps par quelqu'un d'autre ; "
         "rechargez la page pour voir la dernière version.")


@dataclass(frozen=True)
class PeriodChanges:
    """What `sync_declarations` does to a contract's declarations; the closing and reopening
    pages announce it before it is done."""

    # Periods now expected: (commitment, subject, period, filing organisation).
    added: list[tuple[Commitment, str, Period, int | None]]
    moved: list[tuple[Declaration, Period]]  # still to file: their dates follow the contract's
    withdrawn: list[Declaration]  # no longer expected and nothing filed: deleted
    kept: list[Declaration]  # no longer expected, but something was filed: kept


def period_changes(db: Session, contract: Contract, *,
                   dates: Contract | None = None) -> PeriodChanges:
    """The changes that bring the declarations in line with the contract, or with ``dates``: a
    detached contract holding other dates (the same contract closed today, or reopened), whose
    changes are only shown. Each period is expected once per filing organisation
    (`filing_organisations`); ``added`` holds (commitment, subject, period, organisation)."""
    due_days = get_settings().declaration_due_days
    dates = dates if dates is not None else contract
    changes = PeriodChanges([], [], [], [])
    holder = declaration_owners(contract)["holder_org_id"]
    parties = {p.organisation_id for p in contract.parties}
    for commitment in contract.commitments:
        filers = filing_organisations(contract, commitment)
        wanted = handler_for(commitment.kind).periods(dates, commitment, due_days=due_days)
        existing: dict[tuple, Declaration] = {}
        leftovers: list[Declaration] = []
        for declaration in db.scalars(select(Declaration)
                                      .where(Declaration.commitment_id == commitment.id)):
            # An organisation that left the contract was its holder: the new holder takes its
            # declarations over (`sync_declarations` moves them).
            filer = (declaration.holder_org_id if declaration.holder_org_id in parties
                     else holder)
            key = (declaration.subject, declaration.period_start, filer)
            if key in existing:
                leftovers.append(declaration)
            else:
                existing[key] = declaration
        for organisation in filers:
            for subject, period in wanted:
                found = existing.pop((subject, period.start, organisation), None)
                if found is None:
                    changes.added.append((commitment, subject, period, organisation))
                elif found.status in OPEN_STATUSES and (
                        (found.period_end, found.due_on) != (period.end, period.due)):
                    changes.moved.append((found, period))
        leftovers.extend(existing.values())
        for leftover in sorted(leftovers, key=lambda d: d.period_start):
            (changes.withdrawn if leftover.status == Status.expected
             else changes.kept).append(leftover)
    return changes


def sync_declarations(db: Session, contract: Contract) -> PeriodChanges:
    """Creates the declarations every commitment expects, one per period and filing
    organisation; drops the ones that no longer exist (only while nothing was filed for them:
    a period gone, an organisation no longer sharing the commitment) and follows changed
    dates."""
    db.flush()
    owners = declaration_owners(contract)
    commitment_ids = [c.id for c in contract.commitments]
    parties = [p.organisation_id for p in contract.parties]
    # A new holder takes over every declaration its predecessor filed (an organisation no
    # longer on the contract), filed ones included; never those of the other organisations.
    db.execute(update(Declaration)
               .where(Declaration.commitment_id.in_(commitment_ids),
                      or_(Declaration.holder_org_id.is_(None),
                          Declaration.holder_org_id.not_in(parties)))
               .values(holder_org_id=owners["holder_org_id"])
               .execution_options(synchronize_session="fetch"))
    db.execute(update(Declaration)
               .where(Declaration.commitment_id.in_(commitment_ids),
                      Declaration.buyer_org_id != owners["buyer_org_id"])
               .values(buyer_org_id=owners["buyer_org_id"])
               .execution_options(synchronize_session="fetch"))
    changes = period_changes(db, contract)
    for commitment, subject, period, organisation in changes.added:
        db.add(Declaration(commitment_id=commitment.id, subject=subject,
                           period_start=period.start, period_end=period.end, due_on=period.due,
                           buyer_org_id=owners["buyer_org_id"], holder_org_id=organisation))
    for declaration, period in changes.moved:
        declaration.period_end, declaration.due_on = period.end, period.due
    for withdrawn in changes.withdrawn:
        db.delete(withdrawn)
    db.flush()
    return changes


def filed_declarations(db: Session, commitment_ids: list[int]) -> int:
    """How many declarations of these commitments hold something filed (not just expected)."""
    if not commitment_ids:
        return 0
    return db.scalar(select(func.count()).select_from(Declaration).where(
        Declaration.commitment_id.in_(commitment_ids), Declaration.status != Status.expected))


def visible_declarations(user: User) -> Select[Declaration]:
    """Declarations the user may read: its buyer organisation's, the ones its organisation
    holds or co-holds, or all (admin). Read from the organisations each declaration carries
    (kept equal to its contract's by `sync_declarations`), so that an organisation's queue is
    one index range however many contracts it has."""
    query = select(Declaration)
    if user.is_admin:
        return query
    if user.is_buyer:
        return query.where(Declaration.buyer_org_id == user.organisation_id)
    if user.is_facilitator:
        # Insertion declarations only, once filed: nothing of AGEC, CSR, plans or concessions.
        insertion = (select(Commitment.id).where(
            Commitment.kind == CommitmentKind.insertion_hours,
            Commitment.contract_id.in_(facilitated_contract_ids(user.organisation_id))))
        return query.where(Declaration.commitment_id.in_(insertion),
                           Declaration.status.in_(SHOWN_TO_BUYER))
    # A holder or co-holder reads every declaration of its contracts (the others' contents
    # once filed: `Declaration.content_shown_to`); a sub-contractor only its own.
    held = (select(Commitment.id)
            .join(ContractParty, ContractParty.contract_id == Commitment.contract_id)
            .where(ContractParty.organisation_id == user.organisation_id,
                   ContractParty.role.in_(AWARDEES)))
    return query.where(or_(Declaration.holder_org_id == user.organisation_id,
                           Declaration.commitment_id.in_(held)))


def get_declaration(db: Session, declaration_id: int, user: User) -> Declaration:
    declaration = db.scalar(visible_declarations(user).where(Declaration.id == declaration_id))
    if declaration is None:
        raise NotFound("Cette déclaration n'existe pas ou vous n'y avez pas accès.")
    return declaration


def get_for_filer(db: Session, declaration_id: int, user: User) -> Declaration:
    declaration = get_declaration(db, declaration_id, user)
    if not declaration.filed_by(user):
        raise Forbidden("Seuls les utilisateurs de l'entreprise qui dépose cette déclaration "
                        "(le titulaire, ou le co-traitant ou sous-traitant dont c'est la part) "
                        "peuvent la remplir.")
    return declaration


def check_editable(declaration: Declaration, version: int) -> None:
    if declaration.status == Status.validated:
        raise Conflict("Cette déclaration est validée : elle ne peut plus être modifiée.")
    if declaration.status == Status.submitted:
        raise Conflict("Cette déclaration est déposée et en cours d'examen par l'acheteur : "
                       "elle ne peut plus être modifiée.")
    if declaration.version != version:
        raise Conflict(STALE)


def save_draft(db: Session, declaration_id: int, data: DeclarationIn, *,
               user: User) -> Declaration:
    declaration = get_for_filer(db, declaration_id, user)
    check_editable(declaration, data.version)
    handler = handler_for(declaration)
    if not isinstance(data, handler.schema):
        raise Conflict(f"Ce contenu ne correspond pas à une déclaration « {handler.label} ».")
    handler.apply(db, declaration, data, user=user)
    declaration.supplier_comment = data.supplier_comment
    if declaration.status == Status.expected:
        declaration.status = Status.draft
        audit(db, user, "declaration", declaration.id, "save", from_status=Status.expected,
              to_status=Status.draft)
    # Touching the row bumps its version even when only the content changed.
    declaration.updated_at = now()
    db.flush()
    return declaration


def submit(db: Session, declaration_id: int, data: DeclarationIn | None = None, *,
           user: User, version: int | None = None) -> Declaration:
    """Submits the declaration: with ``data``, saves it first; otherwise what was saved."""
    if data is not None:
        declaration = save_draft(db, declaration_id, data, user=user)
    else:
        declaration = get_for_filer(db, declaration_id, user)
        check_editable(declaration, version if version is not None else -1)
    handler_for(declaration).check_submittable(db, declaration)
    mark_submitted(db, declaration, user=user)
    handler_for(declaration).on_submit(db, declaration, user=user)
    return declaration


def mark_submitted(db: Session, declaration: Declaration, *, user: User) -> None:
    previous = declaration.status
    declaration.status = Status.submitted
    _clear_facilitator_checks(declaration)
    declaration.submitted_by_id, declaration.submitted_at = user.id, now()
    if declaration.first_submitted_at is None:
        declaration.first_submitted_at = declaration.submitted_at
    db.flush()
    audit(db, user, "declaration", declaration.id,
          "resubmit" if previous == Status.returned else "submit",
          from_status=previous, to_status=Status.submitted)
    # Every submission passes here (a CSR report filed once submits the other contracts' too):
    # each declaration's buyer and facilitators hear of it.
    notices.submitted(db, declaration, actor=user, resubmitted=previous == Status.returned)


def _clear_facilitator_checks(declaration: Declaration) -> None:
    """A new filing is checked afresh: the facilitator's opinion and line checks were about the
    previous one (the audit keeps them)."""
    declaration.facilitator_opinion = declaration.facilitator_comment = None
    declaration.facilitator_by_id = declaration.facilitator_at = None
    if declaration.commitment.kind != CommitmentKind.insertion_hours:
        return
    for line in declaration.insertion_lines:
        line.eligibility_confirmed = line.proof_seen = line.check_comment = None
        line.checked_by_id = line.checked_at = None


def declared_hours(db: Session, declaration_ids: list[int]) -> dict[int, object]:
    """The insertion hours of each of these declarations that is filed (« heures déclarées »):
    the lines of a draft, or of a declaration returned for correction, are not declared."""
    rows = db.execute(select(InsertionLine.declaration_id, func.sum(InsertionLine.hours))
                      .join(Declaration, Declaration.id == InsertionLine.declaration_id)
                      .where(InsertionLine.declaration_id.in_(declaration_ids),
                             Declaration.status.in_(FILED_STATUSES))
                      .group_by(InsertionLine.declaration_id))
    return dict(rows.all())


def get_contract(db: Session, contract_id: int, user: User) -> Contract:
    query = (visible_contracts(user).where(Contract.id == contract_id)
             .options(selectinload(Contract.commitments), selectinload(Contract.parties)))
    contract = db.scalar(query)
    if contract is None:
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    return contract


def declarations_of(db: Session, contract: Contract,
                    user: User | None = None) -> list[Declaration]:
    """The contract's declarations, or those ``user`` may see (a sub-contractor: its own)."""
    ids = [c.id for c in contract.commitments]
    query = visible_declarations(user) if user is not None else select(Declaration)
    return list(db.scalars(query.where(Declaration.commitment_id.in_(ids))
                           .order_by(Declaration.period_start, Declaration.commitment_id,
                                     Declaration.holder_org_id)))


def files_on(user: User, contract: Contract) -> bool:
    """Whether ``user``'s organisation files declarations of the contract: its holder, or an
    organisation one of its commitments is shared with."""
    return user.is_supplier and any(
        user.organisation_id in filing_organisations(contract, commitment)
        for commitment in contract.commitments)
