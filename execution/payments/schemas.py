"""What the invoice forms and the API read and write."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from portal.commitments import Money
from portal.schemas import blank_to_none, date_from_text
from portal.validation import PlainText

FormDate = Annotated[date, BeforeValidator(date_from_text)]
OptionalDate = Annotated[date | None, BeforeValidator(date_from_text)]


def _checkbox(value):
    """An HTML checkbox: present (« on ») or absent."""
    if isinstance(value, str):
        return value.strip().lower() in ("on", "1", "true", "oui")
    return bool(value)


class InvoiceForm(BaseModel):
    """What the buyer types; the holder's declaration uses the first four fields."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    number: Annotated[PlainText, Field(min_length=1, max_length=64)]
    received_on: FormDate
    amount_incl_vat: Annotated[Money, Field(gt=0)]
    paid_on: OptionalDate = None
    suspended_days: Annotated[int, BeforeValidator(lambda v: blank_to_none(v) or 0),
                              Field(ge=0, le=3650)] = 0
    suspension_reason: Annotated[Annotated[PlainText, Field(max_length=2000)] | None,
                                 BeforeValidator(blank_to_none)] = None
    interest_paid_eur: Annotated[Money | None, BeforeValidator(blank_to_none)] = None
    fee_paid: Annotated[bool, BeforeValidator(_checkbox)] = False
    # Which awardee invoiced (the holder or a co-holder); none: the holder.
    supplier_org_id: Annotated[int | None, BeforeValidator(blank_to_none)] = None

    @field_validator("received_on", "paid_on")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not 1990 <= value.year <= 2100:
            raise ValueError("Date hors limites.")
        return value


class InvoiceOut(BaseModel):
    id: int
    contract_id: int
    contract_reference: str
    buyer: str
    supplier: str
    number: str
    received_on: date
    amount_incl_vat: Decimal
    paid_on: date | None
    suspended_days: int
    suspension_reason: str | None
    source: str
    status: str
    delay_days: int
    legal_delay_days: int
    late_days: int
    interest_rate: Decimal | None
    interest_due_eur: Decimal | None
    missing_rate: str | None
    fee_due_eur: Decimal
    interest_paid_eur: Decimal | None
    fee_paid: bool
    version: int
