"""Typed parameters of each commitment kind, stored as JSON on the commitment."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from portal.formatting import plain_number
from portal.models import Commitment, CommitmentKind, Frequency
from portal.money import cents


def decimal_from_text(value):
    """Accepts French input: « 1 250,5 » is 1250.5 (what `number_input` writes), « 1250.5 » too;
    an empty box is no value."""
    if isinstance(value, str):
        return plain_number(value) or None
    if isinstance(value, bool):
        raise ValueError("Saisissez un nombre (par exemple 12,5).")
    return value


Money = Annotated[Decimal, BeforeValidator(decimal_from_text),
                  Field(ge=0, max_digits=14, decimal_places=2)]


class InsertionHoursParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_hours: Annotated[Decimal, BeforeValidator(decimal_from_text),
                            Field(gt=0, max_digits=10, decimal_places=2)]
    penalty_per_missing_hour: Money | None = None

    @field_validator("target_hours", "penalty_per_missing_hour")
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        # Stored in JSON as text: one spelling per amount ("1000.00"), whatever was typed.
        return cents(value) if value is not None else None


class AgecParams(BaseModel):
    """The AGEC product categories the contract supplies (codes of the reference table)."""

    model_config = ConfigDict(extra="forbid")

    categories: list[Annotated[str, Field(pattern=r"^[A-Z0-9_]{2,40}$")]] = Field(
        min_length=1, max_length=40)


class ProgressPlanParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_frequency: Frequency = Frequency.quarterly
    # Days after the start of the contract for the holder to propose the plan.
    plan_due_days: Annotated[int, Field(ge=1, le=730)] = 90


class CsrReportParams(BaseModel):
    """A yearly CSR report; one filing per supplier and year serves every contract."""

    model_config = ConfigDict(extra="forbid")


class ConcessionReportParams(BaseModel):
    """The concession holder's annual report (R3131-2: before 1 June for the previous year)."""

    model_config = ConfigDict(extra="forbid")


class CarbonReportParams(BaseModel):
    """The holder declares its greenhouse-gas emissions (tCO2e, scopes 1 to 3) each period of
    the contract, with the method used and an evidence file."""

    model_config = ConfigDict(extra="forbid")


PARAMS_BY_KIND: dict[CommitmentKind, type[BaseModel]] = {
    CommitmentKind.insertion_hours: InsertionHoursParams,
    CommitmentKind.agec_share: AgecParams,
    CommitmentKind.progress_plan: ProgressPlanParams,
    CommitmentKind.csr_report: CsrReportParams,
    CommitmentKind.concession_report: ConcessionReportParams,
    CommitmentKind.carbon_report: CarbonReportParams,
}


def params_of(commitment: Commitment):
    return PARAMS_BY_KIND[CommitmentKind(commitment.kind)].model_validate(commitment.params)
