"""Carbon declaration: each period of the contract (its declaration frequency), the holder
declares its greenhouse-gas emissions in tCO2e by scope, the method used and an evidence file
(a PDF or an image, stored as the declaration's attachment)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from portal.errors import Invalid
from portal.models import Commitment, CommitmentKind, Contract, User
from supplier.carbon_schemas import (
    CARBON_METHODS,
    NO_SCOPE,
    SCOPES,
    CarbonContentOut,
    CarbonDeclarationIn,
    CarbonFiguresOut,
)
from supplier.kinds.base import KindHandler, register
from supplier.kinds.yearly import (
    commitment_declarations,
    document_out,
    seen_by_buyer,
    split_uploads,
    store_pdf,
    year_status,
)
from supplier.models import Attachment, CarbonReport, Declaration
from supplier.models.carbon import validated_reports
from supplier.schemas import DeclarationIn

EVIDENCE_ROLE = "evidence"
FIELDS = (*SCOPES, "method", "method_other", "note")


def report_of(db: Session, declaration_id: int) -> CarbonReport | None:
    return db.scalar(select(CarbonReport).where(CarbonReport.declaration_id == declaration_id))


def evidence_of(db: Session, declaration_id: int) -> Attachment | None:
    return db.scalar(select(Attachment).where(Attachment.declaration_id == declaration_id,
                                              Attachment.role == EVIDENCE_ROLE))


def total(report: CarbonReport | None) -> Decimal | None:
    """The sum of the scopes given; None when none is (an unknown scope is not zero)."""
    given = [getattr(report, name) for name in SCOPES] if report is not None else []
    given = [value for value in given if value is not None]
    return sum(given, Decimal(0)) if given else None


@register
class CarbonReportKind(KindHandler):
    kind = CommitmentKind.carbon_report
    label = "Émissions de gaz à effet de serre"
    schema = CarbonDeclarationIn

    def validate(self, payload: dict[str, Any]) -> CarbonDeclarationIn:
        fields, files = split_uploads(payload, "evidence")
        data = CarbonDeclarationIn.model_validate(fields)
        if not data.has_emissions():
            raise Invalid("La déclaration n'a pas été enregistrée.",
                          field_errors={SCOPES[0]: NO_SCOPE})
        data._upload = next(iter(files), None)
        return data

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        report = report_of(db, declaration.id)
        return {"version": declaration.version, "supplier_comment": declaration.supplier_comment,
                **{name: getattr(report, name, None) for name in FIELDS}}

    def form_context(self, db, declaration, payload, *, extra_rows):
        return {"payload": payload, "carbon_methods": CARBON_METHODS,
                "evidence": evidence_of(db, declaration.id)}

    def view_context(self, db, declaration):
        report = report_of(db, declaration.id)
        return {"carbon": report, "carbon_total": total(report),
                "carbon_methods": CARBON_METHODS, "evidence": evidence_of(db, declaration.id)}

    def apply(self, db: Session, declaration: Declaration, data: DeclarationIn, *,
              user: User) -> None:
        data = cast(CarbonDeclarationIn, data)  # supplier.service checked it is of this kind
        report = report_of(db, declaration.id)
        if report is None:
            report = CarbonReport(declaration_id=declaration.id)
            db.add(report)
        for name in FIELDS:
            setattr(report, name, getattr(data, name))
        if data._upload is not None:
            document = store_pdf(db, data._upload, user=user, field="evidence")
            previous = evidence_of(db, declaration.id)
            if previous is not None:
                db.delete(previous)  # a new evidence replaces the one filed before
                db.flush()
            # Imported here: supplier.documents reads through supplier.service, which loads
            # the kinds.
            from supplier.documents import attach

            attach(db, declaration, document, role=EVIDENCE_ROLE)
        db.flush()

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        db = object_session(declaration)
        if db is None:
            raise RuntimeError("A declaration's content is read from its session.")
        report = report_of(db, declaration.id)
        evidence = evidence_of(db, declaration.id)
        figures = None
        if report is not None:
            figures = CarbonFiguresOut(
                **{name: getattr(report, name) for name in FIELDS},
                method_label=CARBON_METHODS.get(report.method, report.method))
        return CarbonContentOut(
            period_start=declaration.period_start.isoformat(),
            period_end=declaration.period_end.isoformat(), report=figures,
            total_tco2e=total(report),
            evidence=document_out(evidence.document) if evidence is not None else None,
        ).model_dump(mode="json")

    def compliance(self, db: Session, contract: Contract, commitment) -> dict[str, Any]:
        """Each period with its status and, once filed, its emissions (drafts are the holder's
        business); the validated emissions summed by scope."""
        declarations = commitment_declarations(db, commitment)
        reports = {r.declaration_id: r for r in db.scalars(select(CarbonReport).where(
            CarbonReport.declaration_id.in_([d.id for d in declarations])))}
        periods: list[dict[str, Any]] = []
        for declaration in declarations:
            report = reports.get(declaration.id) if seen_by_buyer(declaration) else None
            periods.append({"declaration": declaration, "status": year_status(declaration),
                            "report": report, "total": total(report)})
        sums = db.execute(validated_reports(select(
            *(func.coalesce(func.sum(getattr(CarbonReport, name)), 0) for name in SCOPES)))
            .where(Commitment.id == commitment.id)).one()
        validated = {name: Decimal(str(value)) for name, value in zip(SCOPES, sums, strict=True)}
        received = sum(1 for p in periods if p["status"].code == "received")
        return {"periods": periods, "received": received, "validated": validated,
                "validated_total": sum(validated.values(), Decimal(0)),
                "missing": sum(1 for p in periods if p["status"].code == "missing"),
                "methods": CARBON_METHODS}
