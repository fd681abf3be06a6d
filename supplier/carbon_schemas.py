"""Typed content of the carbon declaration: the holder's greenhouse-gas emissions for one period
of the contract, in tonnes of CO2 equivalent by scope, and the method that measured them.

Forms send French text (« 1 250,5 »), the API sends numbers; both go through the same models.
A scope left empty is not known (it is not zero); at least one must be given
(supplier.kinds.carbon checks it, naming the first scope's input).
"""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
)

from portal.commitments import decimal_from_text
from portal.schemas import blank_to_none
from supplier.report_schemas import DocumentOut
from supplier.schemas import DeclarationIn

# The methods a French company measures its emissions with (its « bilan GES »): the ADEME's
# Bilan Carbone® and its emission factors base, the GHG Protocol and the ISO 14064 standard.
CARBON_METHODS = {
    "bilan_carbone": "Bilan Carbone®",
    "base_empreinte": "Base Empreinte® / Base Carbone® de l'ADEME",
    "ghg_protocol": "GHG Protocol",
    "iso_14064": "ISO 14064",
    "other": "Autre méthode (à préciser)",
}
OTHER_METHOD = "other"
SCOPES = ("scope1_tco2e", "scope2_tco2e", "scope3_tco2e")
SCOPE_LABELS = {
    "scope1_tco2e": "Scope 1 : émissions directes",
    "scope2_tco2e": "Scope 2 : émissions indirectes liées à l'énergie",
    "scope3_tco2e": "Scope 3 : autres émissions indirectes",
}
NO_SCOPE = ("Indiquez les émissions d'au moins un scope (1, 2 ou 3), en tonnes équivalent CO2 ; "
            "laissez vide un scope que vous n'avez pas mesuré.")
MAX_NOTE = 4000

# Spelled out for the type checker; the same codes as CARBON_METHODS, in its order.
CarbonMethod = Literal["bilan_carbone", "base_empreinte", "ghg_protocol", "iso_14064", "other"]
# Constraints sit on the inner type: pydantic cannot compare None with a bound.
Tonnes = Annotated[
    Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=3)] | None,
    BeforeValidator(decimal_from_text)]
Note = Annotated[Annotated[str, Field(max_length=MAX_NOTE)] | None, BeforeValidator(blank_to_none)]


class CarbonFigures(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    scope1_tco2e: Tonnes = None
    scope2_tco2e: Tonnes = None
    scope3_tco2e: Tonnes = None
    method: Annotated[CarbonMethod, BeforeValidator(blank_to_none)] = Field(description=(
        "bilan_carbone, base_empreinte, ghg_protocol, iso_14064 or other (then name it in "
        "method_other)."))
    method_other: Annotated[Annotated[str, Field(max_length=200)] | None,
                            BeforeValidator(blank_to_none)] = Field(default=None,
                                                                    validate_default=True)
    note: Note = None

    @field_validator("method_other")
    @classmethod
    def _named_when_other(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("method") != OTHER_METHOD:
            return None  # a name means nothing beside a method of the list
        if value is None:
            raise ValueError("Précisez la méthode utilisée.")
        return value

    def has_emissions(self) -> bool:
        return any(getattr(self, name) is not None for name in SCOPES)


class CarbonDeclarationIn(DeclarationIn, CarbonFigures):
    # The uploaded evidence, from the web form only (starlette UploadFile; the API sends no
    # file): it replaces the one filed before.
    _upload: Any = PrivateAttr(default=None)


class CarbonFiguresOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scope1_tco2e: Decimal | None
    scope2_tco2e: Decimal | None
    scope3_tco2e: Decimal | None
    method: str
    method_label: str
    method_other: str | None
    note: str | None


class CarbonContentOut(BaseModel):
    period_start: str
    period_end: str
    report: CarbonFiguresOut | None
    total_tco2e: Decimal | None = Field(description="The sum of the scopes given.")
    evidence: DocumentOut | None
