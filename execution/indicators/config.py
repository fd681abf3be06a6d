"""What the indicators are (ids, French labels, units) and what the administrator sets for them:
hours per full-time equivalent, the amount from which a contract enters the "share of contracts"
indicators, and a target per indicator and year (../shared/reference/indicators.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.audit import audit
from portal.clock import now
from portal.commitments import decimal_from_text
from portal.db import Base
from portal.errors import Conflict, Forbidden, Invalid
from portal.models import User

DEFAULT_FTE_HOURS = Decimal("1607")  # the legal annual working time
DEFAULT_THRESHOLD_EUR = Decimal("90000")
SETTINGS_ID = 1  # one row: the instance's settings
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Definition:
    id: str
    label: str
    unit: str  # "h", "ETP", "%", "nombre", "jours", "score"


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
)
BY_ID = {d.id: d for d in DEFINITIONS}
UNIT_LABELS = {"h": "heures", "ETP": "ETP", "%": "%", "nombre": "nombre", "jours": "jours",
               "score": "score sur 100"}


class IndicatorSettings(Base):
    __tablename__ = "indicator_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    fte_hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    consideration_threshold_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None]

    @property
    def marker(self) -> str:
        """What the settings form read; a different one on save means someone changed it."""
        return f"{self.fte_hours}|{self.consideration_threshold_eur}|{self.updated_at}"


class IndicatorTarget(Base):
    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
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
                                consideration_threshold_eur=DEFAULT_THRESHOLD_EUR)
    return row


def targets_for(db: Session, year: int) -> dict[str, Decimal]:
    return targets_by_year(db, [year])[year]


def targets_by_year(db: Session, years: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    """Each year's targets by indicator id, in one statement for a trend."""
    found: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    for year, indicator_id, value in db.execute(
            select(IndicatorTarget.year, IndicatorTarget.indicator_id, IndicatorTarget.value)
            .where(IndicatorTarget.year.in_(list(years)))):
        found[year][indicator_id] = Decimal(str(value))
    return found


def all_targets(db: Session) -> list[IndicatorTarget]:
    return list(db.scalars(select(IndicatorTarget)
                           .order_by(IndicatorTarget.year.desc(), IndicatorTarget.indicator_id)))


Amount = Annotated[Decimal, BeforeValidator(decimal_from_text)]


class SettingsIn(BaseModel):
    """Typed by an administrator in French (« 1 607 », « 90 000 »)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fte_hours: Annotated[Amount, Field(gt=0, le=8784, max_digits=7, decimal_places=2)]
    consideration_threshold_eur: Annotated[Amount, Field(ge=0, max_digits=14,
                                                         decimal_places=2)]


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
    before = f"{row.fte_hours} h/ETP, seuil {row.consideration_threshold_eur} €"
    row.fte_hours = data.fte_hours
    row.consideration_threshold_eur = data.consideration_threshold_eur
    row.updated_by_id, row.updated_at = admin.id, now()
    db.add(row)
    db.flush()
    audit(db, admin, "indicator_settings", row.id, "update",
          comment=f"{before} → {row.fte_hours} h/ETP, seuil {row.consideration_threshold_eur} €")
    return row


def set_target(db: Session, data: TargetIn, *, admin: User) -> IndicatorTarget | None:
    """Sets (or with no value removes) the target of an indicator for a year."""
    if not admin.is_admin:
        raise Forbidden("Seuls les administrateurs du portail peuvent fixer les objectifs.")
    if (data.value is not None and BY_ID[data.indicator_id].unit in ("%", "score")
            and data.value > 100):
        raise Invalid("L'objectif n'a pas été enregistré : corrigez les champs signalés.",
                      field_errors={"value": "Un objectif en pourcentage ou en score ne peut "
                                             "pas dépasser 100."})
    row = db.scalar(select(IndicatorTarget).where(IndicatorTarget.indicator_id == data.indicator_id,
                                                  IndicatorTarget.year == data.year))
    before = "—" if row is None else str(row.value)
    if data.value is None:
        if row is not None:
            db.delete(row)
            db.flush()
            audit(db, admin, "indicator_target", row.id, "delete",
                  comment=f"{data.indicator_id} {data.year} : {before} → —")
        return None
    if row is None:
        row = IndicatorTarget(indicator_id=data.indicator_id, year=data.year, value=data.value)
        db.add(row)
    row.value, row.updated_by_id, row.updated_at = data.value, admin.id, now()
    db.flush()
    audit(db, admin, "indicator_target", row.id, "update",
          comment=f"{data.indicator_id} {data.year} : {before} → {row.value}")
    return row
