"""SPASER execution indicators (../shared/reference/indicators.md), each a SQL aggregate.

`compute_indicators(db, period=, buyer_org_id=)` (or ``year=``; ``buyer_org_ids=`` for a
central's consolidation, execution.centrals) is the one entry point every page, export, PDF,
the API and the CLI use; the period is a year, a semester or a quarter (portal.reporting_period)
and each sentence says what a part of a year means for the figure. Each indicator says how it
is computed (a French sentence), on how many records it rests, its numerator and denominator
("—" when the denominator is zero), and the target set for the year (beside a semester's
figure, only the targets of a level: a share, a score, a delay). The statements it runs do not
depend on the number of contracts (execution.indicators.queries, .declarations); Python only
divides the sums it gets back. Trends (execution.indicators.trends) are built by the same
``*_indicator(s)`` functions from statements grouped by year.

Shares are in percent, rounded half up to one decimal (what `share` shows, so showing them does
not round twice); scores are on 100; durations in days with one decimal."""

from decimal import Decimal

from sqlalchemy.orm import Session

from execution.agec.totals import buyer_totals_by_category
from execution.indicators import declarations as qd
from execution.indicators import queries as q
from execution.indicators.buyer_config import Settings, euros
from execution.indicators.climate import climate_indicators
from execution.indicators.config import BY_ID, targets_for
from execution.indicators.fte import fte_indicator
from execution.indicators.holders import holder_indicators
from execution.indicators.indicator import BreakdownRow as BreakdownRow
from execution.indicators.indicator import (
    Indicator,
    during,
    make,
    ratio,
    reporting_period,
    tenth,
)
from execution.indicators.indicator import display as display
from portal import agec
from portal.agec import Regime
from portal.clock import today
from portal.considerations import ENVIRONMENTAL_RULE, SOCIAL_RULE
from portal.formatting import plural
from portal.labels import NO_RESERVED_BASIS, RESERVED_BASES
from portal.models import CommitmentKind
from portal.reporting_period import ReportingPeriod
from supplier.compliance.agec import MET, MISSING, NOT_MET, CategoryResult, shares
from supplier.vocabulary import AGE_BANDS, PUBLIC_CATEGORIES, SEXES
from surveys.models import Direction
from surveys.results import Figures, satisfaction_in

# Targets are set per year; beside a semester's or a quarter's figure only those that are a
# level rather than a total mean something: shares, scores, delays, full-time equivalents.
LEVEL_UNITS = ("%", "score", "jours", "NPS", "ETP")


def set_targets(db: Session, indicators: list[Indicator], period: ReportingPeriod,
                buyer_org_id: int | None) -> None:
    """The buyer's own targets of the year, else the instance's (all buyers: the instance's)."""
    targets = targets_for(db, period.year, buyer_org_id)
    for indicator in indicators:
        if period.is_year or indicator.unit in LEVEL_UNITS:
            indicator.target = targets.get(indicator.id)


def compute_indicators(db: Session, *, year: int | None = None,
                       period: ReportingPeriod | None = None, buyer_org_id: int | None,
                       buyer_org_ids: tuple[int, ...] | None = None) -> list[Indicator]:
    """Every indicator for a period (or a year) and a scope: one buyer organisation, all of
    them, or a central's consolidation (``buyer_org_ids``, execution.centrals), with the
    buyer's settings (execution.indicators.buyer_config; a central's for its consolidation);
    for all of them, each contract with its own buyer's, and the instance's targets."""
    scope = q.Scope(reporting_period(year, period), buyer_org_id, today(),
                    buyer_org_ids=buyer_org_ids)
    settings = Settings.of_scope(db, buyer_org_id, buyer_org_ids)
    notified = q.notified_contracts(db, scope, settings=settings.sql)
    source = settings.effective.source("threshold")
    indicators = [
        *_insertion(db, scope, settings),
        *contract_indicators(notified, scope.period, settings.threshold,
                             per_buyer=settings.per_buyer, source=source,
                             by_basis=q.reserved_by_basis(db, scope)),
        *climate_indicators(db, scope, notified, population=notified_population(
            scope.period, settings.threshold, per_buyer=settings.per_buyer, source=source)),
        *_agec(db, scope),
        *satisfaction_indicators(satisfaction_in(
            db, start=scope.start, end=scope.end, buyer_org_id=scope.buyer_org_id,
            buyer_org_ids=buyer_org_ids), scope.period),
        *_declarations(db, scope),
        *holder_indicators(q.holders(db, scope, settings=settings.sql), scope.period,
                           settings.amount_rule()),
        *_reports(db, scope),
    ]
    set_targets(db, indicators, scope.period, buyer_org_id)
    order = list(BY_ID)
    return sorted(indicators, key=lambda i: order.index(i.id))


