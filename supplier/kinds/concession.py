"""Concession annual report: one per calendar year, due before 1 June of the next year
(art. R3131-2 of the Code de la commande publique), with its responsible-purchasing figures and
optional PDF annexes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal.errors import Invalid
from portal.models import CommitmentKind, Contract, User
from supplier.kinds.base import KindHandler, register
from supplier.kinds.yearly import (
    commitment_declarations,
    document_out,
    split_uploads,
    store_pdf,
    yearly_periods,
    years_summary,
)
from supplier.models import Attachment, ConcessionReport, Declaration
from supplier.report_schemas import (
    CONCESSION_FIGURES,
    MAX_ANNEXES,
    ConcessionContentOut,
    ConcessionDeclarationIn,
    ConcessionFiguresOut,
    ConcessionSharesOut,
    share_of,
)

ANNEX_ROLE = "annex"


def concession_due(year: int) -> date:
    # R3131-2: the report is produced « avant le 1er juin » of the following year.
    return date(year + 1, 5, 31)


def report_of(db: Session, declaration_id: int) -> ConcessionReport | None:
    return db.scalar(select(ConcessionReport)
                     .where(ConcessionReport.declaration_id == declaration_id))


def annexes_of(db: Session, declaration_id: int) -> list[Attachment]:
    return list(db.scalars(select(Attachment).where(Attachment.declaration_id == declaration_id,
                                                    Attachment.role == ANNEX_ROLE)
                           .order_by(Attachment.id)))


def shares(report: ConcessionReport | None) -> ConcessionSharesOut:
    """Each part of the purchases as a share of the total; sub-contracts with clauses as a share
    of the sub-contracts."""
    get = (lambda name: getattr(report, name)) if report is not None else (lambda name: None)
    total = get("total_purchases")
    return ConcessionSharesOut(
        sme=share_of(get("sme_purchases"), total), local=share_of(get("local_purchases"), total),
        siae=share_of(get("siae_purchases"), total),
        ea_esat=share_of(get("ea_esat_purchases"), total),
        ess=share_of(get("ess_purchases"), total),
        subcontracts_with_clauses=share_of(get("subcontracts_with_clauses"),
                                           get("subcontracts_count")))


@register
class ConcessionReportKind(KindHandler):
    kind = CommitmentKind.concession_report
    label = "Rapport annuel du concessionnaire"
    schema = ConcessionDeclarationIn

    def periods(self, contract, commitment, *, due_days):
        return yearly_periods(contract, concession_due)

    def validate(self, payload: dict[str, Any]) -> ConcessionDeclarationIn:
        fields, files = split_uploads(payload, "annexes")
        data = ConcessionDeclarationIn.model_validate(fields)
        data._uploads = files
        return data

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        report = report_of(db, declaration.id)
        figures = {name: getattr(report, name, None) for name in CONCESSION_FIGURES}
        return {"version": declaration.version, "supplier_comment": declaration.supplier_comment,
                "remove_annexes": [], **figures}

    def form_context(self, db, declaration, payload, *, extra_rows):
        return {"payload": payload, "max_annexes": MAX_ANNEXES}

    def view_context(self, db, declaration):
        report = report_of(db, declaration.id)
        return {"concession": report, "concession_shares": shares(report),
                "annexes": annexes_of(db, declaration.id)}

    def apply(self, db: Session, declaration: Declaration, data: ConcessionDeclarationIn, *,
              user: User) -> None:
        report = report_of(db, declaration.id)
        if report is None:
            report = ConcessionReport(declaration_id=declaration.id)
            db.add(report)
        for name in CONCESSION_FIGURES:
            setattr(report, name, getattr(data, name))
        kept = []
        for attachment in annexes_of(db, declaration.id):
            if attachment.document_id in data.remove_annexes:
                db.delete(attachment)
            else:
                kept.append(attachment)
        if len(kept) + len(data._uploads) > MAX_ANNEXES:
            raise Invalid(f"Un rapport compte au plus {MAX_ANNEXES} annexes.",
                          field_errors={"annexes": f"Au plus {MAX_ANNEXES} annexes : retirez-en "
                                                   "avant d'en ajouter."})
        # Imported here: supplier.documents reads through supplier.service, which loads the kinds.
        from supplier.documents import attach

        for upload in data._uploads:
            attach(db, declaration, store_pdf(db, upload, user=user, field="annexes"),
                   role=ANNEX_ROLE)
        db.flush()

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        db = object_session(declaration)
        report = report_of(db, declaration.id)
        return ConcessionContentOut(
            year=declaration.period_start.year,
            report=ConcessionFiguresOut.model_validate(report) if report is not None else None,
            shares=shares(report),
            annexes=[document_out(a.document) for a in annexes_of(db, declaration.id)],
        ).model_dump(mode="json")

    def compliance(self, db: Session, contract: Contract, commitment) -> dict[str, Any]:
        declarations = commitment_declarations(db, commitment)
        reports = {r.declaration_id: r for r in db.scalars(select(ConcessionReport).where(
            ConcessionReport.declaration_id.in_([d.id for d in declarations])))}
        return years_summary(declarations, lambda d: reports.get(d.id),
                             extra=lambda report: {"shares": shares(report)})
