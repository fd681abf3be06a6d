"""A publication as open data (JSON, CSV) and as the public page reads it. Only what the snapshot
holds goes out: aggregate figures, their labels and how they are computed; never who published.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from execution.indicators.export_data import Column, Dataset
from execution.indicators.exports import to_csv
from execution.indicators.format import quantity, value_text
from execution.publication.models import Publication, PublishedIndicator
from portal.formatting import PARIS
from portal.reporting_period import parse_period


def plain(value: Decimal | None) -> str | None:
    """A figure as computed, without the trailing zeros of its column: 31.4, 340723."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exact(value: Decimal | None) -> Decimal | None:
    text = plain(value)
    return Decimal(text) if text is not None else None


def base_url(publication: Publication) -> str:
    return f"/publication/{publication.buyer.siret}/{publication.period}"


def filename(publication: Publication, extension: str) -> str:
    return (f"indicateurs-{publication.buyer.siret}-{publication.period}"
            f"-v{publication.version}.{extension}")


def as_json(publication: Publication) -> bytes:
    document = {
        "organisation": {"name": publication.buyer_name, "siret": publication.buyer.siret},
        "period": publication.period,
        "period_label": parse_period(publication.period).label,
        "version": publication.version,
        "published_at": publication.published_at.astimezone(PARIS).isoformat(),
        # The annual report goes with a year only (execution.publication.service.publish).
        "report_url": (f"{base_url(publication)}/rapport.pdf?version={publication.version}"
                       if parse_period(publication.period).is_year else None),
        "indicators": [{
            "id": i.indicator_id, "label": i.label, "value": plain(i.value),
            "numerator": plain(i.numerator), "denominator": plain(i.denominator),
            "unit": i.unit, "sentence": i.sentence} for i in publication.indicators],
    }
    # Figures are strings: a decimal travels exactly, as in the portal's API.
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def as_csv(publication: Publication) -> bytes:
    """The portal's CSV (semicolons, decimal commas, formula guard on every text cell)."""
    rows = [[i.indicator_id, i.label, _exact(i.value), _exact(i.numerator),
             _exact(i.denominator), i.unit, i.sentence] for i in publication.indicators]
    return to_csv(Dataset("publication", "Indicateurs publiés", [
        Column("Identifiant"), Column("Indicateur"), Column("Valeur", "decimal"),
        Column("Numérateur", "decimal"), Column("Dénominateur", "decimal"), Column("Unité"),
        Column("Mode de calcul")], rows))


@dataclass(frozen=True)
class Line:
    """One indicator as the public page shows it, in French."""

    id: str
    label: str
    value: str
    numerator: str
    denominator: str
    unit: str
    sentence: str


def lines(publication: Publication) -> list[Line]:
    return [_line(i) for i in publication.indicators]


def _line(i: PublishedIndicator) -> Line:
    return Line(i.indicator_id, i.label, value_text(i.value, i.unit), quantity(i.numerator),
                quantity(i.denominator), i.unit, i.sentence)