def insertion_indicators(db: Session, *, year: int | None = None,
                         period: ReportingPeriod | None = None, buyer_org_id: int | None,
                         facilitator_org_id: int) -> list[Indicator]:
    """The insertion indicators alone, on the contracts a facilitator organisation works on
    (of one of its buyers, or of all of them): nothing of AGEC, CSR, plans or surveys."""
    scope = q.Scope(reporting_period(year, period), buyer_org_id, today(),
                    facilitator_org_id=facilitator_org_id)
    indicators = _insertion(db, scope, Settings.of(db, buyer_org_id))
    set_targets(db, indicators, scope.period, buyer_org_id)
    return indicators


def _breakdown(groups: dict[str, tuple[Decimal, int]], labels: dict[str, str],
               total: Decimal, *, all_codes: bool) -> list[BreakdownRow]:
    """Rows in the vocabulary's order (every code, or only those with hours), then unknown codes
    (a label retired since) with the code as label."""
    codes = [c for c in labels if all_codes or c in groups]
    codes += sorted(c for c in groups if c not in labels)
    rows = []
    for code in codes:
        amount, lines = groups.get(code, (Decimal("0.00"), 0))
        rows.append(BreakdownRow(labels.get(code, code), amount, amount, total,
                                 {"code": code, "share": ratio(amount, total), "records": lines}))
    return rows


def _validated_lines_text(period: ReportingPeriod | int) -> str:
    """The lines of a period: of the declarations whose period starts in it (a semester holds
    the declarations of its months or quarters, a yearly one counts in its first semester)."""
    if isinstance(period, int) or period.is_year:
        return ("des lignes d'insertion des déclarations validées dont la période se situe "
                f"{during(period)}")
    return ("des lignes d'insertion des déclarations validées dont la période commence "
            f"{during(period)}")


def hours_indicator(total: Decimal, lines: int, period: ReportingPeriod | int) -> Indicator:
    """`insertion_hours` from the sum of the period's validated lines (also for trends)."""
    return make("insertion_hours", total, total, None,
                f"Somme des heures {_validated_lines_text(period)}.", lines)


def _insertion(db: Session, scope: q.Scope, settings: Settings) -> list[Indicator]:
    groups = q.insertion_groups(db, scope)
    total = sum((g[3] for g in groups), Decimal("0.00"))
    lines = sum(g[4] for g in groups)
    by: dict[str, dict[str, tuple[Decimal, int]]] = {"public": {}, "sex": {}, "age_band": {}}
    for public, sex, age, amount, n in groups:
        for key, code in (("public", public), ("sex", sex), ("age_band", age)):
            hours_so_far, lines_so_far = by[key].get(code, (Decimal(0), 0))
            by[key][code] = (hours_so_far + amount, lines_so_far + n)
    women = by["sex"].get("F", (Decimal("0.00"), 0))[0]
    p = scope.period
    validated = _validated_lines_text(p)
    contracts = q.insertion_contracts(db, scope)
    expected, done, targets = (contracts.expected_hours, contracts.validated_hours,
                               contracts.target_hours)
    end = "fin " + str(p.year) if p.is_year else "la fin du " + p.label
    return [
        hours_indicator(total, lines, p),
        fte_indicator(db, scope, settings, total, lines),
        make("insertion_completion_rate", ratio(done, expected), done, expected,
             f"Heures validées depuis le début des marchés jusqu'à {end}, divisées par les "
             f"heures attendues à {end} (objectif × part écoulée de la durée du marché au "
             f"{p.last_day:%d/%m/%Y}, au plus 1), sur les marchés avec des heures d'insertion "
             f"actifs {during(p)}.", contracts.count, details={"contracts": contracts.count,
                                                             "target_hours": targets}),
        make("insertion_women_share", ratio(women, total), women, total,
             f"Heures réalisées par des femmes divisées par toutes les heures {validated}.",
             lines),
        make("insertion_by_public", total, total, None,
             f"Somme des heures {validated}, par public éligible, par tranche d'âge et par "
             "sexe.", lines, breakdowns={
                 "public": _breakdown(by["public"], PUBLIC_CATEGORIES, total, all_codes=False),
                 "age_band": _breakdown(by["age_band"], AGE_BANDS, total, all_codes=True),
                 "sex": _breakdown(by["sex"], SEXES, total, all_codes=True)}),
        make("insertion_contracts", Decimal(contracts.count), Decimal(contracts.count), None,
             f"Nombre de marchés comportant un engagement d'heures d'insertion et en cours "
             f"d'exécution {during(p)} (entre leur début et leur fin, ou leur clôture "
             "anticipée).",
             contracts.count, details={"target_hours": targets}),
        *exit_indicators(db, scope),
    ]


