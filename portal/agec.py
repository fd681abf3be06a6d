"""AGEC art. 58 reference data: product categories of both decrees and their minimum shares.

Loaded by a migration with only the values confirmed in the project's domain reference; every
other threshold stays empty ("seuil à renseigner") until an administrator fills it.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.audit import audit
from portal.clock import now
from portal.commitments import decimal_from_text
from portal.db import Base
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.models import User


class Regime(StrEnum):
    decree_2021 = "2021"  # décret 2021-254, periods ending before 1 July 2024
    decree_2024 = "2024"  # décret 2024-134, from 1 July 2024


class AgecCategory(Base):
    __tablename__ = "agec_category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    regime: Mapped[str] = mapped_column(String(4))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]


class AgecThreshold(Base):
    """The minimum shares of a category from a year on (2021 regime: global and "of which
    reuse"; 2024 regime: reuse and recycled, with steps in 2024, 2027 and 2030)."""

    __tablename__ = "agec_threshold"
    __table_args__ = (UniqueConstraint("category_code", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("agec_category.code"))
    from_year: Mapped[int]
    global_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    reuse_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    recycled_min: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    source: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(default=now)

    category: Mapped[AgecCategory] = relationship(lazy="joined")

    @property
    def is_empty(self) -> bool:
        """No minimum of its regime is filled yet: shown as « seuil à renseigner »."""
        return all(getattr(self, name) is None for name in MINIMUMS[Regime(self.category.regime)])

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) is not None
                   for name in MINIMUMS[Regime(self.category.regime)])

    @property
    def marker(self) -> str:
        """What the settings form read; a different one on save means someone changed it."""
        return "|".join(str(v) for v in (self.global_min, self.reuse_min, self.recycled_min,
                                         self.source, self.updated_at))


def categories(db: Session, regime: Regime | None = None) -> list[AgecCategory]:
    query = select(AgecCategory).order_by(AgecCategory.regime, AgecCategory.position)
    if regime is not None:
        query = query.where(AgecCategory.regime == regime)
    return list(db.scalars(query))


# The shares each decree sets a minimum for: 2021-254 a global share (reuse, re-use or recycled)
# and "of which reuse"; 2024-134 two separate shares, reuse and recycled.
MINIMUMS: dict[Regime, tuple[str, ...]] = {
    Regime.decree_2021: ("global_min", "reuse_min"),
    Regime.decree_2024: ("reuse_min", "recycled_min"),
}
MINIMUM_LABELS = {"global_min": "part globale (réemploi, réutilisation ou matières recyclées)",
                  "reuse_min": "réemploi ou réutilisation",
                  "recycled_min": "matières recyclées"}
DECREE_2024_START = date(2024, 7, 1)  # décret 2024-134 in force; 2021-254 abrogated
DECREE_2021_LAST_YEAR = 2024
STEP_YEARS_2024 = (2024, 2027, 2030)


# The official declaration file (data.gouv.fr schema « declaration-biens-valorisation »,
# field `type_produit_acquis`) names the 17 categories of décret 2024-134 by these exact labels.
# Written once here; the categories of décret 2021-254 have none on purpose: the file was
# created for the 2024 decree, and the 2021 decree's lines (declared to the OECP) do not map
# one-to-one onto its categories, so no 2021 category is ever written to the file.
DECLARATION_LABELS: dict[str, str] = {
    "D2024_TEXTILES": "Produits textiles à l'exception des équipements de protection "
                      "individuels",
    "D2024_INFORMATIQUE_TELEPHONIE": "Matériel informatique et téléphonie",
    "D2024_REPROGRAPHIE_IMPRESSION": "Matériel de reprographie et d'impression",
    "D2024_CONSOMMABLES_IMPRESSION": "Consommables d'impression",
    "D2024_PAPIER": "Papier",
    "D2024_FOURNITURES_BUREAU": "Fournitures de bureau",
    "D2024_ENGINS_TRANSPORT": "Engins de transport et pièces détachées",
    "D2024_VEHICULES": "Véhicules et pièces détachées",
    "D2024_MOBILIER": "Mobilier et aménagement d'intérieur",
    "D2024_MOBILIER_URBAIN": "Mobilier urbain",
    "D2024_COLLECTE_DECHETS": "Equipements de collecte de déchets",
    "D2024_BOCAUX_FLACONS": "Bocaux et flacons",
    "D2024_SPORT": "Articles et équipement sportifs",
    "D2024_ESPACES_VERTS": "Matériel d'entretien des espaces verts",
    "D2024_BATIMENTS_MODULAIRES": "Bâtiments modulaires ou préfabriqués",
    "D2024_GROS_ELECTROMENAGER": "Gros électroménager, y compris appareils professionnels",
    "D2024_JEUX_JOUETS": "Jeux et jouets",
}
# The first year the declaration file covers: décret 2024-134 applies from 1 July 2024 and the
# file declares whole calendar years, so 2024 is declared with the 2024 decree's categories.
FIRST_DECLARATION_YEAR = 2024


