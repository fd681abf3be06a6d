"""The end-of-contract report: each commitment against what was achieved (the contract page's
own sections, templates/compliance/), the declarations, and both sides' survey results (the
survey pages' own tables)."""

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import pdf
from portal.clock import today
from portal.errors import NotFound
from portal.models import CommitmentKind, Contract, User
from supplier import service as filing
from supplier import vocabulary
from supplier.compliance.summary import commitment_summaries
from supplier.models import Declaration, InsertionLine, Status
from surveys.models import PARTY_DIRECTIONS, Direction
from surveys.results import contract_results
from surveys.vocabulary import DIRECTIONS


def insertion_breakdown(db: Session, contract: Contract) -> dict[str, list[tuple[str, Decimal]]]:
    """Validated insertion hours of the contract by eligible public and by sex."""
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is None:
        return {}
    base = (select().select_from(InsertionLine)
            .join(Declaration, InsertionLine.declaration_id == Declaration.id)
            .where(Declaration.commitment_id == commitment.id,
                   Declaration.status == Status.validated))
    result = {}
    for title, column, labels in (("Public éligible", InsertionLine.public_category,
                                   vocabulary.PUBLIC_CATEGORIES),
                                  ("Sexe", InsertionLine.sex, vocabulary.SEXES)):
        rows = db.execute(base.add_columns(column, func.sum(InsertionLine.hours))
                          .group_by(column).order_by(func.sum(InsertionLine.hours).desc()))
        result[title] = [(labels.get(code, code), Decimal(str(total))) for code, total in rows]
    return result


def surveys_of(db: Session, contract: Contract, user: User) -> dict | None:
    """Both directions as this buyer may read them (double-blind), or None without a survey."""
    try:
        campaign, results = contract_results(db, contract.id, user=user)
    except NotFound:
        return None
    return {"campaign": campaign,
            # The facilitator's evaluation only where the contract's survey invited one.
            "directions": [(DIRECTIONS[d], results[d.value]) for d in Direction
                           if d in PARTY_DIRECTIONS or results[d.value].figures.invitations]}


def contract_report_context(db: Session, contract: Contract, *, user: User) -> dict:
    declarations = filing.declarations_of(db, contract)
    statuses = Counter(d.status for d in declarations)
    commitments = commitment_summaries(db, contract)
    return {
        "contract": contract, "generated_on": today(),
        "ended": today() >= contract.end_date,
        "commitments": commitments,
        "breakdown": insertion_breakdown(db, contract),
        "declarations": {
            "total": len(declarations),
            "by_status": [(vocabulary.STATUS_LABELS[s], statuses.get(s, 0)) for s in Status],
            "overdue": sum(1 for d in declarations if d.is_overdue),
        },
        "surveys": surveys_of(db, contract, user),
    }


def contract_report_pdf(db: Session, contract_id: int, *, user: User) -> tuple[Contract, bytes]:
    """For the buyer organisation's agents (others are told the contract does not exist)."""
    contract = filing.get_contract(db, contract_id, user)
    if not user.is_buyer or contract.buyer_org_id != user.organisation_id:
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    return contract, pdf.render_pdf("contract.html",
                                    contract_report_context(db, contract, user=user))