def exit_indicators(db: Session, scope: q.Scope) -> list[Indicator]:
    """People accompanied and positive exits (supplier.exits holds the rule of a positive
    exit, the SQL of execution.indicators.queries applies it)."""
    p = scope.period
    people = q.people_accompanied(db, scope)
    exits = q.exit_outcomes(db, scope)
    return [
        make("insertion_people", Decimal(people), Decimal(people), None,
             f"Nombre de personnes distinctes {_validated_lines_text(p)}, contrat par contrat : "
             "une référence pseudonyme d'une organisation déclarante compte pour une personne "
             "sur un contrat, quel que soit le nombre de ses lignes (suivie sur deux contrats, "
             "elle compte sur chacun). Passé le délai de conservation, le décompte fait avant "
             "l'effacement des références est gardé.", people),
        make("insertion_positive_exits", ratio(exits.positive, exits.known),
             Decimal(exits.positive), Decimal(exits.known),
             f"Sorties datées {during(p)} dont la situation est un CDI, un CDD de 6 mois ou "
             "plus, une formation ou un autre emploi, divisées par les sorties datées "
             f"{during(p)} dont la situation est connue (les sorties « Inconnue » ne comptent "
             "ni au numérateur ni au dénominateur ; « Sans emploi ni formation » compte au "
             "dénominateur).", exits.recorded,
             details={"recorded": exits.recorded, "unknown": exits.recorded - exits.known}),
    ]


def reserved_breakdown(by_basis: dict[str | None, tuple[int, Decimal]]) -> list[BreakdownRow]:
    """The reserved contracts by legal basis, every basis shown, then those not given."""
    total = sum(count for count, _amount in by_basis.values())
    return [BreakdownRow(label, Decimal(count), Decimal(count), Decimal(total), {
                "code": basis or "", "amount": amount, "share": ratio(count, total),
                "records": count})
            for basis, label in [*RESERVED_BASES.items(), (None, NO_RESERVED_BASIS)]
            for count, amount in [by_basis.get(basis, (0, Decimal("0.00")))]]


def notified_population(y: ReportingPeriod | int, threshold: Decimal | None, *,
                        per_buyer: bool = False, source: str | None = None) -> str:
    """Which notified contracts enter the shares of contracts, in French."""
    population = f"marchés et concessions notifiés {during(y)}"
    if per_buyer:
        population += (" retenus selon la règle de leur acheteur (seuil ou tous les contrats "
                       "notifiés, paramètres propres à chaque acheteur, voir « paramètres "
                       "utilisés »)")
    elif threshold is not None:
        population += f" d'un montant supérieur ou égal à {euros(threshold)}"
    else:
        population += " (aucun seuil : tous les contrats notifiés)"
    if source is not None and not per_buyer:
        population += f" (règle {source})"
    return population


