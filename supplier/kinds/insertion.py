"""Insertion hours: one line per beneficiary (pseudonymous), hours of the period."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from portal.errors import Invalid
from portal.models import CommitmentKind, User
from portal.validation import whole_number
from supplier import vocabulary
from supplier.kinds.base import KindHandler, register
from supplier.models import Declaration, InsertionLine
from supplier.schemas import (
    MAX_LINES,
    InsertionContentOut,
    InsertionDeclarationIn,
    InsertionLineOut,
)

LINE_FIELDS = ("beneficiary_ref", "public_category", "sex", "age_band", "execution_mode", "hours")

if TYPE_CHECKING:  # forms are read by the web layer; services never touch starlette
    from starlette.datastructures import FormData


def rows_from_form(form: FormData, fields: tuple[str, ...] = LINE_FIELDS,
                   max_rows: int = MAX_LINES) -> list[dict[str, str]]:
    """The filled rows of a lines table (parallel lists of cells); blank rows are dropped."""
    columns = [form.getlist(name) for name in fields]
    count = max((len(column) for column in columns), default=0)
    if count > max_rows:
        raise Invalid(f"Une déclaration compte au plus {max_rows:,} lignes ; le formulaire en "
                      f"contient {count:,}. Rien n'a été enregistré : déposez les lignes en "
                      "plusieurs fois ou utilisez l'API.".replace(",", "\u202f"))
    rows = []
    for index in range(count):
        row = {name: str(column[index]) if index < len(column) else ""
               for name, column in zip(fields, columns, strict=True)}
        if any(value.strip() for value in row.values()):
            rows.append(row)
    return rows


def common_payload(form: FormData) -> dict[str, Any]:
    version = whole_number(form.get("version"))
    return {"version": version if version is not None else -1,
            "supplier_comment": str(form.get("supplier_comment", "")).strip() or None}


@register
class InsertionHours(KindHandler):
    kind = CommitmentKind.insertion_hours
    label = "Heures d'insertion"
    schema = InsertionDeclarationIn
    form_template = "supplier/kinds/insertion_form.html"
    view_template = "supplier/kinds/insertion_view.html"
    field_labels = {"beneficiary_ref": "référence", "public_category": "public éligible",
                    "sex": "sexe", "age_band": "tranche d'âge", "execution_mode": "modalité",
                    "hours": "heures"}

    def payload_from_form(self, form: FormData) -> dict[str, Any]:
        return {**common_payload(form), "lines": rows_from_form(form)}

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        lines = [{field: getattr(line, field) for field in LINE_FIELDS}
                 for line in declaration.insertion_lines]
        for line in lines:
            # Lines merged past the retention period have no reference left to show.
            line["beneficiary_ref"] = line["beneficiary_ref"] or ""
            line["hours"] = str(line["hours"]).replace(".", ",")
        return {"version": declaration.version, "lines": lines,
                "supplier_comment": declaration.supplier_comment}

    def form_context(self, db, declaration, payload, *, extra_rows):
        return {"payload": payload, "rows": payload["lines"] + [{} for _ in range(extra_rows)],
                "vocabulary": vocabulary}

    def apply(self, db: Session, declaration: Declaration, data: InsertionDeclarationIn, *,
              user: User) -> None:
        declaration.insertion_lines = [InsertionLine(**line.model_dump()) for line in data.lines]

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        lines = [InsertionLineOut.model_validate(line) for line in declaration.insertion_lines]
        total = sum((line.hours for line in lines), Decimal("0"))
        return InsertionContentOut(lines=lines, total_hours=total).model_dump(mode="json")
