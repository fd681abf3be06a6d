"""The buyers' weekly digest: what to review, contracts behind, overdue filings."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from execution.review import waiting_for_review
from execution.setup import contracts_behind
from portal.clock import today
from portal.models import Commitment, Contract, Role, User
from portal.notifications import notify
from supplier.models import OPEN_STATUSES, Declaration


def weekly_digest(db: Session) -> str:
    year, week, _ = today().isocalendar()
    buyers = db.scalars(select(User).where(User.role == Role.buyer, User.is_active)
                        .order_by(User.id)).all()
    told = 0
    for user in buyers:
        to_review = len(waiting_for_review(db, user))
        behind = contracts_behind(db, user)
        overdue = db.scalar(select(func.count()).select_from(Declaration)
                            .join(Declaration.commitment).join(Commitment.contract)
                            .where(Contract.buyer_org_id == user.organisation_id,
                                   Declaration.status.in_(OPEN_STATUSES),
                                   Declaration.due_on < today()))
        told += notify(
            db, user, key=f"digest:{year}-W{week:02d}", kind="digest",
            message=f"Semaine {week} : {to_review} déclarations à examiner, {len(behind)} "
                    f"contrats en retard, {overdue} déclarations en retard de dépôt.",
            link="/acheteur", mail=user.mail_digest, mail_template="digest",
            context={"organisation": user.organisation, "to_review": to_review,
                     "behind": behind, "overdue": overdue})
    return f"{told} récapitulatifs envoyés"
