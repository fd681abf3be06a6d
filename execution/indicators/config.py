"""What the indicators are (ids, French labels, units) and the instance's settings of them, set by
the administrator: hours per full-time equivalent, the amount from which a contract enters the
"share of contracts" indicators (or none: every notified contract), the legal payment delay, the
amount from which a contract enters the TPE/PME and local-firm shares by amount, and a target per
indicator and year (../shared/reference/indicators.md). These are the defaults of every buyer
organisation, which may set its own (execution.indicators.buyer_config).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from sqlalchemy import (
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    false,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.audit import audit
from portal.clock import now
from portal.commitments import decimal_from_text
from portal.db import Base
from portal.errors import Conflict, Forbidden, Invalid
from portal.models import User

DEFAULT_FTE_HOURS = Decimal("1607")  # the legal annual working time
DEFAULT_THRESHOLD_EUR = Decimal("90000")
DEFAULT_PAYMENT_DELAY_DAYS = 30  # art. R2192-10 of the code de la commande publique
DEFAULT_HOLDER_AMOUNT_EUR = Decimal("40000")
SETTINGS_ID = 1  # one row: the instance's settings
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Definition:
    id: str
    label: str
    unit: str  # "h", "ETP", "%", "nombre", "jours", "score", "tCO2e"


DEFINITIONS: tuple[Definition, ...] = (
    Definition("insertion_hours", "Heures d'insertion réalisées", "h"),
    Definition("insertion_fte", "Équivalents temps plein d'insertion", "ETP"),
    Definition("insertion_completion_rate", "Taux de réalisation des heures d'insertion", "%"),
    Definition("insertion_women_share", "Part de féminisation des heures d'insertion", "%"),
    Definition("insertion_by_public", "Heures par public éligible", "h"),
    Definition("insertion_contracts", "Marchés comportant des heures d'insertion", "nombre"),
    Definition("insertion_people", "Personnes accompagnées", "nombre"),
    Definition("insertion_positive_exits", "Sorties positives", "%"),
    Definition("social_consideration_share",
               "Part des contrats comportant une considération sociale", "%"),
    Definition("environmental_consideration_share",
               "Part des contrats comportant une considération environnementale", "%"),
    Definition("reserved_contracts", "Marchés réservés", "nombre"),
    Definition("agec_shares", "Parts AGEC par catégorie", "%"),
    Definition("agec_completion_rate", "Taux de réalisation des objectifs AGEC", "%"),
    Definition("supplier_satisfaction",
               "Satisfaction des fournisseurs (évaluation de l'acheteur)", "score"),
    Definition("buyer_satisfaction",
               "Satisfaction des acheteurs (évaluation des titulaires)", "score"),
    Definition("on_time_declarations", "Déclarations déposées à temps", "%"),
    Definition("review_delay_days", "Délai moyen de validation", "jours"),
    Definition("progress_plans", "Plans de progrès", "%"),
    Definition("sme_holders_share", "Part des TPE/PME attributaires", "%"),
    Definition("regional_holders_share", "Part des attributaires de la région", "%"),
    Definition("csr_reports_received", "Rapports RSE reçus", "%"),
    Definition("concession_reports_received",
               "Rapports annuels des concessionnaires reçus", "%"),
    # Issue 17 (the MEL and Lille schemes: « suivi de l'impact carbone », « coût global »).
    Definition("carbon_clause_share", "Contrats comportant une clause carbone", "%"),
    Definition("global_cost_criterion_share",
               "Contrats attribués avec un critère de coût global", "%"),
    Definition("carbon_emissions", "Émissions déclarées par nature de contrat", "tCO2e"),
)
BY_ID = {d.id: d for d in DEFINITIONS}
UNIT_LABELS = {"h": "heures", "ETP": "ETP", "%": "%", "nombre": "nombre", "jours": "jours",
               "score": "score sur 100", "tCO2e": "tonnes équivalent CO2"}


class IndicatorSettings(Base):
    __tablename__ = "indicator_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    fte_hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    consideration_threshold_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # No threshold: every notified contract enters the shares (the Nord département's rule).
    all_notified: Mapped[bool] = mapped_column(default=False, server_default=false())
    payment_delay_days: Mapped[int] = mapped_column(default=DEFAULT_PAYMENT_DELAY_DAYS,
                                                    server_default="30")
    holder_amount_threshold_eur: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), default=DEFAULT_HOLDER_AMOUNT_EUR, server_default="40000")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None]

    @property
    def marker(self) -> str:
        """What the settings form read; a different one on save means someone changed it."""
        return (f"{self.fte_hours}|{self.consideration_threshold_eur}|{self.all_notified}|"
                f"{self.payment_delay_days}|{self.holder_amount_threshold_eur}|{self.updated_at}")


class IndicatorTarget(Base):
    """A target of the instance (no buyer: every buyer's default) or of one buyer organisation."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        UniqueConstraint("buyer_org_id", "indicator_id", "year"),
        # NULLs are distinct in a unique constraint: the instance's targets need their own.
        Index("uq_indicator_target_instance", "indicator_id", "year", unique=True,
              sqlite_where=text("buyer_org_id IS NULL"),
              postgresql_where=text("buyer_org_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    indicator_id: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(default=now)


def current_settings(db: Session) -> IndicatorSettings:
    """The instance's settings; the defaults of indicators.md if the row is missing."""
    row = db.get(IndicatorSettings, SETTINGS_ID)
    if row is None:
        row = IndicatorSettings(id=SETTINGS_ID, fte_hours=DEFAULT_FTE_HOURS,
                                consideration_threshold_eur=DEFAULT_THRESHOLD_EUR,
                                all_notified=False, payment_delay_days=DEFAULT_PAYMENT_DELAY_DAYS,
                                holder_amount_threshold_eur=DEFAULT_HOLDER_AMOUNT_EUR)
    return row


def targets_for(db: Session, year: int, buyer_org_id: int | None = None) -> dict[str, Decimal]:
    return targets_by_year(db, [year], buyer_org_id)[year]


def targets_by_year(db: Session, years: Sequence[int], buyer_org_id: int | None = None
                    ) -> dict[int, dict[str, Decimal]]:
    """Each year's targets by indicator id, in one statement for a trend: the buyer
    organisation's own, else the instance's (with no buyer, the instance's alone)."""
    found: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    # The instance's rows first (false sorts before true): the buyer's own overwrite them.
    own_last = IndicatorTarget.buyer_org_id.is_not(None)
    for year, indicator_id, value in db.execute(
            select(IndicatorTarget.year, IndicatorTarget.indicator_id, IndicatorTarget.value)
            .where(IndicatorTarget.year.in_(list(years)), _of(buyer_org_id))
            .order_by(own_last)):
        found[year][indicator_id] = Decimal(str(value))
    return found


def _of(buyer_org_id: int | None):
    instance = IndicatorTarget.buyer_org_id.is_(None)
    return instance if buyer_org_id is None else or_(
        instance, IndicatorTarget.buyer_org_id == buyer_org_id)


def all_targets(db: Session, buyer_org_id: int | None = None) -> list[IndicatorTarget]:
    """The instance's targets, or those of one buyer organisation (its own only)."""
    owner = (IndicatorTarget.buyer_org_id.is_(None) if buyer_org_id is None
             else IndicatorTarget.buyer_org_id == buyer_org_id)
    return list(db.scalars(select(IndicatorTarget).where(owner)
                           .order_by(IndicatorTarget.year.desc(), IndicatorTarget.indicator_id)))


Amount = Annotated[Decimal, BeforeValidator(decimal_from_text)]


FteHours = Annotated[Amount, Field(gt=0, le=8784, max_digits=7, decimal_places=2)]
Euros = Annotated[Amount, Field(ge=0, max_digits=14, decimal_places=2)]
# The legal maximum payment delays of the code de la commande publique (R2192-10 and 11): the
# only values a buyer's organisation can have.
PAYMENT_DELAY_CHOICES = {
    30: "30 jours — État, collectivités territoriales et leurs établissements publics",
    50: "50 jours — établissements publics de santé",
    60: "60 jours — entreprises publiques",
}


def _legal_delay(value: int) -> int:
    if value not in PAYMENT_DELAY_CHOICES:
        raise ValueError("Choisissez un délai légal : 30, 50 ou 60 jours.")
    return value


PaymentDelay = Annotated[int, AfterValidator(_legal_delay)]
ALL_NOTIFIED = "tous"  # the form's « aucun seuil : tous les contrats notifiés »


class SettingsIn(BaseModel):
    """Typed by an administrator in French (« 1 607 », « 90 000 »)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fte_hours: FteHours
    consideration_threshold_eur: Euros
    all_notified: bool = False
    payment_delay_days: PaymentDelay = DEFAULT_PAYMENT_DELAY_DAYS
    holder_amount_threshold_eur: Euros = DEFAULT_HOLDER_AMOUNT_EUR


class TargetIn(BaseModel):
    """A target of one indicator for one year; no value removes it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_id: str
    year: int
    value: Annotated[Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None,
                     BeforeValidator(decimal_from_text)] = None

    @field_validator("year")
    @classmethod
    def _plausible(cls, value: int) -> int:
        # The generic message of a lower bound speaks of negative values: say what is meant.
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise ValueError(f"L'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
        return value

    @field_validator("indicator_id")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in BY_ID:
            raise ValueError("Choisissez un indicateur de la liste.")
        return value


def update_settings(db: Session, data: SettingsIn, *, admin: User,
                    marker: str) -> IndicatorSettings:
    """Audited: changing a divisor or the threshold changes every published figure."""
    if not admin.is_admin:
        raise Forbidden("Seuls les administrateurs du portail peuvent modifier ces paramètres.")
    row = current_settings(db)
    if row.marker != marker:
        raise Conflict("Ces paramètres ont été modifiés entre-temps par un autre administrateur ; "
                       "rechargez la page pour voir leur valeur actuelle.")
    before = summary(row)
    for name in SettingsIn.model_fields:
        setattr(row, name, getattr(data, name))
    row.updated_by_id, row.updated_at = admin.id, now()
    db.add(row)
    db.flush()
    audit(db, admin, "indicator_settings", row.id, "update", comment=f"{before} → {summary(row)}")
    return row


def summary(row) -> str:
    """The audit's words for a set of settings (the instance's or a buyer's effective ones)."""
    threshold = ("tous les contrats notifiés" if row.all_notified
                 else f"seuil {row.consideration_threshold_eur} €")
    return (f"{row.fte_hours} h/ETP, {threshold}, délai de paiement {row.payment_delay_days} j, "
            f"seuil TPE/PME et local {row.holder_amount_threshold_eur} €")


def set_target(db: Session, data: TargetIn, *, admin: User,
               buyer_org_id: int | None = None) -> IndicatorTarget | None:
    """Sets (or with no value removes) the target of an indicator for a year: the instance's
    (administrators) or one buyer organisation's (its gestionnaires, or an administrator)."""
    if not may_edit(admin, buyer_org_id):
        raise Forbidden("Seuls les administrateurs du portail et les gestionnaires de "
                        "l'organisation acheteuse peuvent fixer ses objectifs."
                        if buyer_org_id is not None else
                        "Seuls les administrateurs du portail peuvent fixer les objectifs.")
    if (data.value is not None and BY_ID[data.indicator_id].unit in ("%", "score")
            and data.value > 100):
        raise Invalid("L'objectif n'a pas été enregistré : corrigez les champs signalés.",
                      field_errors={"value": "Un objectif en pourcentage ou en score ne peut "
                                             "pas dépasser 100."})
    owner = (IndicatorTarget.buyer_org_id.is_(None) if buyer_org_id is None
             else IndicatorTarget.buyer_org_id == buyer_org_id)
    row = db.scalar(select(IndicatorTarget).where(IndicatorTarget.indicator_id == data.indicator_id,
                                                  IndicatorTarget.year == data.year, owner))
    before = "—" if row is None else str(row.value)
    if data.value is None:
        if row is not None:
            db.delete(row)
            db.flush()
            audit(db, admin, "indicator_target", row.id, "delete",
                  comment=f"{data.indicator_id} {data.year} : {before} → —")
        return None
    if row is None:
        row = IndicatorTarget(indicator_id=data.indicator_id, year=data.year, value=data.value,
                              buyer_org_id=buyer_org_id)
        db.add(row)
    row.value, row.updated_by_id, row.updated_at = data.value, admin.id, now()
    db.flush()
    audit(db, admin, "indicator_target", row.id, "update",
          comment=f"{data.indicator_id} {data.year} : {before} → {row.value}")
    return row


def may_edit(user: User, buyer_org_id: int | None) -> bool:
    """The instance's settings are the administrators'; a buyer organisation's are also its
    gestionnaires'."""
    return user.is_admin or (buyer_org_id is not None and user.is_buyer and user.is_manager
                             and user.organisation_id == buyer_org_id)
