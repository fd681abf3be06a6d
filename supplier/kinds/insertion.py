"""Insertion hours: one line per beneficiary (pseudonymous), hours of the period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from portal.errors import Invalid
from portal.models import CommitmentKind, Organisation, User
from supplier import plausibility, vocabulary
from supplier.kinds.base import KindHandler, register
from supplier.models import Declaration, InsertionLine, declaration_owners
from supplier.schemas import (
    InsertionContentOut,
    InsertionDeclarationIn,
    InsertionLineOut,
)

LINE_FIELDS = ("beneficiary_ref", "public_category", "sex", "age_band", "execution_mode", "hours",
               "flag_comment", "subcontractor_org_id")


@register
class InsertionHours(KindHandler):
    kind = CommitmentKind.insertion_hours
    label = "Heures d'insertion"
    schema = InsertionDeclarationIn

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        lines = [{field: getattr(line, field) for field in LINE_FIELDS}
                 for line in declaration.insertion_lines]
        for line in lines:
            # Lines merged past the retention period have no reference left to show.
            line["beneficiary_ref"] = line["beneficiary_ref"] or ""
        return {"version": declaration.version, "lines": lines,
                "supplier_comment": declaration.supplier_comment,
                "pace_comment": declaration.pace_comment}

    def form_context(self, db, declaration, payload, *, extra_rows):
        # The warnings of the lines as typed (or saved), shown before filing.
        form_flags = plausibility.of_rows(db, declaration, payload["lines"],
                                          payload.get("pace_comment"))
        return {"payload": payload, "rows": payload["lines"] + [{} for _ in range(extra_rows)],
                "vocabulary": vocabulary, "form_flags": form_flags,
                "subcontractors": [(o.id, o.name) for o in _nameable(declaration)]}

    def view_context(self, db, declaration):
        return {"flags": plausibility.of_declaration(db, declaration)}

    def apply(self, db: Session, declaration: Declaration, data: InsertionDeclarationIn, *,
              user: User) -> None:
        allowed = {o.id for o in _nameable(declaration)}
        errors = {f"lines.{i}.subcontractor_org_id": "Choisissez un sous-traitant du contrat."
                  for i, line in enumerate(data.lines)
                  if line.subcontractor_org_id is not None
                  and line.subcontractor_org_id not in allowed}
        if errors:
            raise Invalid("La déclaration n'a pas été enregistrée : un sous-traitant nommé "
                          "n'est pas déclaré sur le contrat.", field_errors=errors)
        declaration.insertion_lines = [InsertionLine(**line.model_dump()) for line in data.lines]
        declaration.pace_comment = data.pace_comment

    def check_submittable(self, db: Session, declaration: Declaration) -> None:
        """Each standing flag needs its answer: refused otherwise, naming the lines."""
        flags = plausibility.of_declaration(db, declaration)
        if missing := flags.unanswered():
            raise Invalid(flags.refusal(), field_errors=missing)

    def flags_out(self, db: Session, declaration: Declaration) -> list[dict[str, Any]]:
        flags = plausibility.of_declaration(db, declaration)
        result = [{"kind": "line", "line": f.number, "beneficiary_ref": f.beneficiary_ref,
                   "hours": f.hours, "limit": f.limit, "expected_hours": None,
                   "comment": f.comment, "message": f.message} for f in flags.lines]
        if (pace := flags.pace) is not None:
            result.append({"kind": "pace", "line": None, "beneficiary_ref": None,
                           "hours": pace.hours, "limit": pace.limit,
                           "expected_hours": pace.expected, "comment": pace.comment,
                           "message": pace.message})
        return result

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        lines = [InsertionLineOut.model_validate(line) for line in declaration.insertion_lines]
        total = sum((line.hours for line in lines), Decimal("0"))
        return InsertionContentOut(lines=lines, total_hours=total).model_dump(mode="json")


def _nameable(declaration: Declaration) -> list[Organisation]:
    """The sub-contractors a line may name: the contract's, on the holder's own declarations
    (hours done through sub-contracting are the holder's to declare; a co-holder's or a
    sub-contractor's share holds its own people)."""
    contract = declaration.contract
    if declaration.holder_org_id != declaration_owners(contract)["holder_org_id"]:
        return []
    return contract.subcontractors
