"""Progress plans: the holder proposes a plan (subject ``plan``), the buyer accepts it by
validating it or asks for changes by returning it; then each review period the holder updates
every action (subject ``period``, supplier.kinds.plan_update). Revisions: supplier.plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal.clock import today
from portal.commitments import params_of
from portal.errors import Invalid
from portal.models import Commitment, CommitmentKind, Contract, User
from portal.periods import Period, periods
from supplier.kinds import plan_update
from supplier.kinds.base import KindHandler, register
from supplier.models import Declaration, PlanAction, Status, Subject
from supplier.plan import (
    accepted_plan,
    accepted_versions,
    action_standings,
    next_key_number,
    open_plan,
)
from supplier.plan_schemas import (
    ACTION_STATUSES,
    AXES,
    STANDINGS,
    PlanActionIn,
    PlanActionOut,
    PlanProposalIn,
    PlanUpdatesIn,
    ProgressPlanIn,
)

ACTION_FIELDS = ("key", "axis", "title", "owner", "indicator", "unit", "baseline", "target",
                 "deadline")


@register
class ProgressPlan(KindHandler):
    kind = CommitmentKind.progress_plan
    label = "Plan de progrès"
    schema = ProgressPlanIn

    def periods(self, contract: Contract, commitment: Commitment, *,
                due_days: int) -> list[tuple[Subject, Period]]:
        params = params_of(commitment)
        start = contract.starts_on
        wanted = []
        if self._initial_plan_wanted(commitment, start):
            plan_due = start + timedelta(days=params.plan_due_days)
            wanted.append((Subject.plan, Period(start, start, plan_due)))
        wanted += [(Subject.period, p) for p in periods(start, contract.end_date,
                                                        params.review_frequency,
                                                        due_days=due_days)]
        return wanted

    @staticmethod
    def _initial_plan_wanted(commitment: Commitment, start) -> bool:
        """A proposal at the contract start, unless a plan was already filed at another date
        (the start moved afterwards): that one stays the first version, no second one."""
        db = object_session(commitment)
        if db is None or commitment.id is None:
            return True
        filed = set(db.scalars(select(Declaration.period_start).where(
            Declaration.commitment_id == commitment.id, Declaration.subject == Subject.plan,
            Declaration.status != Status.expected)))
        return not filed or start in filed

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        common = {"version": declaration.version,
                  "supplier_comment": declaration.supplier_comment}
        if declaration.subject != Subject.plan:
            return {**common, "updates": plan_update.payload_from_declaration(db, declaration)}
        actions = []
        for action in declaration.plan_actions:
            row = PlanActionIn.model_validate(action).model_dump()
            row.update(deadline=action.deadline.strftime("%d/%m/%Y"))
            actions.append({k: "" if v is None else v for k, v in row.items()})
        return {**common, "actions": actions}

    def validate(self, payload: dict[str, Any]) -> ProgressPlanIn:
        schema = PlanUpdatesIn if "updates" in payload else PlanProposalIn
        return schema.model_validate(payload)

    def form_context(self, db, declaration, payload, *, extra_rows):
        context = {"payload": payload, "axes": AXES, "action_statuses": ACTION_STATUSES}
        if declaration.subject != Subject.plan:
            return {**context, **plan_update.form_context(db, declaration, payload)}
        actions = payload.get("actions", [])
        # The generic page asks for 3 blank rows unless it finds « lines »: a plan with actions
        # needs one; a plan without any always gets a few.
        blank = 1 if extra_rows == 3 and actions else max(extra_rows, 0 if actions else 3)
        return {**context, "rows": actions + [{} for _ in range(blank)]}

    def view_context(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        context = {"axes": AXES, "action_statuses": ACTION_STATUSES}
        if declaration.subject != Subject.plan:
            return {**context, **plan_update.view_context(db, declaration)}
        version = next((v for v in accepted_versions(db, declaration.commitment_id)
                        if v.declaration_id == declaration.id), None)
        return {**context, "plan_version": version}

    # Storing: actions are updated in place by key, so a key stays with its action.

    def apply(self, db: Session, declaration: Declaration, data: ProgressPlanIn, *,
              user: User) -> None:
        if declaration.subject != Subject.plan:
            if not isinstance(data, PlanUpdatesIn):
                raise Invalid("Cette déclaration est une mise à jour du plan : envoyez l'état "
                              "des actions (« updates »).")
            plan_update.apply(db, declaration, data, user=user)
            return
        if not isinstance(data, PlanProposalIn):
            raise Invalid("Cette déclaration est une proposition de plan : envoyez ses actions "
                          "(« actions »).")
        contract = declaration.contract
        outside = {f"actions.{i}.deadline":
                   f"L'échéance doit tomber pendant le contrat, du {contract.starts_on:%d/%m/%Y} "
                   f"au {contract.ends_on:%d/%m/%Y}."
                   for i, row in enumerate(data.actions)
                   if not contract.starts_on <= row.deadline <= contract.ends_on}
        if outside:
            raise Invalid("Le plan n'a pas été enregistré : corrigez les champs signalés.",
                          field_errors=outside)
        typed = [int(a.key[1:]) for a in data.actions if a.key]
        number = max(next_key_number(db, declaration.commitment_id), max(typed, default=0) + 1)
        existing = {a.key: a for a in declaration.plan_actions}
        kept = []
        for position, row in enumerate(data.actions):
            key = row.key
            if key is None:
                key, number = f"A{number}", number + 1
            action = existing.pop(key, None) or PlanAction(key=key)
            for name, value in row.model_dump(exclude={"key"}).items():
                setattr(action, name, value)
            action.position = position
            kept.append(action)
        declaration.plan_actions = kept

    def on_submit(self, db: Session, declaration: Declaration, *, user: User) -> None:
        if declaration.subject != Subject.plan:
            plan_update.check_complete(db, declaration)
        elif not declaration.plan_actions:
            raise Invalid("Un plan de progrès compte au moins une action : ajoutez-en avant de "
                          "le déposer.")

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        if declaration.subject != Subject.plan:
            return plan_update.content_out(declaration)
        return {"actions": [PlanActionOut.model_validate(a).model_dump(mode="json")
                            for a in declaration.plan_actions]}

    def compliance(self, db: Session, contract: Contract,
                   commitment: Commitment) -> dict[str, Any]:
        plan = accepted_plan(db, commitment.id)
        pending = open_plan(db, commitment.id)
        actions, counts = (action_standings(db, commitment.id, plan.id) if plan is not None
                           else ([], {}))
        return {"label": self.label, "plan": plan, "pending": pending,
                "versions": accepted_versions(db, commitment.id),
                "actions": actions, "counts": counts, "axes": AXES,
                "action_statuses": ACTION_STATUSES, "standings": STANDINGS,
                "can_revise": (plan is not None and pending is None
                               and contract.end_date >= today())}
