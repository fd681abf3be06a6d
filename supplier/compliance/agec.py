"""AGEC shares against the decree minimums: per category and calendar year, over validated
declarations (décret 2021-254 art. 2 and décret 2024-134: a share of the year's spend excl. VAT).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import agec
from portal.agec import AgecThreshold, Regime
from portal.commitments import params_of
from portal.models import Commitment, Contract
from portal.money import cents
from portal.sql import year_of
from supplier.models import AgecLine, Declaration, Status

HUNDRED = Decimal(100)
MET, NOT_MET, MISSING = "met", "not_met", "missing"
STATUS_LABELS = {MET: "Atteint", NOT_MET: "Non atteint", MISSING: "Seuil à renseigner"}
REGIME_TITLES = {Regime.decree_2021: "décret n° 2021-254 (périodes antérieures au 1er juillet "
                                     "2024)",
                 Regime.decree_2024: "décret n° 2024-134 (à partir du 1er juillet 2024)"}


@dataclass(frozen=True)
class Share:
    """One share of the spend, in percent, beside the minimum the decree sets for it (if any)."""

    key: str
    label: str
    amount: Decimal
    percent: Decimal | None
    minimum: Decimal | None = None
    has_minimum: bool = True  # False: shown for information, no minimum applies

    @property
    def status(self) -> str | None:
        if not self.has_minimum:
            return None
        if self.minimum is None:
            return MISSING
        # The decree's minimum is on the exact proportion, not on the rounded figure shown.
        return MET if self.percent is not None and self.percent >= self.minimum else NOT_MET

    @property
    def status_label(self) -> str | None:
        return STATUS_LABELS.get(self.status) if self.status else None


@dataclass
class CategoryResult:
    code: str
    label: str
    regime: Regime
    year: int
    total: Decimal
    shares: list[Share] = field(default_factory=list)

    @property
    def ruled(self) -> list[Share]:
        return [s for s in self.shares if s.has_minimum]

    @property
    def status(self) -> str:
        """Met only when every share of its regime reaches a filled minimum; an empty minimum
        is never counted as met."""
        statuses = {s.status for s in self.ruled}
        if NOT_MET in statuses:
            return NOT_MET
        return MISSING if MISSING in statuses else MET

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def percent(part: Decimal, total: Decimal) -> Decimal | None:
    return part / total * HUNDRED if total else None


def shares(regime: Regime, *, total: Decimal, reuse: Decimal, donation: Decimal,
           recycled: Decimal, threshold: AgecThreshold | None) -> list[Share]:
    """The shares a regime rules on, each with its minimum, then donations for information.

    Donations are shown as their own share and NOT counted towards the reuse minimum: domain.md
    leaves "dons where allowed" unconfirmed (the arrêté's list and value grid decide which
    donations count), so counting them would be inventing a rule.
    """
    def minimum(name: str) -> Decimal | None:
        return getattr(threshold, name) if threshold is not None else None

    if regime == Regime.decree_2021:
        ruled = [
            Share("global", "Part globale (réemploi, réutilisation ou matières recyclées)",
                  reuse + recycled, percent(reuse + recycled, total), minimum("global_min")),
            Share("reuse", "dont réemploi ou réutilisation", reuse, percent(reuse, total),
                  minimum("reuse_min")),
        ]
    else:
        ruled = [
            Share("reuse", "Réemploi ou réutilisation", reuse, percent(reuse, total),
                  minimum("reuse_min")),
            Share("recycled", "Matières recyclées", recycled, percent(recycled, total),
                  minimum("recycled_min")),
        ]
    return [*ruled, Share("donation", "Dons (pour information)", donation,
                          percent(donation, total), has_minimum=False)]


def agec_compliance(db: Session, contract: Contract, commitment: Commitment) -> dict:
    """Per calendar year and category, the shares of the validated spend beside the minimums."""
    year = year_of(Declaration.period_start)
    rows = db.execute(
        select(AgecLine.category_code, year.label("year"),
               func.sum(AgecLine.total_excl_vat), func.sum(AgecLine.reuse_excl_vat),
               func.sum(AgecLine.donation_excl_vat), func.sum(AgecLine.recycled_excl_vat))
        .join(Declaration, AgecLine.declaration_id == Declaration.id)
        .where(Declaration.commitment_id == commitment.id,
               Declaration.status == Status.validated)
        .group_by(AgecLine.category_code, year)).all()
    catalogue = {c.code: c for c in agec.categories(db)}
    pairs = {(code, int(y)) for code, y, *_ in rows}
    in_force = agec.thresholds_in_force(db, pairs)
    results = []
    for code, y, total, reuse, donation, recycled in rows:
        category, total = catalogue[code], cents(total)
        regime = Regime(category.regime)
        results.append(CategoryResult(
            code, category.label, regime, int(y), total,
            shares(regime, total=total, reuse=cents(reuse), donation=cents(donation),
                   recycled=cents(recycled), threshold=in_force[(code, int(y))])))
    results.sort(key=lambda r: (r.year, r.regime, catalogue[r.code].position))
    groups: list[dict] = []
    for result in results:
        if not groups or (groups[-1]["year"], groups[-1]["regime"]) != (result.year,
                                                                        result.regime):
            groups.append({"year": result.year, "regime": result.regime,
                           "title": REGIME_TITLES[result.regime], "rows": []})
        groups[-1]["rows"].append(result)
    chosen = params_of(commitment).categories
    return {
        "categories": [catalogue[c] for c in chosen if c in catalogue],
        "groups": groups,
        "counts": {status: sum(1 for r in results if r.status == status)
                   for status in (MET, NOT_MET, MISSING)},
    }
