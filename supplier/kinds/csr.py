"""CSR report: one declaration per contract and calendar year, all carrying the report the
holder filed once for that year (supplier.csr)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, object_session

from portal.models import CommitmentKind, Contract, User
from supplier import csr
from supplier.kinds.base import KindHandler, register
from supplier.kinds.yearly import (
    commitment_declarations,
    document_out,
    split_uploads,
    store_pdf,
    yearly_periods,
    years_summary,
)
from supplier.models import Declaration
from supplier.report_schemas import (
    CSR_FIGURES,
    CsrContentOut,
    CsrDeclarationIn,
    CsrFiguresOut,
    CsrReportOut,
)


def csr_due(year: int) -> date:
    # A product default, not a legal rule: no text sets a date for a supplier's CSR report to its
    # buyers; 30 June of the next year leaves time after the annual accounts.
    return date(year + 1, 6, 30)


@register
class CsrReportKind(KindHandler):
    kind = CommitmentKind.csr_report
    label = "Rapport RSE"
    schema = CsrDeclarationIn

    def periods(self, contract, commitment, *, due_days):
        return yearly_periods(contract, csr_due)

    def validate(self, payload: dict[str, Any]) -> CsrDeclarationIn:
        fields, files = split_uploads(payload, "document")
        data = CsrDeclarationIn.model_validate(fields)
        data._upload = next(iter(files), None)
        return data

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        """The form edits the organisation's latest report of that year, whichever contract it
        was filed from."""
        report = csr.latest_report(db, *csr.owner_and_year(declaration))
        figures = {name: getattr(report, name, None) for name in CSR_FIGURES}
        return {"version": declaration.version, "supplier_comment": declaration.supplier_comment,
                "report_revision": report.revision if report else 0, **figures}

    def form_context(self, db, declaration, payload, *, extra_rows):
        organisation_id, year = csr.owner_and_year(declaration)
        draft = csr.latest_report(db, organisation_id, year)
        return {"payload": payload, "csr_year": year, "csr_draft": draft,
                "csr_frozen": draft is not None and csr.is_frozen(db, draft),
                "csr_siblings": csr.open_siblings(db, declaration)}

    def view_context(self, db, declaration):
        return {"csr_year": declaration.period_start.year,
                "csr_report": csr.carried_report(db, declaration.id)}

    def apply(self, db: Session, declaration: Declaration, data: CsrDeclarationIn, *,
              user: User) -> None:
        # A stale form is refused before its file is stored.
        csr.check_revision(db, declaration, data.report_revision)
        document = (store_pdf(db, data._upload, user=user, field="document")
                    if data._upload is not None else None)
        csr.save_report(db, declaration, data, user=user, document=document,
                        revision=data.report_revision)

    def on_submit(self, db: Session, declaration: Declaration, *, user: User) -> None:
        csr.submit_everywhere(db, declaration, user=user)

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        report = csr.carried_report(object_session(declaration), declaration.id)
        return CsrContentOut(year=declaration.period_start.year,
                             report=_report_out(report)).model_dump(mode="json")

    def compliance(self, db: Session, contract: Contract, commitment) -> dict[str, Any]:
        declarations = commitment_declarations(db, commitment)
        reports = csr.carried_reports(db, [d.id for d in declarations])
        return years_summary(declarations, lambda d: reports.get(d.id))

def _report_out(report) -> CsrReportOut | None:
    if report is None:
        return None
    return CsrReportOut(year=report.year, version=report.version,
                        document=document_out(report.document),
                        **CsrFiguresOut.model_validate(report).model_dump())
