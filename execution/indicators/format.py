"""French formats of indicator values, numerators and denominators, and the extra figures worth
reading beside a value, as the dashboard pages show them."""

from decimal import Decimal

from sqlalchemy.orm import Session

from execution.indicators.indicator import reporting_period
from execution.indicators.schemas import indicators_out
from execution.indicators.scope import buyer_by_siret
from execution.indicators.service import Indicator, compute_indicators, display
from portal.formatting import number, plural, share
from portal.reporting_period import ReportingPeriod

DASH = "—"


def value_text(value: Decimal | int | None, unit: str) -> str:
    """An indicator's value as read on the page: « 340 723 h », « 31,4 % », « 212,0 ETP »."""
    if unit == "NPS":
        return signed(value)
    return display(Decimal(value) if value is not None else None, unit)


def signed(value: Decimal | int | None) -> str:
    """An NPS, between −100 and +100, always with its sign."""
    if value is None:
        return DASH
    text = number(value, 1)
    return text.replace("-", "\u2212") if Decimal(value) < 0 else f"+{text}"


def quantity(value: Decimal | int | None) -> str:
    """A numerator or a denominator: decimals only when it has some."""
    if value is None:
        return DASH
    exact = Decimal(value) == Decimal(value).to_integral_value()
    return number(value, 0 if exact else 2)


def terms(indicator: Indicator) -> tuple[str, str]:
    """The numerator and the denominator as a reader understands them. A satisfaction score is
    an average: its numerator, a sum of points (500 for 7 answers), means nothing to anyone, so
    the average and the number of answers are shown instead. Exports keep the raw sums."""
    if indicator.unit == "score":
        average = (f"{value_text(indicator.value, 'score')} en moyenne"
                   if indicator.value is not None else DASH)
        return average, plural(indicator.denominator or 0, "réponse")
    return quantity(indicator.numerator), quantity(indicator.denominator)


_DETAILS = {
    "amount_share": ("Part en valeur", lambda v: share(v)),
    "amount": ("Montant HT", lambda v: value_text(v, "€")),
    "median": ("Médiane", lambda v: value_text(v, "jours")),
    "mean": ("Note moyenne", lambda v: f"{number(v, 1)}\u00a0/\u00a05"),
    "response_rate": ("Taux de réponse", lambda v: share(v)),
    "nps": ("NPS", signed),
    "active_plans": ("Plans en vigueur", lambda v: number(v)),
    "under_review": ("En cours d'examen", lambda v: number(v)),
    "recycled_share": ("Part de matières recyclées", lambda v: share(v)),
    "buyer_total": ("Dépense totale selon la comptabilité de l'acheteur (déclaration AGEC)",
                    lambda v: value_text(v, "€")),
    "not_met": ("Catégories sous le minimum", lambda v: number(v)),
    "threshold_missing": ("Catégories au minimum à renseigner", lambda v: number(v)),
    "unknown_size": ("Taille inconnue", lambda v: number(v)),
    "unknown_region": ("Région inconnue", lambda v: number(v)),
}


# Counters worth a mention only when something is there.
_WHEN_NOT_ZERO = {"buyer_total", "under_review", "not_met", "threshold_missing", "unknown_size",
                  "unknown_region"}


def detail_items(indicator: Indicator) -> list[tuple[str, str]]:
    """The extra figures of an indicator worth reading beside its value, in French."""
    items = []
    for key, (label, fmt) in _DETAILS.items():
        if key not in indicator.details:
            continue
        value = indicator.details[key]
        if isinstance(value, bool | str | dict | list) or (key in _WHEN_NOT_ZERO and not value):
            continue
        items.append((label, fmt(value) if value is not None else DASH))
    return items


# --- `portal indicators` -----------------------------------------------------------------------

def command_output(db: Session, *, year: int | None = None,
                   period: ReportingPeriod | None = None, buyer_siret: str | None,
                   as_json: bool) -> str:
    """What `portal indicators` prints for a period (or a year): a French table with how each
    figure is computed, or the API's JSON. An unknown SIRET raises NotFound (one French line,
    exit 1)."""
    period = reporting_period(year, period)
    buyer = buyer_by_siret(db, buyer_siret) if buyer_siret else None
    indicators = compute_indicators(db, period=period, buyer_org_id=buyer.id if buyer else None)
    if as_json:
        return indicators_out(period, buyer, indicators).model_dump_json(indent=2)
    scope = f"{buyer.name} (SIRET {buyer.siret})" if buyer else "tous les acheteurs"
    header = ("Indicateur", "Valeur", "Numérateur", "Dénominateur", "Objectif", "Données")
    rows = [(f"{n}. {i.label}", display(i.value, i.unit), *terms(i), display(i.target, i.unit),
             str(i.records))
            for n, i in enumerate(indicators, start=1)]
    widths = [max(len(row[c]) for row in (header, *rows)) for c in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                         for c, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    legend = [f"{n}. {i.sentence}" for n, i in enumerate(indicators, start=1)]
    return "\n".join([f"Indicateurs SPASER {period.label} — {scope}", "", line(header),
                      "  ".join("-" * w for w in widths), *(line(row) for row in rows), "",
                      "Mode de calcul :", *legend])
