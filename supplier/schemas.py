from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
)

from portal.commitments import decimal_from_text
from portal.money import Cents
from supplier.pseudonym import identifying_reason
from supplier.vocabulary import AGE_BANDS, EXECUTION_MODES, PUBLIC_CATEGORIES, SEXES

MAX_LINES = 2000
MAX_COMMENT = 2000


def optional_id(value):
    """An id chosen in a form's list (text: digits, or empty for none); the API's JSON gives an
    integer or null, taken as is."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return int(text) if text.isascii() and text.isdigit() and len(text) < 11 else value
    return value

PublicCategory = Literal[tuple(PUBLIC_CATEGORIES)]  # type: ignore[valid-type]
Sex = Literal[tuple(SEXES)]  # type: ignore[valid-type]
AgeBand = Literal[tuple(AGE_BANDS)]  # type: ignore[valid-type]
# Generated clients name enum members after the values, and "26_49" is no identifier: name them
# (openapi-python-client would say VALUE_1).
AGE_BAND_NAMES = {"x-enum-varnames": [band if band[0].isalpha() else f"AGE_{band}"
                                      for band in AGE_BANDS]}
ExecutionMode = Literal[tuple(EXECUTION_MODES)]  # type: ignore[valid-type]


class InsertionLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    beneficiary_ref: str = Field(min_length=1, max_length=40)
    public_category: PublicCategory
    sex: Sex
    age_band: Annotated[AgeBand, Field(json_schema_extra=AGE_BAND_NAMES)]
    execution_mode: ExecutionMode
    # One person cannot work more than ~3 000 h in a declaration period (a year at most).
    hours: Annotated[Decimal, BeforeValidator(decimal_from_text),
                     Field(gt=0, le=3000, max_digits=10, decimal_places=2)]

    # Hours done through this sub-contractor of the contract (one the holder declared).
    subcontractor_org_id: Annotated[Annotated[StrictInt, Field(gt=0)] | None,
                                    BeforeValidator(optional_id)] = None

    @field_validator("beneficiary_ref")
    @classmethod
    def _pseudonym_only(cls, value: str) -> str:
        if (reason := identifying_reason(value)) is not None:
            raise ValueError(reason)
        return value


class DeclarationIn(BaseModel):
    """What every declaration carries; each kind adds its content."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: StrictInt
    supplier_comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class InsertionDeclarationIn(DeclarationIn):
    lines: list[InsertionLineIn] = Field(default_factory=list, max_length=MAX_LINES)


class InsertionLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    # None once the retention period merged the lines (supplier.retention); line_count then
    # tells how many lines the row sums up.
    beneficiary_ref: str | None
    public_category: str
    sex: str
    age_band: str
    execution_mode: str
    hours: Cents
    line_count: int
    subcontractor_org_id: int | None = None


class InsertionContentOut(BaseModel):
    lines: list[InsertionLineOut]
    total_hours: Cents


class DeclarationSummaryOut(BaseModel):
    """A declaration in a list: everything but its content."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    contract_id: int
    kind: str
    subject: str
    period_start: date
    period_end: date
    due_on: date
    status: str
    is_overdue: bool
    days_late: int = Field(description="Jours écoulés depuis l'échéance tant que la "
                                       "déclaration est en retard, 0 sinon.")
    last_reminder_at: datetime | None = Field(description=(
        "Dernier rappel envoyé au titulaire par courriel (avant l'échéance, au lendemain de "
        "l'échéance ou relance de l'acheteur)."))
    version: int
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str | None
    supplier_comment: str | None


class DeclarationOut(DeclarationSummaryOut):
    content: dict[str, Any] | None = Field(description=(
        "Le contenu propre au type de la déclaration ; null pour l'acheteur tant que le "
        "titulaire ne l'a pas déposée (un brouillon reste au titulaire)."))
