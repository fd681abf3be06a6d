"""Demo data of the settings per buyer organisation: the two SPASERs of the demo do not count the
same way. The métropole keeps the instance's rule (contracts from 90 000 € HT) and aims at 30 %
of contracts with a social consideration in 2025; the département counts every notified contract
and aims at 35 %. Loading it twice changes nothing."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.indicators import config
from execution.indicators.buyer_config import (
    BuyerIndicatorSettings,
    BuyerSettingsIn,
    effective_settings,
    update_buyer_settings,
)
from portal.models import Organisation, User

ADMIN = "admin@loire-estuaire.example.fr"
YEAR = 2025
SOCIAL_TARGETS = {"metropole": Decimal("30"), "departement": Decimal("35")}


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    admin = users[ADMIN]
    departement = organisations["departement"]
    has_own = select(BuyerIndicatorSettings.id).where(
        BuyerIndicatorSettings.buyer_org_id == departement.id)
    if db.scalar(has_own) is None:
        update_buyer_settings(db, departement, BuyerSettingsIn(threshold_mode="tous"),
                              actor=admin, marker=effective_settings(db, departement.id).marker)
    for key, value in SOCIAL_TARGETS.items():
        buyer = organisations[key]
        own = select(config.IndicatorTarget.id).where(
            config.IndicatorTarget.buyer_org_id == buyer.id,
            config.IndicatorTarget.indicator_id == "social_consideration_share",
            config.IndicatorTarget.year == YEAR)
        if db.scalar(own) is None:
            config.set_target(db, config.TargetIn(indicator_id="social_consideration_share",
                                                  year=YEAR, value=value),
                              admin=admin, buyer_org_id=buyer.id)
