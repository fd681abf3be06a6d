"""CSV and XLSX exports of the indicators and of the declarations behind them, filtered like the
dashboard (a year or a part of one, one buyer organisation or all of them for an administrator).

CSV: semicolon-separated, UTF-8 with a byte order mark, French headers, decimal commas and
dd/mm/yyyy dates, which is what a French spreadsheet opens without an import dialog. XLSX
(openpyxl): typed cells (numbers, dates), one sheet per dataset. In both, a text cell never
becomes a formula: a contract object typed as « =HYPERLINK(…) » stays text.
"""

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from execution.indicators import export_data
from execution.indicators import queries as indicator_queries
from execution.indicators.export_data import Column, Dataset
from execution.indicators.scope import Scope
from execution.indicators.service import Indicator, compute_indicators
from execution.reports import annual_contracts as report_contracts
from portal.clock import today
from portal.errors import NotFound
from portal.formatting import PARIS
from portal.spreadsheet import CSV_TYPE, csv_document, safe_text

DASH = "—"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_NAMES = {"public": "Public éligible", "sex": "Sexe", "age_band": "Tranche d'âge",
                   "category": "Catégorie de produits", "basis": "Base légale de la réservation",
                   "measure": "Mesure (nombre ou montant)", "nature": "Nature de contrat",
                   "scope": "Périmètre d'émissions (scope)"}
_XLSX_FORMATS = {"int": "0", "decimal": "#,##0.00", "share": "0.0", "date": "DD/MM/YYYY",
                 "datetime": "DD/MM/YYYY HH:MM"}


# --- The indicators -----------------------------------------------------------------------------

def indicators_dataset(indicators: list[Indicator], scope: Scope) -> Dataset:
    """One row per indicator, with the ids of indicators.md."""
    rows = [[i.id, i.label, scope.year, scope.label,
             i.value if i.value is not None else DASH, i.unit, i.numerator, i.denominator,
             i.target, i.records, i.sentence, scope.period.slug] for i in indicators]
    return Dataset("indicateurs", "Indicateurs", [
        Column("Identifiant"), Column("Indicateur"), Column("Année", "int"),
        Column("Périmètre"), Column("Valeur", "decimal"), Column("Unité"),
        Column("Numérateur", "decimal"), Column("Dénominateur", "decimal"),
        Column("Objectif", "decimal"), Column("Enregistrements", "int"),
        Column("Mode de calcul"), Column("Période")], rows)


def breakdowns_dataset(indicators: list[Indicator], scope: Scope) -> Dataset:
    """Every breakdown row (insertion hours by public, sex and age band; AGEC by category)."""
    rows = []
    for i in indicators:
        for name, breakdown in i.breakdowns.items():
            for row in breakdown:
                rows.append([i.id, scope.year, scope.label, BREAKDOWN_NAMES.get(name, name),
                             row.extra.get("code"), row.label,
                             row.value if row.value is not None else DASH, row.numerator,
                             row.denominator, row.extra.get("share"), scope.period.slug])
    return Dataset("ventilations", "Ventilations", [
        Column("Identifiant"), Column("Année", "int"), Column("Périmètre"),
        Column("Ventilation"), Column("Code"), Column("Libellé"), Column("Valeur", "decimal"),
        Column("Numérateur", "decimal"), Column("Dénominateur", "decimal"),
        Column("Part (%)", "share"), Column("Période")], rows)


# --- What can be exported ----------------------------------------------------------------------

Builder = Callable[[Session, Scope, list[Indicator] | None], Dataset]


def _declarations(function) -> Builder:
    def build(db: Session, scope: Scope, _indicators: list[Indicator] | None) -> Dataset:
        return function(db, indicator_queries.Scope(scope.period, scope.buyer_org_id, today(),
                                                    buyer_org_ids=scope.buyer_org_ids))
    return build


