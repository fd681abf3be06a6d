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

    flag_comment: str | None = Field(default=None, max_length=MAX_COMMENT, description=(
        "Réponse au signalement de la ligne : obligatoire pour déposer quand ses heures "
        "dépassent ce qu'une personne peut travailler sur la période (voir `flags`)."))

    @field_validator("flag_comment")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
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
    pace_comment: str | None = Field(default=None, max_length=MAX_COMMENT, description=(
        "Réponse au signalement du rythme : obligatoire pour déposer quand les heures de la "
        "déclaration dépassent le facteur réglé (3 par défaut) fois les heures attendues sur la "
        "période au rythme du marché (voir `flags`)."))

    @field_validator("pace_comment")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


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
    flag_comment: str | None
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


class LineCheckOut(BaseModel):
    """The facilitator's check of one insertion line (the lines in the order of `content`)."""

    line_id: int
    beneficiary_ref: str | None
    eligibility_confirmed: bool | None = Field(description="Public éligible confirmé ; null "
                                                           "tant que la ligne n'est pas vérifiée.")
    proof_seen: bool | None = Field(description="Justificatif vu.")
    comment: str | None
    checked_at: datetime | None


# The values of supplier.models.FacilitatorOpinion, the only ones the service stores.
Opinion = Literal["compliant", "to_correct", "unverifiable"]


class FacilitatorReviewOut(BaseModel):
    """The facilitator's opinion on the current filing of an insertion declaration."""

    opinion: Opinion | None = Field(description=(
        "compliant : conforme ; to_correct : à corriger (avec commentaire) ; unverifiable : "
        "non vérifiable ; null tant qu'aucun avis n'est donné sur ce dépôt."))
    comment: str | None
    given_by: str | None = Field(description="Nom du facilitateur qui a donné l'avis.")
    given_at: datetime | None
    line_checks: list[LineCheckOut] | None = Field(description=(
        "Les vérifications ligne à ligne, pour l'acheteur et le facilitateur ; null pour "
        "le titulaire."))


class FlagOut(BaseModel):
    """A plausibility flag of an insertion declaration (supplier.plausibility)."""

    kind: Literal["line", "pace"] = Field(description=(
        "line : une ligne dépasse ce qu'une personne peut travailler sur la période ; pace : "
        "la déclaration dépasse le rythme attendu du marché."))
    line: int | None = Field(description="Numéro de la ligne (à partir de 1) ; null pour pace.")
    beneficiary_ref: str | None
    hours: Cents = Field(description="Heures de la ligne, ou de la déclaration pour pace.")
    limit: Cents = Field(description="Seuil dépassé.")
    expected_hours: Cents | None = Field(description=(
        "Heures attendues sur la période au rythme du marché (pace seulement)."))
    comment: str | None = Field(description="Réponse du titulaire ; obligatoire pour déposer.")
    message: str


class DeclarationOut(DeclarationSummaryOut):
    facilitator: FacilitatorReviewOut | None = Field(default=None, description=(
        "L'avis du facilitateur de la clause sociale (heures d'insertion déposées seulement)."))
    content: dict[str, Any] | None = Field(description=(
        "Le contenu propre au type de la déclaration ; null pour l'acheteur tant que le "
        "titulaire ne l'a pas déposée (un brouillon reste au titulaire)."))
    flags: list[FlagOut] = Field(default_factory=list, description=(
        "Signalements de vraisemblance (heures d'insertion) et réponses du titulaire ; vide "
        "quand le contenu n'est pas visible."))
