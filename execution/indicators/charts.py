"""The indicators as charts, each with the table of its values: what the dashboard shows (the
annual PDF report can print the same panels): one function per section of the page.

A panel is a chart (SVG string) and a table of the same figures, already formatted in French;
templates render the table with ``th scope`` so screen readers get every value the chart shows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from execution.indicators.format import DASH, signed, terms, value_text
from execution.indicators.service import BreakdownRow, Indicator
from execution.indicators.svg import (
    Bar,
    Group,
    Segment,
    Series,
    Stack,
    bar_chart,
    column_chart,
    grouped_bar_chart,
    stacked_bar_chart,
)
from portal.formatting import hours, money, number, share

# The shares shown together against their targets on the year's chart.
SHARE_IDS = ("insertion_completion_rate", "insertion_women_share", "insertion_positive_exits",
             "social_consideration_share",
             "environmental_consideration_share", "carbon_clause_share",
             "global_cost_criterion_share", "agec_completion_rate", "on_time_declarations",
             "progress_plans", "sme_holders_share", "regional_holders_share",
             "csr_reports_received", "concession_reports_received")
SATISFACTION_IDS = ("supplier_satisfaction", "buyer_satisfaction")
SATISFACTION_SHORT = {"supplier_satisfaction": "Fournisseurs (évaluation de l'acheteur)",
                      "buyer_satisfaction": "Acheteurs (évaluation des titulaires)"}


@dataclass
class Table:
    caption: str
    headers: list[str]           # the first column holds the row headers (th scope="row")
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)  # right-aligned columns

    def is_numeric(self, index: int) -> bool:
        return index < len(self.numeric) and self.numeric[index]


@dataclass
class Panel:
    id: str                      # the DOM id of its section
    title: str
    chart: Markup
    table: Table
    indicator_id: str | None = None  # where the drill-down link goes
    note: str | None = None
    empty: str | None = None     # when set, nothing to draw: this sentence instead


def _empty(panel_id: str, title: str, indicator_id: str | None, message: str) -> Panel:
    return Panel(panel_id, title, Markup(""), Table(title, [], []), indicator_id, empty=message)


def target_text(indicator: Indicator) -> str | None:
    if indicator.target is None:
        return None
    return f"objectif {value_text(indicator.target, indicator.unit)}"


def by_id(indicators: Iterable[Indicator]) -> dict[str, Indicator]:
    return {i.id: i for i in indicators}


def breakdown(indicators: dict[str, Indicator], name: str) -> tuple[Indicator | None,
                                                                    list[BreakdownRow]]:
    """The breakdown ``name`` of whichever indicator carries it."""
    for indicator in indicators.values():
        if name in indicator.breakdowns:
            return indicator, indicator.breakdowns[name]
    return None, []


# --- The year's indicators ----------------------------------------------------------------------

def year_panels(indicators: Sequence[Indicator], of: str = "de l'année") -> list[Panel]:
    """The period's figures against their targets; ``of`` says which period (« du 1er
    semestre 2025 » for a semester, whose total hours have no yearly target beside them)."""
    found = by_id(indicators)
    panels = []
    shares = [found[i] for i in SHARE_IDS if i in found]
    if shares:
        chart = bar_chart(
            title=f"Parts et taux {of}, rapportés à leur objectif",
            desc="Une barre par indicateur, de 0 à 100 %, avec sa valeur écrite à sa suite et, "
                 "quand un objectif est fixé, un trait noir à l'objectif. « — » : pas de "
                 "dénominateur.",
            bars=[Bar(i.label, i.value, value_text(i.value, "%"), i.target, target_text(i))
                  for i in shares],
            scale_max=100, tick_format=lambda v: share(v))
        panels.append(Panel("parts", f"Parts et taux {of}", chart, _indicator_table(
            f"Parts et taux {of}", shares)))
    volume = [found[i] for i in ("insertion_hours",) if i in found]
    if volume:
        main = volume[0]
        chart = bar_chart(
            title=f"Heures d'insertion réalisées et objectif {of}",
            desc=f"Heures des déclarations validées {of}, avec l'objectif s'il est fixé.",
            bars=[Bar(main.label, main.value, value_text(main.value, "h"), main.target,
                      target_text(main))],
            tick_format=lambda v: number(v))
        rows = [found[i] for i in ("insertion_hours", "insertion_fte", "insertion_contracts",
                                   "insertion_people")
                if i in found]
        panels.append(Panel("heures", "Heures d'insertion", chart,
                            _indicator_table(f"Heures d'insertion {of}", rows),
                            indicator_id="insertion_hours"))
    return panels


def _indicator_table(caption: str, indicators: Sequence[Indicator]) -> Table:
    return Table(caption, ["Indicateur", "Valeur", "Objectif", "Numérateur", "Dénominateur"],
                 [[i.label, value_text(i.value, i.unit), value_text(i.target, i.unit)
                   if i.target is not None else DASH, *terms(i)] for i in indicators],
                 [False, True, True, True, True])


# --- Trends over the last years -----------------------------------------------------------------

def trend_panels(by_year: dict[int, dict[str, Indicator]]) -> list[Panel]:
    """``by_year``: every indicator of each year shown (oldest first)."""
    years = sorted(by_year)
    if not years:
        return []
    labels = [str(y) for y in years]
    last = by_year[years[-1]]
    panels = []

    def column(year: int, indicator_id: str) -> Indicator | None:
        return by_year[year].get(indicator_id)

    if "insertion_hours" in last:
        values = [_value(column(y, "insertion_hours")) for y in years]
        current = last["insertion_hours"]
        chart = column_chart(
            title="Heures d'insertion réalisées par année",
            desc=f"Une colonne par année de {years[0]} à {years[-1]}, son total écrit au-dessus"
                 + (" ; la ligne pointillée marque l'objectif de " + str(years[-1])
                    if current.target is not None else "") + ".",
            categories=labels,
            series=[Series("Heures d'insertion", values, [hours(v) for v in values])],
            target=current.target,
            target_text=f"Objectif {years[-1]} : {hours(current.target)}"
            if current.target is not None else None)
        panels.append(Panel("tendance-heures", "Heures d'insertion réalisées", chart, Table(
            "Heures d'insertion réalisées par année", ["Année", "Heures", "Objectif"],
            [[str(y), hours(values[n]), _target_cell(column(y, "insertion_hours"))]
             for n, y in enumerate(years)], [False, True, True]), "insertion_hours"))
    panels.extend(p for p in (
        _trend_pair(by_year, years, "tendance-considerations",
                    "Considérations sociales et environnementales",
                    ("social_consideration_share", "Considération sociale"),
                    ("environmental_consideration_share", "Considération environnementale"),
                    unit="%"),
        _trend_pair(by_year, years, "tendance-satisfaction", "Satisfaction (score sur 100)",
                    ("supplier_satisfaction", "Fournisseurs"),
                    ("buyer_satisfaction", "Acheteurs"), unit="score"),
    ) if p is not None)
    return panels


def _trend_pair(by_year, years, panel_id, title, first, second, *, unit) -> Panel | None:
    ids = [first[0], second[0]]
    if not any(i in by_year[years[-1]] for i in ids):
        return None
    series = []
    for indicator_id, name in (first, second):
        values = [_value(by_year[y].get(indicator_id)) for y in years]
        series.append(Series(name, values, [_short(v, unit) for v in values]))
    if all(v is None for s in series for v in s.values):
        return _empty(panel_id, title, ids[0], f"Aucune valeur de {years[0]} à {years[-1]} : "
                      "rien n'a encore été compté sur la période.")
    chart = column_chart(
        title=f"{title} par année",
        desc=f"Pour chaque année de {years[0]} à {years[-1]}, deux colonnes côte à côte "
             f"(motifs différents) : {first[1].lower()} puis {second[1].lower()}, valeur écrite "
             "au-dessus ; « — » : pas de dénominateur.",
        categories=[str(y) for y in years], series=series, scale_max=100)
    rows = [[str(y), _short(series[0].values[n], unit), _short(series[1].values[n], unit)]
            for n, y in enumerate(years)]
    return Panel(panel_id, title, chart, Table(f"{title} par année",
                                               ["Année", first[1], second[1]], rows,
                                               [False, True, True]), ids[0])


def _value(indicator: Indicator | None) -> Decimal | None:
    return indicator.value if indicator is not None else None


def _short(value: Decimal | None, unit: str) -> str:
    return share(value) if unit == "%" else (number(value, 1) if value is not None else DASH)


def _target_cell(indicator: Indicator | None) -> str:
    if indicator is None or indicator.target is None:
        return DASH
    return value_text(indicator.target, indicator.unit)


# --- Breakdowns ---------------------------------------------------------------------------------

def breakdown_panels(indicators: Sequence[Indicator]) -> list[Panel]:
    found = by_id(indicators)
    panels = [p for p in (_insertion_by_public(found), _insertion_by_person(found),
                          _reserved(found), _agec(found), _satisfaction(found))
              if p is not None]
    return panels


def _part(row: BreakdownRow, total: Decimal) -> str:
    if "share" in row.extra:
        return share(_extra(row, "share"))
    value = row.value or Decimal(0)
    return share(value * 100 / total) if total else DASH


def _insertion_by_public(found: dict[str, Indicator]) -> Panel | None:
    indicator, rows = breakdown(found, "public")
    if indicator is None:
        return None
    if not rows:
        return _empty("publics", "Heures d'insertion par public éligible", indicator.id,
                      "Aucune heure d'insertion validée pour cette période.")
    total = sum((r.value or Decimal(0) for r in rows), Decimal(0))
    chart = bar_chart(
        title="Heures d'insertion par public éligible",
        desc="Une barre par public, ses heures et sa part du total écrites à sa suite.",
        bars=[Bar(r.label, r.value, f"{hours(r.value)} ({_part(r, total)})") for r in rows],
        tick_format=lambda v: number(v))
    return Panel("publics", "Heures d'insertion par public éligible", chart, Table(
        "Heures d'insertion par public éligible", ["Public", "Heures", "Part du total"],
        [[r.label, hours(r.value), _part(r, total)] for r in rows], [False, True, True]),
        indicator.id)


def _insertion_by_person(found: dict[str, Indicator]) -> Panel | None:
    stacks, tables_rows, owner = [], [], None
    for name, title in (("sex", "Par sexe"), ("age_band", "Par tranche d'âge")):
        indicator, rows = breakdown(found, name)
        if indicator is None:
            continue
        owner = owner or indicator.id
        total = sum((r.value or Decimal(0) for r in rows), Decimal(0))
        stacks.append(Stack(title, [Segment(r.label, r.value or 0,
                                            f"{hours(r.value)} ({_part(r, total)})")
                                    for r in rows]))
        tables_rows += [[f"{title} — {r.label}", hours(r.value), _part(r, total)] for r in rows]
    if not stacks:
        return None
    if not any(segment.value for stack in stacks for segment in stack.segments):
        return _empty("sexe-age", "Heures d'insertion par sexe et par tranche d'âge", owner,
                      "Aucune heure d'insertion validée pour cette période.")
    chart = stacked_bar_chart(
        title="Heures d'insertion par sexe et par tranche d'âge",
        desc="Deux barres de 100 % découpées en segments à motifs ; sous chaque barre, chaque "
             "segment est nommé avec ses heures et sa part.", stacks=stacks)
    return Panel("sexe-age", "Heures d'insertion par sexe et par tranche d'âge", chart, Table(
        "Heures d'insertion par sexe et par tranche d'âge", ["Catégorie", "Heures", "Part"],
        tables_rows, [False, True, True]), owner)


def _reserved(found: dict[str, Indicator]) -> Panel | None:
    indicator, rows = breakdown(found, "basis")
    title = "Marchés réservés par base légale"
    if indicator is None:
        return None
    if not any(r.value for r in rows):
        return _empty("reserves", title, indicator.id,
                      "Aucun marché réservé notifié sur cette période.")
    chart = bar_chart(
        title=title, desc="Une barre par base légale de la réservation, son nombre de marchés "
        "et leur montant écrits à sa suite.", tick_format=lambda v: number(v),
        bars=[Bar(r.label, r.value, f"{number(r.value)} ({money(_extra(r, 'amount'))})")
              for r in rows])
    table = Table(title, ["Base légale", "Marchés", "Montant HT", "Part"],
                  [[r.label, number(r.value), money(_extra(r, "amount")), _part(r, Decimal(0))]
                   for r in rows], [False, True, True, True])
    return Panel("reserves", title, chart, table, indicator.id)


def _extra(row: BreakdownRow, name: str) -> Decimal | None:
    value = row.extra.get(name)
    return Decimal(str(value)) if value is not None else None


# The shares a category is held to: décret 2024-134 sets reuse and recycled minimums, décret
# 2021-254 a global share and, within it, a reuse share.
AGEC_SERIES = (("reuse", "Réemploi ou réutilisation"), ("recycled", "Matières recyclées"),
               ("global", "Part globale (décret 2021)"))


# Which of the two AGEC sources a figure is (the declaration file uses the buyer's accounts).
AGEC_NOTE = ("Parts calculées sur les montants déclarés par les titulaires sur les contrats "
             "(déclarations validées) ; la dernière colonne reprend la dépense selon la "
             "comptabilité de l'acheteur, saisie pour la déclaration AGEC annuelle.")


def _agec(found: dict[str, Indicator]) -> Panel | None:
    indicator, rows = breakdown(found, "category")
    if indicator is None:
        return None
    if not rows:
        return _empty("agec", "Parts AGEC par catégorie", indicator.id,
                      "Aucune dépense AGEC validée pour cette période.")
    # Only the shares some category is held to get a column.
    used = [(key, name) for key, name in AGEC_SERIES
            if any(f"{key}_share" in r.extra for r in rows)]
    groups, table_rows = [], []
    for r in rows:
        bars: list[Bar | None] = []
        cells = []
        for key, name in AGEC_SERIES:
            if f"{key}_share" not in r.extra:
                bars.append(None)
                if (key, name) in used:
                    cells += [DASH, DASH]
                continue
            value, minimum = _extra(r, f"{key}_share"), _extra(r, f"{key}_min")
            bars.append(Bar(r.label, value, share(value), minimum,
                            f"minimum {share(minimum)}" if minimum is not None
                            else "minimum à renseigner"))
            cells += [share(value), share(minimum) if minimum is not None else "à renseigner"]
        groups.append(Group(r.label, bars))
        total, accounts = _extra(r, "total"), _extra(r, "buyer_total")
        table_rows.append([r.label, value_text(total, "€") if total is not None else DASH,
                           *cells, str(r.extra.get("status_label", DASH)),
                           value_text(accounts, "€") if accounts is not None else DASH])
    chart = grouped_bar_chart(
        title="Parts AGEC par catégorie de produits",
        desc="Pour chaque catégorie, une barre par part que son décret impose (réemploi ou "
             "réutilisation : unie ; matières recyclées : hachurée ; part globale du décret "
             "2021 : pointillée), chacune avec le minimum de l'année en trait noir.",
        series=[name for _key, name in AGEC_SERIES], groups=groups, scale_max=100,
        tick_format=lambda v: share(v))
    headers = ["Catégorie", "Dépense HT déclarée par les titulaires"]
    for _key, name in used:
        headers += [name, "Minimum"]
    return Panel("agec", "Parts AGEC par catégorie", chart, Table(
        "Parts AGEC par catégorie de produits",
        [*headers, "Résultat", "Dépense HT selon la comptabilité de l'acheteur"], table_rows,
        [False, *([True] * (1 + 2 * len(used))), False, True]), indicator.id, note=AGEC_NOTE)


def _satisfaction(found: dict[str, Indicator]) -> Panel | None:
    present = [found[i] for i in SATISFACTION_IDS if i in found]
    if not present:
        return None
    if not any(_detail(i, "invitations") for i in present):
        return _empty("satisfaction", "Satisfaction dans les deux sens", present[0].id,
                      "Aucune enquête de fin de contrat n'a été close sur cette période.")
    groups, table_rows = [], []
    for i in present:
        rate = _detail(i, "response_rate")
        nps = _detail(i, "nps")
        groups.append(Group(SATISFACTION_SHORT[i.id], [
            Bar(i.label, i.value, _short(i.value, "score"), i.target,
                f"objectif {number(i.target, 1)}" if i.target is not None else None),
            Bar(i.label, rate, share(rate))]))
        table_rows.append([i.label, value_text(i.value, "score"), signed(nps), share(rate),
                           str(i.records)])
    chart = grouped_bar_chart(
        title="Satisfaction dans les deux sens",
        desc="Pour chaque sens d'évaluation, deux barres : le score sur 100 (uni) et le taux de "
             "réponse (hachuré) ; le NPS figure dans le tableau.",
        series=["Score sur 100", "Taux de réponse (%)"], groups=groups, scale_max=100,
        tick_format=lambda v: number(v))
    return Panel("satisfaction", "Satisfaction dans les deux sens", chart, Table(
        "Satisfaction dans les deux sens", ["Sens", "Score", "NPS", "Taux de réponse",
                                            "Réponses"], table_rows,
        [False, True, True, True, True]), present[0].id)


def _detail(indicator: Indicator, *names: str) -> Decimal | None:
    for name in names:
        value = indicator.details.get(name)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return Decimal(str(value))
    return None
