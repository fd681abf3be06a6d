"""Reading the insertion declaration form: parallel lists of cells, one row per line."""

from starlette.datastructures import FormData

from portal.errors import Invalid
from supplier.schemas import MAX_LINES

LINE_FIELDS = ("beneficiary_ref", "public_category", "sex", "age_band", "execution_mode", "hours")


def rows_from_form(form: FormData) -> list[dict[str, str]]:
    """The filled rows of the lines table, in order; rows left entirely blank are dropped."""
    columns = [form.getlist(name) for name in LINE_FIELDS]
    count = max((len(column) for column in columns), default=0)
    if count > MAX_LINES:
        raise Invalid(f"Une déclaration compte au plus {MAX_LINES:,} lignes ; le formulaire en "
                      f"contient {count:,}. Rien n'a été enregistré : déposez les lignes en "
                      "plusieurs fois ou utilisez l'API.".replace(",", "\u202f"))
    rows = []
    for index in range(count):
        row = {name: str(column[index]) if index < len(column) else ""
               for name, column in zip(LINE_FIELDS, columns, strict=True)}
        if any(value.strip() for value in row.values()):
            rows.append(row)
    return rows


def declaration_payload(form: FormData, rows: list[dict[str, str]]) -> dict:
    version = str(form.get("version", ""))
    return {
        "version": int(version) if version.isdigit() else -1,
        "lines": rows,
        "supplier_comment": str(form.get("supplier_comment", "")).strip() or None,
    }


_FIELD_LABELS = {
    "beneficiary_ref": "référence", "public_category": "public éligible", "sex": "sexe",
    "age_band": "tranche d'âge", "execution_mode": "modalité", "hours": "heures",
    "supplier_comment": "Commentaire", "version": "Version", "lines": "Lignes",
}


def field_label(key: str) -> str:
    """« lines.3.hours » → « Ligne 4, heures », for the error summary."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
        return f"Ligne {int(parts[1]) + 1}, {_FIELD_LABELS.get(parts[2], parts[2])}"
    return _FIELD_LABELS.get(key, key)
