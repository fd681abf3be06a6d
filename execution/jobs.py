"""The buyers' weekly digest: what to review, contracts behind, overdue filings — the counts
and rules of the buyer's own lists (supplier.contract_list, supplier.declaration_list)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import today
from portal.formatting import plural
from portal.models import Role, User
from portal.notifications import notify
from supplier.compliance.insertion import insertion_progress
from supplier.contract_list import ContractFilters, contract_rows
from supplier.declaration_list import DeclarationFilters, search_declarations

LISTED = 10  # contracts behind named in the mail; the dashboard has the rest


def _count(db: Session, user: User, state: str) -> int:
    return search_declarations(db, user, DeclarationFilters(state=state), per_page=1).total


def weekly_digest(db: Session) -> str:
    year, week, _ = today().isocalendar()
    buyers = db.scalars(select(User).where(User.role == Role.buyer, User.is_active)
                        .order_by(User.id)).all()
    told = 0
    for user in buyers:
        to_review, overdue = _count(db, user, "to_review"), _count(db, user, "overdue")
        behind = contract_rows(db, user, ContractFilters(behind=True), per_page=LISTED)
        progress = insertion_progress(db, behind.items)
        told += notify(
            db, user, key=f"digest:{year}-W{week:02d}", kind="digest",
            message=f"Semaine {week} : {plural(to_review, 'déclaration')} à examiner, "
                    f"{plural(behind.total, 'contrat')} en retard, "
                    f"{plural(overdue, 'déclaration')} en retard de dépôt.",
            link="/acheteur", mail=user.mail_digest, mail_template="digest",
            context={"organisation": user.organisation, "to_review": to_review,
                     "behind": [(c, progress[c.id]) for c in behind.items],
                     "behind_total": behind.total, "overdue": overdue})
    return plural(told, "récapitulatif envoyé", "récapitulatifs envoyés")