def _computed(function) -> Builder:
    def build(db: Session, scope: Scope, indicators: list[Indicator] | None) -> Dataset:
        if indicators is None:
            indicators = compute_indicators(db, period=scope.period,
                                            buyer_org_id=scope.buyer_org_id,
                                            buyer_org_ids=scope.buyer_org_ids)
        return function(indicators, scope)
    return build


DATASETS: dict[str, tuple[str, Builder]] = {
    "indicateurs": ("Indicateurs de la période", _computed(indicators_dataset)),
    "ventilations": ("Ventilations des indicateurs", _computed(breakdowns_dataset)),
    "heures-insertion": ("Lignes d'heures d'insertion validées",
                         _declarations(export_data.insertion_lines)),
    "lignes-agec": ("Lignes AGEC validées", _declarations(export_data.agec_lines)),
    "actions-plans": ("Actions des plans de progrès en vigueur",
                      _declarations(export_data.plan_actions)),
    "emissions-carbone": ("Déclarations carbone validées",
                          _declarations(export_data.carbon_reports)),
    "reponses-enquetes": ("Réponses aux enquêtes closes dans la période",
                          _declarations(export_data.survey_answers)),
    # Also the annual report's annex (execution.reports.routes).
    "contrats": ("Contrats exécutés dans la période",
                 _declarations(report_contracts.contracts_dataset)),
}
WORKBOOK = "classeur"  # every dataset, one sheet each
FORMATS = ("csv", "xlsx")


def build(db: Session, name: str, scope: Scope) -> list[Dataset]:
    """The datasets behind one export name (or all of them for the workbook)."""
    if name == WORKBOOK:
        indicators = compute_indicators(db, period=scope.period, buyer_org_id=scope.buyer_org_id,
                                        buyer_org_ids=scope.buyer_org_ids)
        return [builder(db, scope, indicators) for _title, builder in DATASETS.values()]
    if name not in DATASETS:
        raise NotFound("Cet export n'existe pas.")
    return [DATASETS[name][1](db, scope, None)]


def export(db: Session, name: str, fmt: str, scope: Scope) -> tuple[bytes, str, str]:
    """(content, media type, file name) of an export."""
    if fmt not in FORMATS or (fmt == "csv" and name == WORKBOOK):
        raise NotFound("Ce format d'export n'existe pas.")
    datasets = build(db, name, scope)
    # « indicateurs-2025-S1-<siret>.csv »: the period as written in URLs.
    filename = f"{name}-{scope.period.slug}" + (f"-{scope.buyer.siret}" if scope.buyer else "")
    if fmt == "csv":
        return to_csv(datasets[0]), CSV_TYPE, f"{filename}.csv"
    return to_xlsx(datasets), XLSX_TYPE, f"{filename}.xlsx"


# --- Writers -----------------------------------------------------------------------------------

def csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime):
        return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float) or kind in ("decimal", "share"):
        return format(Decimal(str(value)), "f").replace(".", ",")
    return str(value)


def to_csv(dataset: Dataset) -> bytes:
    rows = ([csv_cell(v, c.kind) for v, c in zip(row, dataset.columns, strict=True)]
            for row in dataset.rows)
    return csv_document([c.header for c in dataset.columns], rows).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the Paris wall-clock time users read elsewhere.
        return value.astimezone(PARIS).replace(tzinfo=None)
    if isinstance(value, str):
        return _strip_invalid(value)
    return value


def _strip_invalid(text: str) -> str:
    # XML 1.0 refuses most control characters; openpyxl would raise on them.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def to_xlsx(datasets: list[Dataset]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for dataset in datasets:
        sheet = workbook.create_sheet(dataset.title[:31])
        sheet.append([c.header for c in dataset.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in dataset.rows:
            sheet.append([_xlsx_value(v) for v in row])
        for index, column in enumerate(dataset.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = min(60, max(12, len(column.header) + 2))
            number_format = _XLSX_FORMATS.get(column.kind)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever it starts with
                elif number_format and cell.value is not None:
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
