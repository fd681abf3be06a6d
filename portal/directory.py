"""The instance's directory for administrators: organisations and accounts, searched and paged
(a national instance holds tens of thousands of companies)."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.models import Contract, Organisation, OrgKind, User
from portal.pagination import Page, contains_text, paginate, search_words


def organisations(db: Session, *, search: str = "", kind: str = "", page: int = 1) -> Page:
    """One page of organisations by name or SIRET, buyers first."""
    query = select(Organisation)
    if words := search_words(search):
        query = query.where(or_(contains_text(words, Organisation.name),
                                Organisation.siret.contains(words.replace(" ", ""),
                                                            autoescape=True)))
    if kind in set(OrgKind):
        query = query.where(Organisation.kind == kind)
    return paginate(db, query.order_by(Organisation.kind, Organisation.name, Organisation.id),
                    page=page)


def contract_counts(db: Session, organisations: list[Organisation]) -> dict[int, int]:
    """Contracts passed by each buyer of the list, in one grouped query."""
    ids = [o.id for o in organisations if o.kind == OrgKind.buyer]
    if not ids:
        return {}
    return dict(db.execute(select(Contract.buyer_org_id, func.count())
                           .where(Contract.buyer_org_id.in_(ids))
                           .group_by(Contract.buyer_org_id)).all())


def accounts(db: Session, *, search: str = "", page: int = 1) -> Page:
    """One page of accounts by e-mail, name or organisation name (loaded with the rows)."""
    query = select(User).join(User.organisation)
    if words := search_words(search):
        query = query.where(contains_text(words, User.email, User.full_name, Organisation.name))
    return paginate(db, query.order_by(User.email, User.id), page=page)
