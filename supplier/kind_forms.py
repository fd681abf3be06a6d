"""The web side of the declaration kinds (supplier.kinds keeps the service side: periods,
validation, storage, API content, compliance): how each kind's form is read into the payload
its handler validates, the templates that show it, and the French names of its inputs.

Web plumbing: read by the supplier's and the buyer's pages only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from portal.errors import Invalid
from portal.models import CommitmentKind
from portal.validation import row_id, whole_number
from supplier.carbon_schemas import SCOPE_LABELS
from supplier.kinds import agec, carbon, insertion, plan, plan_update
from supplier.kinds.yearly import uploads
from supplier.models import Declaration
from supplier.plan_schemas import MAX_ACTIONS, Upload
from supplier.report_schemas import CONCESSION_FIGURES, CSR_FIGURES
from supplier.schemas import MAX_LINES

Payload = dict[str, Any]
COMMON_LABELS = {"supplier_comment": "Commentaire", "version": "Version", "lines": "Lignes",
                 "body": "Déclaration"}


def rows_from_form(form: FormData, fields: tuple[str, ...] = insertion.LINE_FIELDS,
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


def common_payload(form: FormData) -> Payload:
    version = whole_number(form.get("version"))
    return {"version": version if version is not None else -1,
            "supplier_comment": str(form.get("supplier_comment", "")).strip() or None}


def read_insertion(form: FormData) -> Payload:
    return {**common_payload(form), "lines": rows_from_form(form),
            "pace_comment": str(form.get("pace_comment", "")).strip() or None}


def read_agec(form: FormData) -> Payload:
    # Every row carries its category in a hidden input: a row counts once an amount is typed.
    rows = rows_from_form(form, agec.FIELDS, max_rows=agec.MAX_AGEC_LINES)
    lines = [row for row in rows if any(row[name].strip() for name in agec.AMOUNTS)]
    return {**common_payload(form), "lines": lines}


def read_csr(form: FormData) -> Payload:
    revision = str(form.get("report_revision", ""))
    return {**common_payload(form),
            **{name: str(form.get(name, "")) for name in CSR_FIGURES},
            "report_revision": whole_number(revision),
            "document": next(iter(uploads(form.getlist("document"))), None)}


def read_concession(form: FormData) -> Payload:
    return {**common_payload(form),
            **{name: str(form.get(name, "")) for name in CONCESSION_FIGURES},
            "remove_annexes": [number for v in form.getlist("remove_annexes")
                               if isinstance(v, str) and (number := row_id(v))],
            "annexes": uploads(form.getlist("annexes"))}


def read_carbon(form: FormData) -> Payload:
    return {**common_payload(form),
            **{name: str(form.get(name, "")) for name in carbon.FIELDS},
            "evidence": next(iter(uploads(form.getlist("evidence"))), None)}


def _upload(value: Any) -> Upload | None:
    # A file input left empty still sends a part, with no file name.
    filename = getattr(value, "filename", None)
    return Upload(filename=filename, stream=value.file) if filename else None


def read_plan(form: FormData) -> Payload:
    """The plan proposal, or the periodic update (the hidden « plan_form » says which)."""
    if form.get("plan_form") == "updates":
        # Every row, blank ones included, so that row N of the errors is row N of the table
        # (the rows are the plan's actions, not lines the holder adds).
        updates = []
        for row in rows_from_form(form, plan_update.UPDATE_FIELDS, MAX_ACTIONS):
            upload = _upload(form.get(f"evidence_{row['action_key']}"))
            updates.append({**row, "evidence": upload} if upload else row)
        return {**common_payload(form), "updates": updates}
    rows = rows_from_form(form, plan.ACTION_FIELDS, MAX_ACTIONS)
    # A row emptied by the holder (only its hidden key left) removes the action.
    rows = [row for row in rows
            if any(row[name].strip() for name in plan.ACTION_FIELDS if name != "key")]
    return {**common_payload(form), "actions": rows}


@dataclass(frozen=True)
class KindForm:
    read: Callable[[FormData], Payload]
    form_template: str  # the kind's inputs, inside the declaration form
    view_template: str  # the kind's content, read-only (the holder's and the buyer's pages)
    labels: dict[str, str] = field(default_factory=dict)  # French names of the inputs
    multipart: bool = False  # the form carries files

    @property
    def field_labels(self) -> dict[str, str]:
        """The names of the error summary."""
        return {**COMMON_LABELS, **self.labels}


def _form(name: str, read: Callable[[FormData], Payload], *, labels: dict[str, str],
          multipart: bool = False) -> KindForm:
    return KindForm(read, f"supplier/kinds/{name}_form.html", f"supplier/kinds/{name}_view.html",
                    labels, multipart)


FORMS: dict[str, KindForm] = {
    CommitmentKind.insertion_hours: _form("insertion", read_insertion, labels={
        "beneficiary_ref": "référence", "public_category": "public éligible", "sex": "sexe",
        "age_band": "tranche d'âge", "execution_mode": "modalité", "hours": "heures",
        "flag_comment": "réponse au signalement", "subcontractor_org_id": "sous-traitant",
        "pace_comment": "Réponse au signalement du rythme"}),
    CommitmentKind.agec_share: _form("agec", read_agec, labels={
        "category_code": "catégorie", "total_excl_vat": "montant total HT",
        "reuse_excl_vat": "réemploi ou réutilisation", "donation_excl_vat": "dons",
        "recycled_excl_vat": "matières recyclées"}),
    CommitmentKind.csr_report: _form("csr", read_csr, multipart=True, labels={
        "document": "Rapport RSE (PDF)", "headcount": "Effectif",
        "women_share": "Part des femmes",
        "equality_index": "Index de l'égalité professionnelle",
        "ghg_scope12_tco2e": "Émissions de gaz à effet de serre (scopes 1 et 2)",
        "accident_frequency_rate": "Taux de fréquence des accidents du travail",
        "local_suppliers_share": "Part des fournisseurs locaux",
        "report_revision": "Rapport RSE"}),
    CommitmentKind.concession_report: _form(
        "concession", read_concession, multipart=True, labels={
            "total_purchases": "Total des achats",
            "sme_purchases": "Achats auprès de PME et TPE",
            "local_purchases": "Achats auprès d'entreprises locales",
            "siae_purchases": "Achats auprès de SIAE",
            "ea_esat_purchases": "Achats auprès d'EA et d'ESAT",
            "ess_purchases": "Achats auprès de l'ESS",
            "insertion_hours_contractual": "Heures d'insertion prévues au contrat",
            "insertion_hours_realised": "Heures d'insertion réalisées",
            "agec_summary": "Économie circulaire (AGEC)",
            "payment_delay_days": "Délai moyen de paiement",
            "invoices_paid_60d_share": "Part des factures payées en 60 jours au plus",
            "subcontracts_count": "Nombre de sous-traités",
            "subcontracts_with_clauses": "Sous-traités avec clause sociale ou environnementale",
            "user_satisfaction": "Satisfaction des usagers",
            "comments": "Commentaires",
            "annexes": "Annexes",
            "remove_annexes": "Annexes à retirer"}),
    CommitmentKind.carbon_report: _form("carbon", read_carbon, multipart=True, labels={
        **SCOPE_LABELS, "method": "Méthode de calcul", "method_other": "Autre méthode",
        "note": "Note", "evidence": "Justificatif"}),
    # The periodic update carries evidence files; the plan form is simply sent the same way.
    CommitmentKind.progress_plan: _form("plan", read_plan, multipart=True, labels={
        "key": "identifiant", "axis": "axe", "title": "intitulé", "owner": "responsable",
        "indicator": "indicateur", "unit": "unité", "baseline": "valeur de départ",
        "target": "cible", "deadline": "échéance", "action_key": "action", "status": "état",
        "latest_value": "dernière valeur", "comment": "commentaire", "evidence": "justificatif",
        "actions": "Actions", "updates": "Mises à jour"}),
}


def form_for(declaration: Declaration) -> KindForm:
    return FORMS[declaration.commitment.kind]
