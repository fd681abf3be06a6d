"""``contracts[].implementation`` of the OCDS export: one reporting milestone per declaration,
and the documents of the reports the buyer validated."""

from datetime import UTC, date, datetime
from typing import Any

from execution.opendata.ocds_ids import object_id
from execution.opendata.ocds_rows import ContractRows, DeclarationRow, DocumentRow
from portal.clock import now
from portal.models import CommitmentKind
from portal.periods import period_label
from portal.settings import get_settings
from supplier.kinds import HANDLERS
from supplier.models import Status, Subject

# OCDS documentType (open codelist): the reports are « documentation on the status of
# implementation » the contract requires; the codelist has nothing closer for a CSR report.
REPORT_DOCUMENT_TYPE = "physicalProgressReport"


def ocds_datetime(moment: date | datetime) -> str:
    """RFC 3339 in UTC; a date is its midnight UTC, a stored naive time is UTC."""
    if not isinstance(moment, datetime):
        return f"{moment.isoformat()}T00:00:00Z"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return f"{moment.replace(microsecond=0).isoformat()}Z"


def milestone_status(row: DeclarationRow) -> str:
    """milestoneStatus: « met » once validated; « notMet » when, at this export (its
    dateModified), the declaration is overdue (due date passed with nothing accepted to file:
    expected, draft or returned); otherwise « scheduled », not evaluated yet (still due, or
    filed and waiting for review)."""
    if row.status == Status.validated:
        return "met"
    return "notMet" if row.is_overdue else "scheduled"


def _title(row: DeclarationRow) -> str:
    label = HANDLERS[CommitmentKind(row.kind)].label
    if row.subject == Subject.plan:
        return f"{label} : proposition du plan"
    return f"{label} : {period_label(row.period_start, row.period_end)}"


def milestone(ocid: str, row: DeclarationRow, moment: datetime) -> dict[str, Any]:
    status = milestone_status(row)
    result: dict[str, Any] = {
        "id": object_id(ocid, "milestone", row.id),
        "title": _title(row),
        "type": "reporting",
        "code": row.kind,
        "dueDate": ocds_datetime(row.due_on),
        "status": status,
        # When the status was last established: the export itself for a lateness it measures.
        "dateModified": ocds_datetime(moment if status == "notMet" else row.updated_at),
    }
    if status == "met":
        result["dateMet"] = ocds_datetime(row.reviewed_at or row.updated_at)
    return result


def document(ocid: str, row: DocumentRow) -> dict[str, Any]:
    label = HANDLERS[CommitmentKind(row.kind)].label
    result: dict[str, Any] = {
        "id": object_id(ocid, "document", row.id),
        "documentType": REPORT_DOCUMENT_TYPE,
        "title": f"{label} {row.period_start.year} : {row.filename}",
        # The portal's download route: it asks for a login, and only the contract's parties,
        # its buyer and the administrators may read the file.
        "url": f"{get_settings().base_url.rstrip('/')}/documents/{row.id}",
        "format": row.content_type,
        "language": "fr",
    }
    if row.validated_at is not None:
        result["datePublished"] = ocds_datetime(row.validated_at)
    return result


def implementation(ocid: str, rows: ContractRows, moment: datetime | None = None
                   ) -> dict[str, Any]:
    moment = moment or now()
    result: dict[str, Any] = {}
    if rows.declarations:
        result["milestones"] = [milestone(ocid, row, moment) for row in rows.declarations]
    documents, seen = [], set()
    for row in rows.documents:
        if row.id not in seen:  # one file may serve two declarations of a contract
            seen.add(row.id)
            documents.append(document(ocid, row))
    if documents:
        result["documents"] = documents
    return result
