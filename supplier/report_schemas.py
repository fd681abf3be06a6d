"""Typed content of the yearly reports: the CSR report and the concession annual report.

Every figure is optional (the holder fills what it knows) but typed: a count is a whole number,
a share lies between 0 and 100, an amount is never negative. Forms send French text (« 1 250,5 »),
the API sends numbers; both go through the same models.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from portal.commitments import decimal_from_text
from portal.formatting import money, plain_number
from portal.schemas import blank_to_none
from supplier.schemas import Cents, DeclarationIn

MAX_TEXT = 4000
MAX_ANNEXES = 10


def int_from_text(value: Any) -> Any:
    """« 1 250 » is 1250; an empty box is no value; true/false is not a number."""
    if isinstance(value, str):
        return plain_number(value) or None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("Saisissez un nombre entier.")
    return value


# Constraints sit on the inner type: pydantic cannot compare None with a bound.
Share = Annotated[Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None,
                  BeforeValidator(decimal_from_text)]
Amount = Annotated[Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None,
                   BeforeValidator(decimal_from_text)]
Rate = Annotated[Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)] | None,
                 BeforeValidator(decimal_from_text)]
Hours = Annotated[Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None,
                  BeforeValidator(decimal_from_text)]
Days = Annotated[Annotated[Decimal, Field(ge=0, le=3650, max_digits=6, decimal_places=1)] | None,
                 BeforeValidator(decimal_from_text)]
Count = Annotated[Annotated[int, Field(ge=0, le=10_000_000)] | None,
                  BeforeValidator(int_from_text)]
Score = Annotated[Annotated[int, Field(ge=0, le=100)] | None, BeforeValidator(int_from_text)]
Text = Annotated[Annotated[str, Field(max_length=MAX_TEXT)] | None, BeforeValidator(blank_to_none)]


def _tenths(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)


Tenths = Annotated[Decimal | None, AfterValidator(_tenths)]
OptCents = Cents | None


# --- CSR report -----------------------------------------------------------------------------

CSR_FIGURES = ("headcount", "women_share", "equality_index", "ghg_scope12_tco2e",
               "accident_frequency_rate", "local_suppliers_share")


class CsrFigures(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    headcount: Count = None
    women_share: Share = None
    equality_index: Score = None  # index de l'égalité professionnelle femmes-hommes
    ghg_scope12_tco2e: Amount = None
    accident_frequency_rate: Rate = None
    local_suppliers_share: Share = None


class CsrDeclarationIn(DeclarationIn, CsrFigures):
    # The revision of the shared report the form was read at (0: there was none yet). Two forms
    # edit the same report (one per contract): the second save must not overwrite the first.
    # The API may leave it out.
    report_revision: StrictInt | None = None
    # The uploaded PDF, from the web form only (starlette UploadFile; the API sends no file).
    _upload: Any = PrivateAttr(default=None)


class DocumentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class CsrFiguresOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    headcount: int | None
    women_share: OptCents
    equality_index: int | None
    ghg_scope12_tco2e: OptCents
    accident_frequency_rate: OptCents
    local_suppliers_share: OptCents


class CsrReportOut(CsrFiguresOut):
    year: int
    version: int
    document: DocumentOut | None


class CsrContentOut(BaseModel):
    year: int
    report: CsrReportOut | None


# --- Concession annual report -----------------------------------------------------------------

# The parts of the total purchases, with how the error message names them.
PURCHASE_PARTS = {
    "sme_purchases": "achats auprès de PME et TPE",
    "local_purchases": "achats auprès d'entreprises locales",
    "siae_purchases": "achats auprès de SIAE",
    "ea_esat_purchases": "achats auprès d'EA et d'ESAT",
    "ess_purchases": "achats auprès de l'ESS",
}
CONCESSION_FIGURES = ("total_purchases", *PURCHASE_PARTS, "insertion_hours_contractual",
                      "insertion_hours_realised", "agec_summary", "payment_delay_days",
                      "invoices_paid_60d_share", "subcontracts_count",
                      "subcontracts_with_clauses", "user_satisfaction", "comments")


class ConcessionFigures(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    total_purchases: Amount = None
    sme_purchases: Amount = None
    local_purchases: Amount = None
    siae_purchases: Amount = None
    ea_esat_purchases: Amount = None
    ess_purchases: Amount = None
    insertion_hours_contractual: Hours = None
    insertion_hours_realised: Hours = None
    agec_summary: Text = None
    payment_delay_days: Days = None
    invoices_paid_60d_share: Share = None
    subcontracts_count: Count = None
    subcontracts_with_clauses: Count = None
    user_satisfaction: Text = None
    comments: Text = None

    @field_validator(*PURCHASE_PARTS)
    @classmethod
    def _part_within_total(cls, value: Decimal | None, info: ValidationInfo):
        if value is None or "total_purchases" not in info.data:
            return value
        total = info.data["total_purchases"]
        if total is None:
            raise ValueError("Indiquez aussi le total des achats : chaque part s'y rapporte.")
        if value > total:
            raise ValueError(f"Ce montant ({money(value)}) dépasse le total des achats "
                             f"({money(total)}) : une part ne peut pas dépasser le total.")
        return value

    @field_validator("subcontracts_with_clauses")
    @classmethod
    def _within_subcontracts(cls, value: int | None, info: ValidationInfo):
        if value is None or "subcontracts_count" not in info.data:
            return value
        count = info.data["subcontracts_count"]
        if count is None:
            raise ValueError("Indiquez aussi le nombre de sous-traités.")
        if value > count:
            raise ValueError(f"Ce nombre ({value}) dépasse celui des sous-traités ({count}).")
        return value


class ConcessionDeclarationIn(DeclarationIn, ConcessionFigures):
    # Annexes to detach (document ids); new ones come as files from the web form.
    remove_annexes: list[StrictInt] = Field(default_factory=list, max_length=MAX_ANNEXES)
    _uploads: list[Any] = PrivateAttr(default_factory=list)


class ConcessionFiguresOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total_purchases: OptCents
    sme_purchases: OptCents
    local_purchases: OptCents
    siae_purchases: OptCents
    ea_esat_purchases: OptCents
    ess_purchases: OptCents
    insertion_hours_contractual: OptCents
    insertion_hours_realised: OptCents
    agec_summary: str | None
    payment_delay_days: Tenths
    invoices_paid_60d_share: OptCents
    subcontracts_count: int | None
    subcontracts_with_clauses: int | None
    user_satisfaction: str | None
    comments: str | None


class ConcessionSharesOut(BaseModel):
    """Each part as a percentage of the total purchases (one decimal; null without a total)."""

    sme: Tenths
    local: Tenths
    siae: Tenths
    ea_esat: Tenths
    ess: Tenths
    subcontracts_with_clauses: Tenths


class ConcessionContentOut(BaseModel):
    year: int
    report: ConcessionFiguresOut | None
    shares: ConcessionSharesOut
    annexes: list[DocumentOut]


def share_of(part: Decimal | int | None, total: Decimal | int | None) -> Decimal | None:
    """``part`` as a percentage of ``total``, one decimal; None when either is unknown or the
    total is zero (a share of nothing means nothing)."""
    if part is None or not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
