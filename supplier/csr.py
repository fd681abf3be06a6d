"""The shared CSR report (« dites-le nous une fois »): an organisation fills its report once a
year, and every CSR declaration of that year, on every contract it holds, carries it.

Rules:
- the forms of all those declarations edit the same report: the latest version of that
  organisation and year;
- a version carried by a submitted or validated declaration never changes: editing makes version
  n+1, so what a buyer examined stays what it examined;
- submitting one declaration submits every other open one of that year, with the same version.
"""

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.documents import Document
from portal.errors import Conflict, Invalid
from portal.models import Commitment, CommitmentKind, ContractParty, PartyRole, User
from supplier.models import (
    FILED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    CsrFiling,
    CsrReport,
    Declaration,
)
from supplier.report_schemas import CSR_FIGURES, CsrFigures

REPORT_ROLE = "report"


def owner_and_year(declaration: Declaration) -> tuple[int, int]:
    """The organisation filing the report (the contract's holder) and the report's year."""
    holder = declaration.contract.holder
    if holder is None:  # a contract always has a holder; guard against a broken register
        raise Conflict("Ce contrat n'a pas de titulaire : aucun rapport RSE ne peut y être "
                       "déposé.")
    return holder.id, declaration.period_start.year


def latest_report(db: Session, organisation_id: int, year: int) -> CsrReport | None:
    return db.scalar(select(CsrReport).where(CsrReport.organisation_id == organisation_id,
                                             CsrReport.year == year)
                     .order_by(CsrReport.version.desc()).limit(1))


def carried_report(db: Session, declaration_id: int) -> CsrReport | None:
    """The report version this declaration carries (None before the first save)."""
    return db.scalar(select(CsrReport).join(CsrFiling, CsrFiling.report_id == CsrReport.id)
                     .where(CsrFiling.declaration_id == declaration_id))


def carried_reports(db: Session, declaration_ids: list[int]) -> dict[int, CsrReport]:
    rows = db.execute(select(CsrFiling.declaration_id, CsrReport)
                      .join(CsrReport, CsrFiling.report_id == CsrReport.id)
                      .where(CsrFiling.declaration_id.in_(declaration_ids)))
    return {declaration_id: report for declaration_id, report in rows}


def is_frozen(db: Session, report: CsrReport) -> bool:
    """True once a buyer has it: some declaration carrying it is submitted or validated."""
    return bool(db.scalar(select(exists().where(
        CsrFiling.report_id == report.id, CsrFiling.declaration_id == Declaration.id,
        Declaration.status.in_(FILED_STATUSES)))))


def _same_content(report: CsrReport, figures: CsrFigures, document: Document | None) -> bool:
    same_figures = all(getattr(report, name) == getattr(figures, name) for name in CSR_FIGURES)
    same_document = document is None or (report.document is not None
                                         and document.sha256 == report.document.sha256)
    return same_figures and same_document


def check_revision(db: Session, declaration: Declaration,
                   revision: int | None) -> CsrReport | None:
    """The latest report of the declaration's organisation and year, if the form was read at its
    current revision (0: there was no report yet; None: no check)."""
    organisation_id, year = owner_and_year(declaration)
    report = latest_report(db, organisation_id, year)
    current = report.revision if report is not None else 0
    if revision is not None and revision != current:
        raise Conflict(f"Le rapport RSE {year} a été modifié entre-temps, depuis un autre contrat "
                       "ou par un collègue : rechargez la page pour repartir de sa dernière "
                       "version.")
    return report


def save_report(db: Session, declaration: Declaration, figures: CsrFigures, *, user: User,
                document: Document | None, revision: int | None) -> CsrReport:
    """Writes the figures (and the PDF, when one was uploaded) into the organisation's report for
    the declaration's year, and makes the declaration carry it.

    ``revision``: the report's revision the form was read at (0 when there was no report yet);
    None skips the check (API clients that do not send it).
    """
    organisation_id, year = owner_and_year(declaration)
    report = check_revision(db, declaration, revision)
    if report is not None and is_frozen(db, report):
        if _same_content(report, figures, document):
            # Nothing changed: carry the version a buyer already has rather than a twin.
            link(db, declaration, report)
            return report
        report = CsrReport(organisation_id=organisation_id, year=year,
                           version=report.version + 1, document_id=report.document_id,
                           created_by_id=user.id)
        db.add(report)
    elif report is None:
        report = CsrReport(organisation_id=organisation_id, year=year, version=1,
                           created_by_id=user.id)
        db.add(report)
    for name in CSR_FIGURES:
        setattr(report, name, getattr(figures, name))
    if document is not None:
        report.document_id = document.id
    db.flush()
    link(db, declaration, report)
    return report


def link(db: Session, declaration: Declaration, report: CsrReport) -> None:
    """The declaration carries ``report``; its attached PDF follows the version it carries."""
    # Imported here: supplier.documents reads through supplier.service, which loads the kinds.
    from supplier.documents import attach

    filing = db.scalar(select(CsrFiling).where(CsrFiling.declaration_id == declaration.id))
    if filing is None:
        db.add(CsrFiling(declaration_id=declaration.id, report_id=report.id))
    else:
        filing.report_id = report.id
    stale = select(Attachment).where(Attachment.declaration_id == declaration.id,
                                     Attachment.role == REPORT_ROLE)
    if report.document_id is not None:
        stale = stale.where(Attachment.document_id != report.document_id)
    for old in db.scalars(stale):
        db.delete(old)
    db.flush()
    if report.document_id is not None:
        attach(db, declaration, db.get(Document, report.document_id), role=REPORT_ROLE)


def open_siblings(db: Session, declaration: Declaration) -> list[Declaration]:
    """The other open CSR declarations of the same organisation and year, on every contract it
    holds, whatever the buyer."""
    organisation_id, year = owner_and_year(declaration)
    held = select(ContractParty.contract_id).where(
        ContractParty.organisation_id == organisation_id, ContractParty.role == PartyRole.holder)
    query = (select(Declaration).join(Declaration.commitment)
             .where(Commitment.kind == CommitmentKind.csr_report,
                    Commitment.contract_id.in_(held),
                    Declaration.id != declaration.id,
                    Declaration.status.in_(OPEN_STATUSES),
                    Declaration.period_start >= date(year, 1, 1),
                    Declaration.period_start <= date(year, 12, 31))
             .order_by(Declaration.id))
    return list(db.scalars(query))


def submit_everywhere(db: Session, declaration: Declaration, *, user: User) -> list[Declaration]:
    """After ``declaration`` was submitted: checks its report is complete and submits the other
    open declarations of that year with the same version. Returns them."""
    from supplier.service import mark_submitted  # see link(): the kinds load before the service

    organisation_id, year = owner_and_year(declaration)
    report = carried_report(db, declaration.id)
    if report is None:
        # Submitted without saving (API): carry the report filed from another contract.
        report = latest_report(db, organisation_id, year)
        if report is None:
            raise Invalid(f"Remplissez d'abord le rapport RSE {year} : rien n'a été déposé.",
                          field_errors={"document": "Joignez le rapport RSE au format PDF."})
        link(db, declaration, report)
    if report.document_id is None:
        raise Invalid("Le rapport RSE au format PDF est obligatoire pour déposer la "
                      "déclaration. Les chiffres saisis sont conservés à l'écran : joignez le "
                      "PDF et déposez à nouveau.",
                      field_errors={"document": "Joignez le rapport RSE au format PDF."})
    siblings = open_siblings(db, declaration)
    for sibling in siblings:
        link(db, sibling, report)
        mark_submitted(db, sibling, user=user)
    return siblings