def contract_indicators(n: q.Notified, y: ReportingPeriod | int, threshold: Decimal | None, *,
                        per_buyer: bool = False, source: str | None = None,
                        by_basis: dict | None = None) -> list[Indicator]:
    """The indicators of the contracts notified in period ``y`` (a year for trends: no split
    by basis); ``threshold`` None: every notified contract; ``per_buyer``: each contract by its
    buyer's rule."""
    population = notified_population(y, threshold, per_buyer=per_buyer, source=source)

    def share_of(kind: str, count: int, value: Decimal, what: str) -> Indicator:
        return make(kind, ratio(count, n.above), Decimal(count), Decimal(n.above),
                    f"Nombre de {population} comportant {what}, divisé par le nombre de tous "
                    f"les {population} ; la part en valeur rapporte leurs montants HT.",
                    n.above, details={"amount": value, "amount_total": n.above_amount,
                                      "amount_share": ratio(value, n.above_amount),
                                      "threshold": threshold})

    return [
        share_of("social_consideration_share", n.social, n.social_amount,
                 SOCIAL_RULE),
        share_of("environmental_consideration_share", n.environmental, n.environmental_amount,
                 ENVIRONMENTAL_RULE),
        make("reserved_contracts", Decimal(n.reserved), Decimal(n.reserved), None,
             f"Nombre et montant HT des marchés notifiés {during(y)} réservés (articles L2113-12, "
             f"L2113-13 et L2113-15 du code de la commande publique), sur "
             f"{plural(n.contracts, 'marché notifié', 'marchés notifiés')} ; répartis par base "
             "légale de la réservation (« base non renseignée » pour les marchés enregistrés "
             "sans elle).",
             n.contracts, details={"amount": n.reserved_amount, "contracts": n.contracts},
             breakdowns={"basis": reserved_breakdown(by_basis)} if by_basis is not None
             else {}),
    ]


def _agec(db: Session, scope: q.Scope) -> list[Indicator]:
    spend = [s for s in q.agec_spend(db, scope) if s.total > 0]
    # Beside the holders' declarations, what the buyers' accounts say (their declaration file).
    # The buyers' accounts are yearly: beside a semester's spend they would mislead.
    accounts = (buyer_totals_by_category(db, scope.year, scope.buyer_org_id,
                                         buyer_org_ids=scope.buyer_org_ids)
                if scope.period.is_year else {})
    in_force = agec.thresholds_in_force(db, {(s.code, scope.year) for s in spend})
    rows, statuses = [], []
    for s in spend:
        regime = Regime(s.regime)
        result = CategoryResult(s.code, s.label, regime, scope.year, s.total, shares(
            regime, total=s.total, reuse=s.reuse, donation=s.donation, recycled=s.recycled,
            threshold=in_force[(s.code, scope.year)]))
        statuses.append(result.status)
        by_key = {share.key: share for share in result.shares}
        extra: dict[str, object] = {
            "code": s.code, "regime": s.regime, "total": s.total, "reuse": s.reuse,
            "recycled": s.recycled, "donation": s.donation, "records": s.lines,
            "status": result.status, "status_label": result.status_label,
            "buyer_total": accounts.get(s.code)}
        for key in ("global", "reuse", "recycled"):
            if key in by_key:  # the 2021 decree rules on a global share, the 2024 on recycled
                extra[f"{key}_share"] = ratio(by_key[key].amount, s.total)
                extra[f"{key}_min"] = by_key[key].minimum
        rows.append(BreakdownRow(s.label, ratio(s.reuse, s.total), s.reuse, s.total, extra))
    total = sum((s.total for s in spend), Decimal("0.00"))
    reuse = sum((s.reuse for s in spend), Decimal("0.00"))
    recycled = sum((s.recycled for s in spend), Decimal("0.00"))
    lines = sum(s.lines for s in spend)
    met = statuses.count(MET)
    y, when = scope.year, during(scope.period)
    lines_text = (f"montants déclarés par les titulaires sur les contrats : lignes AGEC des "
                  f"déclarations validées dont la période commence {when}, et non la "
                  "comptabilité de l'acheteur")
    return [
        make("agec_shares", ratio(reuse, total), reuse, total,
             f"Par catégorie de produits, dépense HT en réemploi ou réutilisation et dépense "
             f"intégrant des matières recyclées divisées par la dépense totale ({lines_text}), "
             f"à côté du minimum du décret pour {y} ; la valeur d'ensemble est la part de "
             "réemploi de toute la dépense.", lines,
             breakdowns={"category": rows},
             details={"recycled": recycled, "recycled_share": ratio(recycled, total),
                      "buyer_total": sum(accounts.values(), Decimal("0.00")) if accounts
                      else None}),
        make("agec_completion_rate", ratio(met, len(spend)), Decimal(met), Decimal(len(spend)),
             f"Catégories dont toutes les parts atteignent le minimum du décret pour {y}, "
             f"divisées par les catégories avec une dépense {when} ({lines_text}) ; un minimum "
             "non renseigné n'est jamais compté comme atteint.", lines,
             details={"not_met": statuses.count(NOT_MET),
                      "threshold_missing": statuses.count(MISSING)}),
    ]


