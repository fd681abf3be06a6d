"""Progress plans: the closed lists, the inbound shapes (plan proposal, periodic update) and the
content the API answers."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, BinaryIO, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from portal.commitments import decimal_from_text
from portal.schemas import blank_to_none, date_from_text
from supplier.schemas import MAX_COMMENT, Cents, DeclarationIn

# Progress axes of the DAE model clause (../shared/reference/domain.md §4).
AXES = {
    "environment": "Environnement",
    "social": "Social",
    "economic": "Économique",
    "technical": "Technique",
}
ACTION_STATUSES = {
    "not_started": "Non commencée",
    "in_progress": "En cours",
    "done": "Réalisée",
    "abandoned": "Abandonnée",
}
STANDINGS = {"done": "Réalisée", "late": "En retard", "on_time": "Dans les délais",
             "abandoned": "Abandonnée"}
MAX_ACTIONS = 200
# Far enough for any contract (20 years at most), close enough to catch « 02/03/0225 ».
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

Axis = Literal[tuple(AXES)]  # type: ignore[valid-type]
ActionStatus = Literal[tuple(ACTION_STATUSES)]  # type: ignore[valid-type]
ActionKey = Annotated[str, Field(pattern=r"^A[0-9]{1,4}$")]
Figure = Annotated[Annotated[Decimal, Field(max_digits=14, decimal_places=2)] | None,
                   BeforeValidator(decimal_from_text)]


def optional_text(max_length: int):
    """A text of at most ``max_length`` characters; an empty box is no value."""
    return Annotated[Annotated[str, Field(max_length=max_length)] | None,
                     BeforeValidator(blank_to_none)]


@dataclass(frozen=True)
class Upload:
    """A file sent with the form; stored (and type-checked) when the declaration is saved."""

    filename: str
    stream: BinaryIO


class PlanActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    key: Annotated[ActionKey | None, BeforeValidator(blank_to_none)] = None
    axis: Axis
    title: str = Field(min_length=1, max_length=200)
    owner: optional_text(120) = None
    indicator: optional_text(200) = None
    unit: optional_text(30) = None
    baseline: Figure = None
    target: Figure = None
    deadline: Annotated[date, BeforeValidator(date_from_text)]

    @field_validator("deadline")
    @classmethod
    def _plausible(cls, value: date) -> date:
        if not EARLIEST <= value <= LATEST:
            raise ValueError("Saisissez une date plausible (jj/mm/aaaa).")
        return value


class PlanUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              arbitrary_types_allowed=True)

    action_key: ActionKey
    latest_value: Figure = None
    comment: optional_text(MAX_COMMENT) = None
    # Only the web form sends files; the API keeps the evidence already filed.
    evidence: SkipJsonSchema[Upload | None] = Field(default=None, exclude=True)
    # Last, so that its check sees the other fields. A row left blank (no status, nothing else)
    # says nothing about its action and is not stored.
    status: Annotated[ActionStatus | None, BeforeValidator(blank_to_none)] = Field(
        default=None, validate_default=True)

    @field_validator("evidence", mode="before")
    @classmethod
    def _from_form_only(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, Upload):
            raise ValueError("Les justificatifs se déposent par le formulaire du portail.")
        return value

    @field_validator("status")
    @classmethod
    def _status_when_filled(cls, value: str | None, info: ValidationInfo) -> str | None:
        filled = any(info.data.get(name) is not None
                     for name in ("latest_value", "comment", "evidence"))
        if value is None and filled:
            raise ValueError("Choisissez l'état de l'action.")
        return value


class ProgressPlanIn(DeclarationIn):
    """A progress-plan declaration: either a plan proposal or a periodic update."""


def _unique(keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"L'action {key} figure deux fois.")
        seen.add(key)


class PlanProposalIn(ProgressPlanIn):
    actions: list[PlanActionIn] = Field(default_factory=list, max_length=MAX_ACTIONS)

    @model_validator(mode="after")
    def _keys_once(self) -> "PlanProposalIn":
        _unique([a.key for a in self.actions if a.key])
        return self


class PlanUpdatesIn(ProgressPlanIn):
    updates: list[PlanUpdateIn] = Field(default_factory=list, max_length=MAX_ACTIONS)

    @model_validator(mode="after")
    def _keys_once(self) -> "PlanUpdatesIn":
        _unique([u.action_key for u in self.updates])
        return self


class PlanActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    axis: str
    title: str
    owner: str | None
    indicator: str | None
    unit: str | None
    baseline: Cents | None
    target: Cents | None
    deadline: date


class PlanUpdateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action_key: str
    status: str
    latest_value: Cents | None
    comment: str | None
    evidence_document_id: int | None
    evidence_url: str | None = None