def regime_of_year(year: int) -> Regime:
    """The decree whose categories a buyer's yearly totals use: 2024-134 from 2024 on (the
    declaration file's year), 2021-254 before."""
    return Regime.decree_2024 if year >= FIRST_DECLARATION_YEAR else Regime.decree_2021


def regime_for(period_end: date) -> Regime:
    """The decree a declaration period falls under: 2021-254 when it ends before 1 July 2024."""
    return Regime.decree_2021 if period_end < DECREE_2024_START else Regime.decree_2024


def known_codes(db: Session, codes: set[str]) -> dict[str, str]:
    """The codes among ``codes`` that are in the reference table, with their regime."""
    if not codes:
        return {}
    rows = db.execute(select(AgecCategory.code, AgecCategory.regime)
                      .where(AgecCategory.code.in_(codes)))
    return {code: regime for code, regime in rows}


def thresholds_in_force(db: Session, pairs: set[tuple[str, int]]
                        ) -> dict[tuple[str, int], AgecThreshold | None]:
    """For each (category, calendar year) the threshold row in force, or None.

    A row applies from its year until the next row of the category: for the 2024 regime the
    latest step among 2024, 2027 and 2030 not after the year (none before 2024); the 2021 row
    applies from 2021 until 2024, when décret 2024-134 replaced it.
    """
    codes = {code for code, _ in pairs}
    rows = list(db.scalars(select(AgecThreshold).where(AgecThreshold.category_code.in_(codes))
                           .order_by(AgecThreshold.from_year))) if codes else []
    result: dict[tuple[str, int], AgecThreshold | None] = {}
    for code, year in pairs:
        candidates = [t for t in rows if t.category_code == code and t.from_year <= year]
        found = candidates[-1] if candidates else None
        if (found is not None and found.category.regime == Regime.decree_2021
                and year > DECREE_2021_LAST_YEAR):
            found = None
        result[(code, year)] = found
    return result


def threshold_in_force(db: Session, category_code: str, year: int) -> AgecThreshold | None:
    return thresholds_in_force(db, {(category_code, year)})[(category_code, year)]


def thresholds(db: Session) -> list[AgecThreshold]:
    query = (select(AgecThreshold).join(AgecThreshold.category)
             .order_by(AgecCategory.regime.desc(), AgecCategory.position,
                       AgecThreshold.from_year))
    return list(db.scalars(query))


def get_threshold(db: Session, threshold_id: int) -> AgecThreshold:
    threshold = db.get(AgecThreshold, threshold_id)
    if threshold is None:
        raise NotFound("Ce seuil n'existe pas.")
    return threshold


Percent = Annotated[Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None,
                    BeforeValidator(decimal_from_text)]


class ThresholdIn(BaseModel):
    """Minimum shares typed by an administrator, in percent (« 12,5 »); empty means unknown."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    global_min: Percent = None
    reuse_min: Percent = None
    recycled_min: Percent = None
    source: str | None = Field(default=None, max_length=1000)


def update_threshold(db: Session, threshold_id: int, data: ThresholdIn, *, admin: User,
                     marker: str) -> AgecThreshold:
    """Sets the minimums of one category and step year; only administrators may, and it is
    audited because it changes whether every contract meets its commitment."""
    if not admin.is_admin:
        raise Forbidden("Seuls les administrateurs du portail peuvent modifier les seuils AGEC.")
    threshold = get_threshold(db, threshold_id)
    if threshold.marker != marker:
        raise Conflict("Ce seuil a été modifié entre-temps par un autre administrateur ; "
                       "rechargez la page pour voir sa valeur actuelle.")
    regime = Regime(threshold.category.regime)
    wanted = {name: getattr(data, name) if name in MINIMUMS[regime] else None
              for name in ("global_min", "reuse_min", "recycled_min")}
    errors: dict[str, str] = {}
    if (regime == Regime.decree_2021 and None not in (wanted["global_min"], wanted["reuse_min"])
            and wanted["reuse_min"] > wanted["global_min"]):
        errors["reuse_min"] = ("La part « dont réemploi » est comprise dans la part globale : "
                               "elle ne peut pas la dépasser.")
    source = (data.source or "").strip() or None
    if any(value is not None for value in wanted.values()) and source is None:
        errors["source"] = ("Indiquez la source de ce seuil (par exemple l'annexe du décret sur "
                            "Légifrance).")
    if errors:
        raise Invalid("Le seuil n'a pas été enregistré : corrigez les champs signalés.",
                      field_errors=errors)
    before = _describe(threshold)
    for name, value in wanted.items():
        setattr(threshold, name, value)
    threshold.source = source
    threshold.updated_by_id, threshold.updated_at = admin.id, now()
    db.flush()
    audit(db, admin, "agec_threshold", threshold.id, "update",
          comment=f"{threshold.category_code} {threshold.from_year} : {before} → "
                  f"{_describe(threshold)}")
    return threshold


def _describe(threshold: AgecThreshold) -> str:
    regime = Regime(threshold.category.regime)
    return ", ".join(f"{name.removesuffix('_min')} "
                     f"{'—' if getattr(threshold, name) is None else getattr(threshold, name)}"
                     for name in MINIMUMS[regime])
