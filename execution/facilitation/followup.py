"""A facilitator's follow-up table: per contract it works on and per filing organisation (the
holder, or each organisation of a shared commitment), the hours contracted against the hours
realised (validated, and filed: submitted or validated), as one grouped SQL statement; the same
summed per filing organisation across its contracts; and either as a CSV or XLSX file."""

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import Numeric, and_, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from execution.indicators.export_data import Column, Dataset
from execution.indicators.exports import FORMATS, XLSX_TYPE, to_csv, to_xlsx
from execution.indicators.queries import sum_if
from portal.errors import NotFound
from portal.models import Commitment, CommitmentKind, CommitmentShare, Contract, Organisation
from portal.money import cents
from portal.pagination import Page, contains_text, named_rows, paginate, search_words
from portal.permissions import facilitated_contract_ids
from portal.spreadsheet import CSV_TYPE
from supplier.models import FILED_STATUSES, Declaration, InsertionLine, Status

# The two views of the table: one row per contract and filing organisation, or per organisation.
BY_CONTRACT, BY_HOLDER = "contrat", "entreprise"


@dataclass(frozen=True)
class FollowupFilters:
    search: str = ""
    buyer_id: int | None = None
    by: str = BY_CONTRACT

    def as_params(self) -> str:
        values = {"q": self.search, "acheteur": self.buyer_id or "",
                  "par": self.by if self.by == BY_HOLDER else ""}
        return urlencode({k: v for k, v in values.items() if v})


def _rows_query(facilitator_org_id: int, filters: FollowupFilters):
    buyer, holder = aliased(Organisation, name="buyer"), aliased(Organisation, name="holder")
    target = cast(Commitment.params["target_hours"].as_string(), Numeric(14, 2))
    hours = InsertionLine.hours
    any_share = aliased(CommitmentShare)
    shared = select(any_share.id).where(any_share.commitment_id == Commitment.id).exists()
    query = (
        select(Contract.id.label("contract_id"), Contract.reference.label("reference"),
               Contract.object.label("object"), buyer.name.label("buyer_name"),
               holder.id.label("holder_id"), holder.name.label("holder_name"),
               # One insertion commitment per contract, one share per organisation of it.
               func.max(target).label("target_hours"),
               func.max(CommitmentShare.target_hours).label("share_hours"),
               # What the organisation owes: the contract's target when it files alone, its
               # share's when the commitment is shared (unknown when the share has none).
               case((shared, func.max(CommitmentShare.target_hours)),
                    else_=func.max(target)).label("owed_hours"),
               sum_if(Declaration.status == Status.validated, hours).label("validated_hours"),
               sum_if(Declaration.status.in_(FILED_STATUSES), hours).label("filed_hours"))
        .select_from(Commitment)
        .join(Contract, Contract.id == Commitment.contract_id)
        .join(buyer, buyer.id == Contract.buyer_org_id)
        .outerjoin(Declaration, Declaration.commitment_id == Commitment.id)
        .outerjoin(holder, holder.id == Declaration.holder_org_id)
        .outerjoin(CommitmentShare, and_(CommitmentShare.commitment_id == Commitment.id,
                                         CommitmentShare.organisation_id
                                         == Declaration.holder_org_id))
        .outerjoin(InsertionLine, InsertionLine.declaration_id == Declaration.id)
        .where(Commitment.kind == CommitmentKind.insertion_hours,
               Contract.id.in_(facilitated_contract_ids(facilitator_org_id)))
        .group_by(Contract.id, Commitment.id, Contract.reference, Contract.object, buyer.name,
                  holder.id, holder.name))
    if filters.buyer_id is not None:
        query = query.where(Contract.buyer_org_id == filters.buyer_id)
    if words := search_words(filters.search):
        query = query.where(contains_text(words, Contract.reference, holder.name))
    return query.order_by(buyer.name, Contract.reference, holder.name, Contract.id)


def _holders_query(facilitator_org_id: int, filters: FollowupFilters):
    """The rows above summed per filing organisation, across the contracts it works on."""
    rows = _rows_query(facilitator_org_id, filters).order_by(None).subquery()
    return (select(rows.c.holder_name, func.count(rows.c.contract_id).label("contracts"),
                   func.sum(rows.c.owed_hours).label("owed_hours"),
                   func.sum(rows.c.validated_hours).label("validated_hours"),
                   func.sum(rows.c.filed_hours).label("filed_hours"))
            .where(rows.c.holder_id.is_not(None))
            .group_by(rows.c.holder_id, rows.c.holder_name)
            .order_by(rows.c.holder_name, rows.c.holder_id))


def _query(facilitator_org_id: int, filters: FollowupFilters):
    if filters.by == BY_HOLDER:
        return _holders_query(facilitator_org_id, filters)
    return _rows_query(facilitator_org_id, filters)


def followup_rows(db: Session, facilitator_org_id: int, filters: FollowupFilters, *,
                  page: int = 1) -> Page:
    """One page of (contract, filing organisation) rows, or of organisation rows: two
    statements, whatever the page."""
    found = paginate(db, _query(facilitator_org_id, filters), page=page, scalars=False)
    return Page(named_rows(found.items), found.total, found.number, found.per_page)


COLUMNS = [Column("Acheteur"), Column("Référence du contrat"), Column("Objet du contrat"),
           Column("Organisation déclarante"), Column("Heures prévues au contrat", "decimal"),
           Column("Part de l'organisation (heures)", "decimal"),
           Column("Heures validées", "decimal"), Column("Heures déposées", "decimal")]
HOLDER_COLUMNS = [Column("Organisation déclarante"), Column("Contrats", "int"),
                  Column("Heures dues (contrats ou parts)", "decimal"),
                  Column("Heures validées", "decimal"), Column("Heures déposées", "decimal")]


def _hours(value):
    return cents(value) if value is not None else None


def followup_file(db: Session, facilitator_org_id: int, filters: FollowupFilters,
                  fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the whole table, as filtered."""
    if fmt not in FORMATS:
        raise NotFound("Ce format d'export n'existe pas.")
    rows = db.execute(_query(facilitator_org_id, filters)).all()
    if filters.by == BY_HOLDER:
        dataset = Dataset("suivi-heures-insertion-par-entreprise",
                          "Suivi des heures d'insertion par organisation", HOLDER_COLUMNS, [
                              [r.holder_name, r.contracts, _hours(r.owed_hours),
                               _hours(r.validated_hours), _hours(r.filed_hours)] for r in rows])
    else:
        dataset = Dataset("suivi-heures-insertion", "Suivi des heures d'insertion", COLUMNS, [
            [r.buyer_name, r.reference, r.object, r.holder_name, _hours(r.target_hours),
             _hours(r.share_hours), _hours(r.validated_hours), _hours(r.filed_hours)]
            for r in rows])
    if fmt == "csv":
        return to_csv(dataset), CSV_TYPE, f"{dataset.slug}.csv"
    return to_xlsx([dataset]), XLSX_TYPE, f"{dataset.slug}.xlsx"
