"""A buyer organisation's own indicator settings, set by its gestionnaires (or an administrator)
and audited: each value it leaves empty is the instance's (execution.indicators.config).

One portal serves buyers whose schemes differ (the métropole counts contracts from 90 000 € HT,
the Nord département every notified contract): `effective_settings` says which value a buyer's
indicators use and where it comes from, and `settings_sql` gives the same rule to the statements
that compute every buyer at once (each contract is joined to its buyer's settings).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, ForeignKey, Numeric, func, literal, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from execution.indicators.config import (
    ALL_NOTIFIED,
    SETTINGS_ID,
    Euros,
    FteHours,
    IndicatorSettings,
    PaymentDelay,
    current_settings,
    may_edit,
    summary,
)
from portal.audit import audit
from portal.clock import now
from portal.db import Base
from portal.errors import Conflict, Forbidden, Invalid
from portal.formatting import money, number
from portal.models import Organisation, OrgKind, User

OWN = "propre à l'organisation"
DEFAULT = "valeur par défaut de l'instance"
INSTANCE = "instance"  # the form's « valeur par défaut de l'instance » for the threshold


class BuyerIndicatorSettings(Base):
    """NULL in a column: the instance's value. ``all_notified`` set (true or false) means the
    buyer chose its threshold rule (false: ``consideration_threshold_eur``)."""

    __tablename__ = "buyer_indicator_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    fte_hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    all_notified: Mapped[bool | None]
    consideration_threshold_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    payment_delay_days: Mapped[int | None]
    holder_amount_threshold_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Effective:
    """The settings a buyer's indicators use (or, with no buyer, the instance's)."""

    buyer_org_id: int | None
    fte_hours: Decimal
    all_notified: bool
    consideration_threshold_eur: Decimal
    payment_delay_days: int
    holder_amount_threshold_eur: Decimal
    own: frozenset[str]  # the values the buyer set itself ("threshold" for the rule)
    marker: str  # what the form read; another on save means someone changed them
    # The instance's (no buyer): whether some buyer set its own values, so that figures over
    # every buyer must take each contract's buyer's.
    buyers_differ: bool = False

    @property
    def threshold(self) -> Decimal | None:
        """The amount from which a notified contract counts; None: every one counts."""
        return None if self.all_notified else self.consideration_threshold_eur

    def source(self, name: str) -> str:
        return OWN if name in self.own else DEFAULT


def _own_row(db: Session, buyer_org_id: int) -> BuyerIndicatorSettings | None:
    return db.scalar(select(BuyerIndicatorSettings)
                     .where(BuyerIndicatorSettings.buyer_org_id == buyer_org_id))


def _any_own():
    """Whether any buyer set one of the values the indicators use."""
    b = BuyerIndicatorSettings
    return select(b.id).where(or_(b.fte_hours.is_not(None), b.all_notified.is_not(None),
                                  b.holder_amount_threshold_eur.is_not(None))).exists()


def effective_settings(db: Session, buyer_org_id: int | None) -> Effective:
    """Each value the buyer set, else the instance's, with where it comes from; read in one
    statement (the indicators' statement count does not grow with the settings)."""
    found = db.execute(
        select(IndicatorSettings, BuyerIndicatorSettings,
               _any_own() if buyer_org_id is None else literal(False))
        .outerjoin(BuyerIndicatorSettings, BuyerIndicatorSettings.buyer_org_id == buyer_org_id)
        .where(IndicatorSettings.id == SETTINGS_ID)).first()
    if found is None:  # no instance row: the defaults of indicators.md
        instance = current_settings(db)
        row = _own_row(db, buyer_org_id) if buyer_org_id is not None else None
        differ = buyer_org_id is None and db.scalar(select(_any_own())) or False
    else:
        instance, row, differ = found
    values = {name: getattr(instance, name) for name in (
        "fte_hours", "all_notified", "consideration_threshold_eur", "payment_delay_days",
        "holder_amount_threshold_eur")}
    own = set()
    if row is not None:
        for name in ("fte_hours", "payment_delay_days", "holder_amount_threshold_eur"):
            if getattr(row, name) is not None:
                values[name] = getattr(row, name)
                own.add(name)
        if row.all_notified is not None:
            values["all_notified"] = row.all_notified
            if not row.all_notified:
                values["consideration_threshold_eur"] = row.consideration_threshold_eur
            own.add("threshold")
    marker = (f"{instance.marker}|{row.id}|{row.updated_at}" if row is not None
              else f"{instance.marker}|-")
    return Effective(
        buyer_org_id, Decimal(str(values["fte_hours"])), bool(values["all_notified"]),
        Decimal(str(values["consideration_threshold_eur"])), int(values["payment_delay_days"]),
        Decimal(str(values["holder_amount_threshold_eur"])), frozenset(own), marker,
        bool(differ))


# --- The same rule in SQL, for every buyer at once ---------------------------------------------

@dataclass(frozen=True)
class SettingsSql:
    """Each contract's buyer's value, the instance's where the buyer set none; use after
    ``join`` (an outer join of the buyer's settings on the contract's buyer)."""

    fte_hours: ColumnElement
    all_notified: ColumnElement
    threshold: ColumnElement
    holder_amount_threshold: ColumnElement

    def counted(self, amount) -> ColumnElement[bool]:
        """A notified contract enters the consideration shares: no threshold, or above it."""
        return or_(self.all_notified == true(), amount >= self.threshold)

    @staticmethod
    def join(query, buyer_org_id):
        return query.outerjoin(BuyerIndicatorSettings,
                               BuyerIndicatorSettings.buyer_org_id == buyer_org_id)


def settings_sql(instance: Effective) -> SettingsSql:
    b = BuyerIndicatorSettings
    return SettingsSql(
        func.coalesce(b.fte_hours, literal(instance.fte_hours, Numeric(7, 2))),
        func.coalesce(b.all_notified, literal(instance.all_notified)),
        func.coalesce(b.consideration_threshold_eur,
                      literal(instance.consideration_threshold_eur, Numeric(14, 2))),
        func.coalesce(b.holder_amount_threshold_eur,
                      literal(instance.holder_amount_threshold_eur, Numeric(14, 2))))


@dataclass(frozen=True)
class UsedSettings:
    """One line of the « paramètres utilisés » table of the all-buyers view."""

    buyer: str
    fte_hours: Decimal
    threshold: Decimal | None  # None: every notified contract
    holder_amount_threshold_eur: Decimal
    own: bool


def settings_used(db: Session) -> list[UsedSettings]:
    """Every buyer organisation's effective values, in one statement, when some differ from
    the instance's; an empty list when all buyers use the instance's."""
    instance = effective_settings(db, None)
    if not instance.buyers_differ:
        return []
    sql = settings_sql(instance)
    query = SettingsSql.join(select(
        Organisation.name, sql.fte_hours, sql.all_notified, sql.threshold,
        sql.holder_amount_threshold, BuyerIndicatorSettings.id.is_not(None)), Organisation.id)
    return [UsedSettings(name, Decimal(str(fte)), None if every else Decimal(str(threshold)),
                         Decimal(str(holders)), bool(own))
            for name, fte, every, threshold, holders, own in db.execute(
                query.where(Organisation.kind == OrgKind.buyer).order_by(Organisation.name))]


@dataclass(frozen=True)
class Settings:
    """The settings the figures of a scope use: one buyer's, or for all buyers the instance's
    where no buyer set its own (``per_buyer``: some did, each contract takes its buyer's)."""

    effective: Effective
    per_buyer: bool

    @classmethod
    def of(cls, db: Session, buyer_org_id: int | None) -> "Settings":
        effective = effective_settings(db, buyer_org_id)
        return cls(effective, effective.buyers_differ)

    @classmethod
    def of_scope(cls, db: Session, buyer_org_id: int | None,
                 buyer_org_ids: tuple[int, ...] | None) -> "Settings":
        """A central's consolidation (``buyer_org_ids``) counts each contract by its own
        buyer's settings, as the all-buyers view does: members keep their rules."""
        return cls.of(db, None if buyer_org_ids is not None else buyer_org_id)

    @property
    def sql(self) -> SettingsSql:
        return settings_sql(self.effective)

    @property
    def threshold(self) -> Decimal | None:
        return self.effective.threshold

    def amount_rule(self) -> str:
        if self.per_buyer:
            return ("d'un montant supérieur ou égal au seuil de leur acheteur (paramètres propres "
                    "à chaque acheteur, voir « paramètres utilisés »)")
        amount = self.effective.holder_amount_threshold_eur
        return (f"d'un montant supérieur ou égal à {euros(amount)} "
                f"({self.effective.source('holder_amount_threshold_eur')})")


def euros(amount: Decimal) -> str:
    """« 90 000 € HT », or with cents when there are some."""
    return (f"{number(amount)}\u00a0€ HT" if amount == amount.to_integral_value()
            else money(amount))


# --- What a buyer's gestionnaire types ---------------------------------------------------------

class BuyerSettingsIn(BaseModel):
    """An empty value (None) is the instance's; the threshold is a choice of three."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fte_hours: FteHours | None = None
    threshold_mode: Literal["instance", "montant", "tous"] = "instance"
    consideration_threshold_eur: Euros | None = None
    payment_delay_days: PaymentDelay | None = None
    holder_amount_threshold_eur: Euros | None = None


AMOUNT_MISSING = ("Saisissez le montant du seuil, ou choisissez « valeur par défaut de "
                  "l'instance » ou « aucun seuil ».")


def update_buyer_settings(db: Session, buyer: Organisation, data: BuyerSettingsIn, *,
                          actor: User, marker: str) -> Effective:
    """Audited with the effective values before and after: they change the buyer's figures."""
    if not may_edit(actor, buyer.id):
        raise Forbidden("Seuls les gestionnaires de l'organisation et les administrateurs "
                        "modifient ces paramètres.")
    if data.threshold_mode == "montant" and data.consideration_threshold_eur is None:
        raise Invalid("Les paramètres n'ont pas été enregistrés : corrigez les champs signalés.",
                      field_errors={"consideration_threshold_eur": AMOUNT_MISSING})
    before = effective_settings(db, buyer.id)
    if before.marker != marker:
        raise Conflict("Ces paramètres ont été modifiés entre-temps ; rechargez la page pour "
                       "voir leur valeur actuelle.")
    row = _own_row(db, buyer.id) or BuyerIndicatorSettings(buyer_org_id=buyer.id)
    row.fte_hours = data.fte_hours
    row.payment_delay_days = data.payment_delay_days
    row.holder_amount_threshold_eur = data.holder_amount_threshold_eur
    row.all_notified = {INSTANCE: None, "montant": False, ALL_NOTIFIED: True}[data.threshold_mode]
    row.consideration_threshold_eur = (data.consideration_threshold_eur
                                       if data.threshold_mode == "montant" else None)
    row.updated_by_id, row.updated_at = actor.id, now()
    db.add(row)
    db.flush()
    after = effective_settings(db, buyer.id)
    audit(db, actor, "buyer_indicator_settings", buyer.id, "update",
          comment=f"{summary(before)} → {summary(after)}")
    return after
