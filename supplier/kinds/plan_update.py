"""The periodic update of a progress plan: one row per action of the plan in force (latest value,
status, comment, evidence file)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.documents import store_upload
from portal.errors import Conflict, Invalid, TooLarge
from portal.models import User
from supplier.models import Attachment, Declaration, PlanUpdate, Status
from supplier.plan import NO_PLAN, accepted_plan, action_titles, latest_updates
from supplier.plan_schemas import PlanUpdateOut, PlanUpdatesIn, Upload

UPDATE_FIELDS = ("action_key", "status", "latest_value", "comment")
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg")
EVIDENCE_ROLE = "evidence"


def payload_from_declaration(db: Session, declaration: Declaration) -> list[dict[str, Any]]:
    saved = declaration.plan_updates
    if saved or declaration.status != Status.expected:
        return [{"action_key": u.action_key, "status": u.status,
                 "latest_value": u.latest_value, "comment": u.comment or ""}
                for u in saved]
    # A new update starts from where each action stood at the last validated one.
    latest = latest_updates(declaration.commitment_id)
    rows = db.execute(select(latest.c.action_key, latest.c.status, latest.c.latest_value)
                      .where(latest.c.rank == 1))
    return [{"action_key": key, "status": status, "latest_value": value, "comment": ""}
            for key, status, value in rows]


def form_context(db: Session, declaration: Declaration, payload: dict[str, Any]) -> dict:
    plan = accepted_plan(db, declaration.commitment_id)
    sent = payload.get("updates", [])  # a tampered form may send the other shape
    typed = {row.get("action_key"): (index, row) for index, row in enumerate(sent)}
    saved = {u.action_key: u for u in declaration.plan_updates}
    rows = []
    for position, action in enumerate(plan.plan_actions if plan else []):
        index, values = typed.get(action.key, (position, {}))
        update = saved.get(action.key)
        rows.append({"action": action, "index": index, "values": values,
                     "evidence": update.evidence if update else None})
    return {"payload": payload, "update_rows": rows, "no_plan": NO_PLAN if plan is None else None,
            "uploads_sent": any(row.get("evidence") for row in sent)}


def view_context(db: Session, declaration: Declaration) -> dict:
    plan = accepted_plan(db, declaration.commitment_id)
    return {"titles": action_titles(db, declaration.commitment_id),
            "plan_actions": {a.key: a for a in plan.plan_actions} if plan else {}}


def _store(db: Session, declaration: Declaration, upload: Upload, *, user: User, field: str):
    # Imported here: supplier.documents reads declarations through the service, which imports
    # the kinds.
    from supplier.documents import attach

    try:
        document = store_upload(db, filename=upload.filename, stream=upload.stream,
                                uploader=user, allowed=EVIDENCE_TYPES)
    except (Invalid, TooLarge) as error:
        # Keyed to its row, so the form shows it there and keeps everything typed.
        raise Invalid("Rien n'a été enregistré : un justificatif est refusé.",
                      field_errors={field: error.message}) from None
    attach(db, declaration, document, role=EVIDENCE_ROLE)
    return document


def apply(db: Session, declaration: Declaration, data: PlanUpdatesIn, *, user: User) -> None:
    plan = accepted_plan(db, declaration.commitment_id)
    if plan is None:
        raise Conflict(NO_PLAN)
    keys = {a.key for a in plan.plan_actions}
    unknown = {f"updates.{i}.action_key": "Cette action ne figure pas dans le plan accepté."
               for i, row in enumerate(data.updates) if row.action_key not in keys}
    if unknown:
        raise Invalid("La mise à jour n'a pas été enregistrée : elle nomme une action absente du "
                      "plan accepté.", field_errors=unknown)
    existing = {u.action_key: u for u in declaration.plan_updates}
    kept = []
    for index, row in enumerate(data.updates):
        if row.status is None:
            continue  # a row left blank: nothing to say about this action yet
        # Updated in place: the evidence already filed stays unless a new file replaces it.
        update = existing.pop(row.action_key, None) or PlanUpdate(action_key=row.action_key)
        update.status, update.latest_value, update.comment = (row.status, row.latest_value,
                                                              row.comment)
        if row.evidence is not None:
            update.evidence = _store(db, declaration, row.evidence, user=user,
                                     field=f"updates.{index}.evidence")
        kept.append(update)
    declaration.plan_updates = kept
    db.flush()
    used = {u.evidence_document_id for u in kept if u.evidence_document_id is not None}
    db.execute(delete(Attachment).where(Attachment.declaration_id == declaration.id,
                                        Attachment.role == EVIDENCE_ROLE,
                                        Attachment.document_id.not_in(used)))


def check_complete(db: Session, declaration: Declaration) -> None:
    """Before submission: a plan in force, and a status for each of its actions."""
    plan = accepted_plan(db, declaration.commitment_id)
    if plan is None:
        raise Conflict(NO_PLAN)
    done = {u.action_key for u in declaration.plan_updates}
    missing = {index: action for index, action in enumerate(plan.plan_actions)
               if action.key not in done}
    if missing:
        names = ", ".join(f"{a.key} « {a.title} »" for a in missing.values())
        raise Invalid(f"Indiquez l'état de chaque action du plan avant de déposer la mise à "
                      f"jour ; il manque : {names}.",
                      field_errors={f"updates.{i}.status": "Choisissez l'état de l'action."
                                    for i in missing})


def content_out(declaration: Declaration) -> dict[str, Any]:
    updates = []
    for update in declaration.plan_updates:
        out = PlanUpdateOut.model_validate(update)
        if update.evidence_document_id is not None:
            out.evidence_url = f"/documents/{update.evidence_document_id}"
        updates.append(out.model_dump(mode="json"))
    return {"updates": updates}
