"""Inbound and outbound shapes of the contract register, shared by pages and the API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from portal.commitments import (
    AgecParams,
    InsertionHoursParams,
    Money,
    ProgressPlanParams,
    decimal_from_text,
)
from portal.decp_facts import DecpFactsIn
from portal.models import ContractKind, ContractNature, Frequency, OrgSize, ReservedBasis
from portal.validation import PlainText


def date_from_text(value):
    """Accepts ISO dates (date inputs) and the French jj/mm/aaaa; an empty box is no value."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        parts = value.split("/")
        if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
            day, month, year = parts
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return value


def blank_to_none(value):
    return (value.strip() or None) if isinstance(value, str) else value


FormDate = Annotated[date, BeforeValidator(date_from_text)]
RESERVED_BASIS_REQUIRED = ("Indiquez la base légale du marché réservé : L2113-12 (entreprises "
                           "adaptées et ESAT), L2113-13 (SIAE) ou L2113-15 (ESS).")
CpvCode = Annotated[str, Field(pattern=r"^\d{8}(-\d)?$")]
MAX_CONTRACT_YEARS = 20


class NewSupplierIn(BaseModel):
    """A holder not on the portal yet, registered by the buyer with its contract."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    siret: str = Field(min_length=1, max_length=20)
    # Needed only when no organisation of the portal has this SIRET yet.
    name: Annotated[Annotated[PlainText, Field(max_length=200)] | None,
                    BeforeValidator(blank_to_none)] = None
    size: Annotated[OrgSize | None, BeforeValidator(blank_to_none)] = None


class CommitmentShareIn(BaseModel):
    """An organisation of the contract (the holder or a co-holder) that files its own insertion
    declarations, named by its id or its SIRET, with its part of the target hours if any."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organisation_id: StrictInt | None = None
    siret: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    target_hours: Annotated[
        Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2)] | None,
        BeforeValidator(decimal_from_text)] = None

    @model_validator(mode="after")
    def _one_name(self) -> "CommitmentShareIn":
        if (self.organisation_id is None) == (self.siret is None):
            raise ValueError("Nommez l'entreprise par son identifiant ou par son SIRET, l'un "
                             "ou l'autre.")
        return self


class ContractIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reference: PlainText = Field(min_length=1, max_length=64)
    object: str = Field(min_length=1, max_length=2000)
    kind: ContractKind = ContractKind.market
    nature: ContractNature
    cpv_code: Annotated[CpvCode | None, BeforeValidator(blank_to_none)] = None
    amount_excl_vat: Annotated[Money | None, BeforeValidator(blank_to_none)] = None
    # An empty box is no date (the union must see None, not an empty string).
    notified_on: Annotated[date | None, BeforeValidator(date_from_text)] = None
    starts_on: FormDate
    ends_on: FormDate
    frequency: Frequency = Frequency.quarterly
    # The holder: an organisation of the portal, or a new one registered by its SIRET.
    holder_id: StrictInt | None = None
    new_holder: NewSupplierIn | None = None
    co_holder_ids: list[StrictInt] = Field(default_factory=list, max_length=20)
    # Co-holders may also be named by SIRET, or by a foreign identifier (« TVA BE0123… », as
    # the DECP import records holders outside France): they must be on the portal.
    co_holder_sirets: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list,
                                                                         max_length=20)
    social_clause: StrictBool = False
    social_criterion: StrictBool = False
    reserved: StrictBool = False
    # Required when the contract is reserved (portal.labels.RESERVED_BASES); dropped otherwise.
    reserved_basis: Annotated[ReservedBasis | None, BeforeValidator(blank_to_none),
                              Field(validate_default=True, description=(
                                  "The legal basis of a reserved contract: L2113-12 (entreprises "
                                  "adaptées, ESAT), L2113-13 (SIAE) or L2113-15 (ESS, services "
                                  "de santé, sociaux, culturels); required when reserved."))] = None
    environmental_clause: StrictBool = False
    environmental_criterion: StrictBool = False
    global_cost_criterion: StrictBool = Field(default=False, description=(
        "The award weighed the global cost (coût du cycle de vie, art. R2152-9 and R2152-10)."))
    carbon_clause: StrictBool = Field(default=False, description=(
        "The contract carries a carbon clause (reduction or follow-up of emissions)."))
    insertion: InsertionHoursParams | None = None
    insertion_shares: list[CommitmentShareIn] = Field(
        default_factory=list, max_length=21,
        description="The insertion commitment split among the holder and co-holders: each "
                    "organisation named files its own declarations (the holder always files "
                    "its own), with its share of the target hours if set; the shares' sum may "
                    "not exceed the target. Empty: the holder files alone. Sub-contractors' "
                    "shares are declared by the holder and kept.")
    agec: AgecParams | None = None
    progress_plan: ProgressPlanParams | None = None
    csr_report: StrictBool = False
    concession_report: StrictBool = False
    carbon_report: StrictBool = Field(default=False, description=(
        "The holder declares its emissions (tCO2e by scope, method, evidence file) each "
        "period of the contract."))
    # The DECP facts the open-data export needs (procedure, lieu d'exécution…); absent: the
    # contract's facts stay as they are.
    decp: DecpFactsIn | None = None

    @field_validator("reserved_basis")
    @classmethod
    def _basis_of_reserved(cls, value: ReservedBasis | None,
                           info: ValidationInfo) -> ReservedBasis | None:
        if not info.data.get("reserved"):
            return None  # a basis means nothing for a contract that is not reserved
        if value is None:
            raise ValueError(RESERVED_BASIS_REQUIRED)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ContractIn":
        if self.concession_report and self.kind != ContractKind.concession:
            raise ValueError("Le rapport annuel du concessionnaire ne concerne que les "
                             "concessions.")
        if self.ends_on < self.starts_on:
            raise ValueError("La date de fin doit suivre la date de début.")
        if (self.ends_on - self.starts_on).days > MAX_CONTRACT_YEARS * 366:
            raise ValueError(f"Un contrat ne peut pas durer plus de {MAX_CONTRACT_YEARS} ans.")
        if (self.holder_id is None) == (self.new_holder is None):
            raise ValueError("Choisissez le titulaire parmi les entreprises du portail ou "
                             "indiquez le SIRET d'une nouvelle entreprise, l'un ou l'autre.")
        if self.holder_id in self.co_holder_ids:
            raise ValueError("Le titulaire ne peut pas être aussi co-traitant.")
        if self.insertion_shares and self.insertion is None:
            raise ValueError("Une répartition des heures d'insertion suppose un engagement "
                             "d'heures d'insertion.")
        return self


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    siret: str


class FilerHoursOut(BaseModel):
    """One organisation filing its own share of a shared insertion commitment."""

    organisation_id: int | None
    name: str
    role: str | None = Field(description="holder, co_holder or subcontractor")
    target_hours: Decimal | None
    validated_hours: Decimal
    filed_hours: Decimal = Field(description="Submitted or validated.")


class InsertionOut(BaseModel):
    target_hours: Decimal
    penalty_per_missing_hour: Decimal | None
    validated_hours: Decimal
    expected_to_date_hours: Decimal
    status: str
    # Each filing organisation's hours when the commitment is shared (empty otherwise).
    filers: list[FilerHoursOut] = Field(default_factory=list)


class CommitmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    params: dict


class ContractOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    object: str
    kind: str
    nature: str
    cpv_code: str | None
    amount_excl_vat: Decimal | None
    notified_on: date | None
    starts_on: date
    ends_on: date
    frequency: str
    status: str
    version: int
    buyer: OrganisationOut
    holder: OrganisationOut | None
    co_holders: list[OrganisationOut]
    social_clause: bool
    social_criterion: bool
    reserved: bool
    reserved_basis: str | None
    environmental_clause: bool
    environmental_criterion: bool
    global_cost_criterion: bool
    carbon_clause: bool
    commitments: list[CommitmentOut]
    created_at: datetime