def satisfaction_indicators(figures: dict[str, Figures],
                            year: ReportingPeriod | int) -> list[Indicator]:
    """Both directions' scores from the period's survey figures (a year for trends)."""
    result = []
    for indicator_id, direction, who in (
            ("supplier_satisfaction", Direction.holder_rates_buyer,
             "des titulaires évaluant l'acheteur"),
            ("buyer_satisfaction", Direction.buyer_rates_holder,
             "des acheteurs évaluant les titulaires")):
        f = figures[direction.value]
        points = Decimal((f.scored_sum - f.scored) * 25)
        result.append(make(
            indicator_id, f.score, points, Decimal(f.scored),
            f"Moyenne sur 100 des réponses notées de 1 à 5 (« Non concerné » exclu) {who}, "
            f"enquêtes de fin de contrat clôturées {during(year)} : (note moyenne − 1) / 4 × "
            "100 ; taux de réponse = questionnaires déposés / invitations ; NPS = % de 9-10 − "
            "% de 0-6 à la question de recommandation.", f.submitted,
            details={"mean": f.mean, "response_rate": f.response_rate, "nps": f.nps,
                     "invitations": f.invitations, "submitted": f.submitted,
                     "scored_answers": f.scored, "nps_answers": f.likelihood}))
    return result


def _declarations(db: Session, scope: q.Scope) -> list[Indicator]:
    y = during(scope.period)
    t = qd.on_time(db, scope)
    d = qd.review_delays(db, scope)
    p = qd.progress_plans(db, scope)
    return [
        make("on_time_declarations", ratio(t.on_time, t.considered), Decimal(t.on_time),
             Decimal(t.considered),
             f"Déclarations dues {y} dont le premier dépôt a été fait au plus tard le jour de "
             "leur échéance (heure de Paris ; un renvoi ou une réouverture par l'acheteur ne "
             f"change rien), divisées par les déclarations dues {y} dont l'échéance est passée "
             "ou qui ont déjà été déposées.", t.considered),
        make("review_delay_days", ratio(d.total_days, d.reviews, 1), tenth(d.total_days),
             Decimal(d.reviews),
             f"Moyenne et médiane des jours écoulés entre le dépôt d'une déclaration et sa "
             f"validation ou son renvoi, pour les examens faits {y} (journal d'audit).",
             d.reviews, details={"median": tenth(d.median_days)}),
        make("progress_plans", ratio(p.done_on_time, p.actions_due), Decimal(p.done_on_time),
             Decimal(p.actions_due),
             f"Plans de progrès en vigueur {y} (dernier plan accepté, marché en cours) ; "
             f"part des actions à échéance {y} déclarées réalisées, dans une mise à jour "
             "validée, pour une période commençant au plus tard à leur échéance.",
             p.actions_due, details={"active_plans": p.active}),
    ]


def _reports(db: Session, scope: q.Scope) -> list[Indicator]:
    reports = qd.yearly_reports(db, scope)
    result = []
    for indicator_id, kind, what in (
            ("csr_reports_received", CommitmentKind.csr_report,
             "Rapports RSE (un par marché qui en exige un)"),
            ("concession_reports_received", CommitmentKind.concession_report,
             "Rapports annuels des concessionnaires")):
        r = reports[kind]
        result.append(make(
            indicator_id, ratio(r.received, r.expected), Decimal(r.received),
            Decimal(r.expected),
            f"{what} {_reports_of(scope.period)} reçus (validés, même rouverts depuis pour "
            "correction), divisés par ceux attendus.", r.expected,
            details={"under_review": r.under_review}))
    return result


def _reports_of(period: ReportingPeriod) -> str:
    if period.is_year:
        return f"de l'année {period.year}"
    # A report covers a year: a semester counts the reports falling due in it.
    return f"dont l'échéance tombe {period.during}"
