"""The annual SPASER report of a buyer organisation (or of all of them): its indicators against
their targets with how each is computed, the dashboard's charts and tables
(execution.indicators.charts), the commentary the buyer writes, and a summary of the contracts of
the year (execution.reports.annual_contracts; the full list is the report's CSV/XLSX annex)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from execution.indicators import charts as panels_of
from execution.indicators import queries as q
from execution.indicators.charts import Panel
from execution.indicators.config import FIRST_YEAR, LAST_YEAR
from execution.indicators.format import quantity
from execution.indicators.scope import trend_years
from execution.indicators.service import Indicator, compute_indicators
from execution.indicators.trends import compute_trends
from execution.reports import annual_contracts as report_contracts
from execution.reports.models import ReportCommentary
from portal import pdf
from portal.clock import now, today
from portal.errors import Conflict, Invalid, NotFound
from portal.identity import find_organisation_by_siret
from portal.models import Organisation, OrgKind, User
from portal.reporting_period import ReportingPeriod

MAX_COMMENTARY = 10_000
STALE = ("Ce commentaire a été modifié entre-temps par un autre agent ; votre texte est "
         "conservé ci-dessous : relisez la version enregistrée avant d'enregistrer à nouveau.")

# The commentary the buyer writes, one text per part of the report.
SECTIONS = {
    "overview": ("Vue d'ensemble", "Faits marquants et lecture d'ensemble des résultats."),
    "social": ("Volet social", "Clauses d'insertion, marchés réservés, considérations sociales."),
    "environmental": ("Volet environnemental",
                      "Considérations environnementales, parts de réemploi et de recyclé."),
    "suppliers": ("Relations avec les fournisseurs",
                  "Satisfaction, délais, plans de progrès, accès des TPE et PME."),
    "outlook": ("Perspectives", "Objectifs et actions prévus pour l'année suivante."),
}

# Which part of the report shows each indicator (ids of indicators.md) and each panel of the
# dashboard (Panel.id); anything else goes to the overview.
THEMES = {
    "social": ("insertion_hours", "insertion_fte", "insertion_completion_rate",
               "insertion_women_share", "insertion_by_public", "insertion_contracts",
               "insertion_people", "insertion_positive_exits",
               "social_consideration_share", "reserved_contracts",
               "heures", "tendance-heures", "publics", "sexe-age"),
    "environmental": ("environmental_consideration_share", "agec_shares",
                      "agec_completion_rate", "agec"),
    "suppliers": ("supplier_satisfaction", "buyer_satisfaction", "on_time_declarations",
                  "review_delay_days", "progress_plans", "sme_holders_share",
                  "regional_holders_share", "csr_reports_received",
                  "concession_reports_received", "satisfaction", "tendance-satisfaction"),
}
THEME_TITLES = {"overview": "Vue d'ensemble", "social": "Volet social",
                "environmental": "Volet environnemental",
                "suppliers": "Relations avec les fournisseurs"}
_THEME_OF = {key: theme for theme, keys in THEMES.items() for key in keys}

@dataclass
class ThemePart:
    key: str
    title: str
    indicators: list[Indicator] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    commentary: str = ""


def figure(value: Decimal | int | float | None) -> str:
    """A plain count or amount: no decimals when whole, up to two otherwise."""
    return quantity(Decimal(str(value)) if value is not None else None)


# --- Scope --------------------------------------------------------------------------------------

def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(f"l'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
    return year


def buyer_by_siret(db: Session, siret: str) -> Organisation:
    organisation = find_organisation_by_siret(db, siret.replace(" ", ""))
    if organisation is None or organisation.kind != OrgKind.buyer:
        raise NotFound(f"aucune organisation acheteuse n'a le SIRET « {siret} ».")
    return organisation


# --- Commentary ---------------------------------------------------------------------------------

def commentaries(db: Session, *, buyer_org_id: int, year: int) -> dict[str, ReportCommentary]:
    rows = db.scalars(select(ReportCommentary).where(ReportCommentary.buyer_org_id == buyer_org_id,
                                                     ReportCommentary.year == year))
    return {row.section: row for row in rows}


def save_commentary(db: Session, *, buyer_org_id: int, year: int, texts: dict[str, str],
                    versions: dict[str, int | None], user: User) -> None:
    """Saves every section; a section changed by someone else since the form was read refuses
    the whole save (nothing half-written), with the typed texts kept by the caller."""
    if not user.is_buyer or user.organisation_id != buyer_org_id:
        raise NotFound("Seuls les agents de l'organisation acheteuse rédigent son rapport.")
    errors = {f"text_{key}": f"« {SECTIONS[key][0]} » : {MAX_COMMENTARY} caractères au plus "
              f"({len(text)} saisis)." for key, text in texts.items()
              if key in SECTIONS and len(text) > MAX_COMMENTARY}
    if errors:
        raise Invalid("Le commentaire n'a pas été enregistré : un texte est trop long.",
                      field_errors=errors)
    existing = commentaries(db, buyer_org_id=buyer_org_id, year=check_year(year))
    for key in SECTIONS:
        row, version = existing.get(key), versions.get(key)
        if (row.version if row else None) != version:
            raise Conflict(STALE)
    for key in SECTIONS:
        text = texts.get(key, "").replace("\r\n", "\n").strip()
        row = existing.get(key)
        if row is None:
            if text:
                db.add(ReportCommentary(buyer_org_id=buyer_org_id, year=year, section=key,
                                        text=text, updated_by_id=user.id))
        elif row.text != text:
            row.text, row.updated_by_id, row.updated_at = text, user.id, now()
    try:
        db.flush()
    except IntegrityError:
        # Another agent created the same section at the same moment.
        raise Conflict(STALE) from None


# --- The report ---------------------------------------------------------------------------------

def themed(indicators: Sequence[Indicator], panels: Sequence[Panel],
           texts: dict[str, str]) -> list[ThemePart]:
    """The parts of the report, each with its indicators, its panels and its commentary."""
    parts = {key: ThemePart(key, title, commentary=texts.get(key, ""))
             for key, title in THEME_TITLES.items()}
    for indicator in indicators:
        parts[_THEME_OF.get(indicator.id, "overview")].indicators.append(indicator)
    for panel in panels:
        parts[_THEME_OF.get(panel.id, "overview")].panels.append(panel)
    return [p for p in parts.values() if p.indicators or p.panels or p.commentary]


def report_panels(db: Session, indicators: Sequence[Indicator], *, year: int,
                  buyer_org_id: int | None) -> list[Panel]:
    """The dashboard's panels: the year's, the trends over the last years, the breakdowns."""
    by_year = compute_trends(db, years=trend_years(year)[:-1], buyer_org_id=buyer_org_id)
    by_year[year] = panels_of.by_id(indicators)
    return [*panels_of.year_panels(indicators), *panels_of.trend_panels(by_year),
            *panels_of.breakdown_panels(indicators)]


def annual_report_context(db: Session, *, year: int, organisation: Organisation | None,
                          panels: Sequence[Panel] | None = None) -> dict:
    """``panels`` (charts with their tables) default to the dashboard's for the same scope."""
    check_year(year)
    buyer_org_id = organisation.id if organisation is not None else None
    indicators = compute_indicators(db, year=year, buyer_org_id=buyer_org_id)
    if panels is None:
        panels = report_panels(db, indicators, year=year, buyer_org_id=buyer_org_id)
    texts = ({key: row.text for key, row in
              commentaries(db, buyer_org_id=buyer_org_id, year=year).items()}
             if buyer_org_id is not None else {})
    contracts = report_contracts.summary(
        db, q.Scope(ReportingPeriod.of_year(year), buyer_org_id, today()))
    return {
        "year": year, "organisation": organisation, "indicators": indicators,
        "parts": themed(indicators, panels, texts),
        "outlook": texts.get("outlook", ""),
        "sections": SECTIONS, "contracts": contracts, "top": report_contracts.TOP,
        "generated_on": today(), "figure": figure,
    }


def annual_report_pdf(db: Session, *, year: int, organisation: Organisation | None,
                      panels: Sequence[Panel] | None = None) -> bytes:
    return pdf.render_pdf("annual.html", annual_report_context(
        db, year=year, organisation=organisation, panels=panels))


def annual_report_filename(year: int, organisation: Organisation | None) -> str:
    scope = organisation.siret if organisation is not None else "toutes-organisations"
    return f"rapport-spaser-{year}-{scope}.pdf"
