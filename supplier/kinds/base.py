"""What each declaration kind brings to the one filing workflow.

The life cycle, permissions, audit and locking are the same for every kind (supplier.service,
execution.review.service); a kind only says which periods it has, how its content is typed,
stored, shown and answered by the API. How its form is read and which templates show it is
the web side's business (supplier.kind_forms).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from portal.commitments import params_of
from portal.models import Commitment, CommitmentKind, Contract, User
from portal.periods import Period, periods
from supplier.models import Declaration, Subject
from supplier.schemas import DeclarationIn


class KindHandler:
    kind: ClassVar[CommitmentKind]
    label: ClassVar[str]
    schema: ClassVar[type[DeclarationIn]]

    def periods(self, contract: Contract, commitment: Commitment, *,
                due_days: int) -> list[tuple[Subject, Period]]:
        """The declarations this commitment expects; by default one per contract period."""
        return [(Subject.period, p) for p in
                periods(contract.starts_on, contract.end_date, contract.frequency,
                        due_days=due_days)]

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        """What the form shows for a declaration as saved."""
        raise NotImplementedError

    def form_context(self, db: Session, declaration: Declaration, payload: dict[str, Any], *,
                     extra_rows: int) -> dict[str, Any]:
        return {"payload": payload}

    def view_context(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        return {}

    def validate(self, payload: dict[str, Any]) -> DeclarationIn:
        return self.schema.model_validate(payload)

    def apply(self, db: Session, declaration: Declaration, data: DeclarationIn, *,
              user: User) -> None:
        """Replaces the content of the declaration by ``data`` (already validated)."""
        raise NotImplementedError

    def check_submittable(self, db: Session, declaration: Declaration) -> None:
        """Before the declaration is submitted: raises what still stops it (a flag of
        supplier.plausibility left unanswered)."""

    def flags_out(self, db: Session, declaration: Declaration) -> list[dict[str, Any]]:
        """The plausibility flags the API shows (supplier.schemas.FlagOut)."""
        return []

    def on_submit(self, db: Session, declaration: Declaration, *, user: User) -> None:
        """After the declaration is submitted (e.g. a shared report serving other contracts)."""

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        raise NotImplementedError

    def compliance(self, db: Session, contract: Contract,
                   commitment: Commitment) -> dict[str, Any]:
        """The figures of templates/compliance/<kind>.html for this contract."""
        return {}

    def params(self, declaration: Declaration) -> BaseModel:
        return params_of(declaration.commitment)


HANDLERS: dict[str, KindHandler] = {}


def register(handler_class: type[KindHandler]) -> type[KindHandler]:
    HANDLERS[handler_class.kind] = handler_class()
    return handler_class


def handler_for(declaration_or_kind: Declaration | str) -> KindHandler:
    kind = (declaration_or_kind.commitment.kind if isinstance(declaration_or_kind, Declaration)
            else declaration_or_kind)
    return HANDLERS[kind]

