"""The climate indicators: the contracts notified in the period with a carbon clause or awarded
on a global-cost criterion (the population of the consideration shares: each buyer's threshold
rule; counted by execution.indicators.queries.notified_by_year in the same statement), and the
emissions the holders declared, summed by contract nature and by scope. Each is an SQL aggregate
whatever the number of contracts; Python only divides what comes back."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from execution.indicators import queries as q
from execution.indicators.drilldown_rows import Drill, Fetch, Row, period_text, with_holder
from execution.indicators.indicator import BreakdownRow, Indicator, during, make, ratio
from portal.formatting import number_input
from portal.labels import NATURES
from portal.models import Commitment, Contract
from supplier.carbon_schemas import CARBON_METHODS, SCOPE_LABELS, SCOPES
from supplier.models import CarbonReport, Declaration
from supplier.models.carbon import validated_reports

TONNE_QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class NatureEmissions:
    nature: str
    declarations: int
    scopes: dict[str, Decimal]  # by SCOPES name; a scope nobody gave sums to zero

    @property
    def total(self) -> Decimal:
        return sum(self.scopes.values(), Decimal(0))


def tonnes(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(TONNE_QUANTUM)


def _validated_in(query: Select, scope: q.Scope) -> Select:
    """``query`` over the validated carbon declarations whose period starts in the scope's
    period, with their contract: the rows behind ``carbon_emissions``."""
    return (validated_reports(query)
            .join(Contract, Contract.id == Commitment.contract_id)
            .where(scope.in_period(Declaration.period_start), scope.of_buyer()))


def emissions_by_nature(db: Session, scope: q.Scope) -> list[NatureEmissions]:
    """The validated carbon declarations whose period starts in Y, summed by the nature of
    their contract (works, supplies, services) and by scope."""
    rows = db.execute(_validated_in(select(
        Contract.nature, func.count(), *(func.sum(getattr(CarbonReport, name)) for name in SCOPES)),
        scope).group_by(Contract.nature))
    found = {nature: NatureEmissions(nature, int(n), {
                 name: tonnes(value) for name, value in zip(SCOPES, sums, strict=True)})
             for nature, n, *sums in rows}
    # Every nature of the vocabulary, in its order, then any other (a label retired since).
    order = [*NATURES, *sorted(set(found) - set(NATURES))]
    return [found.get(nature, NatureEmissions(nature, 0, dict.fromkeys(SCOPES, tonnes(0))))
            for nature in order]


def climate_indicators(db: Session, scope: q.Scope, c: q.Notified, *,
                       population: str) -> list[Indicator]:
    """``c``: the contracts notified in Y (counted with the consideration shares, in their
    statement); ``population`` says which of them enter the shares (the sentence of the
    consideration shares, execution.indicators.service)."""

    def share_of(indicator_id: str, count: int, amount: Decimal, what: str) -> Indicator:
        return make(indicator_id, ratio(count, c.above), Decimal(count), Decimal(c.above),
                    f"Nombre de {population} comportant {what}, divisé par le nombre de tous "
                    f"les {population} ; la part en valeur rapporte leurs montants HT.",
                    c.above, details={"amount": amount, "amount_total": c.above_amount,
                                      "amount_share": ratio(amount, c.above_amount)})

    natures = emissions_by_nature(db, scope)
    total = sum((n.total for n in natures), Decimal(0))
    declarations = sum(n.declarations for n in natures)
    by_scope = {name: sum((n.scopes[name] for n in natures), Decimal(0)) for name in SCOPES}
    return [
        share_of("carbon_clause_share", c.carbon, c.carbon_amount,
                 "une clause carbone (case « Clause carbone » du contrat)"),
        share_of("global_cost_criterion_share", c.global_cost, c.global_cost_amount,
                 "un critère d'attribution fondé sur le coût global (coût du cycle de vie)"),
        make("carbon_emissions", total, total, None,
             f"Somme des émissions (tonnes équivalent CO2, scopes 1, 2 et 3) des déclarations "
             f"carbone validées dont la période commence {during(scope.period)}, par nature de "
             "contrat et par scope ; un scope laissé vide par le titulaire n'est pas compté "
             "(il n'est pas nul pour autant).", declarations,
             breakdowns={
                 "nature": [BreakdownRow(NATURES.get(n.nature, n.nature), n.total, n.total, total,
                                         {"code": n.nature, "share": ratio(n.total, total),
                                          "records": n.declarations, **n.scopes})
                            for n in natures],
                 "scope": [BreakdownRow(SCOPE_LABELS[name], value, value, total,
                                        {"code": name, "share": ratio(value, total)})
                           for name, value in by_scope.items()]},
             details=dict(by_scope)),
    ]


def _tonnes_text(value) -> str:
    return "—" if value is None else f"{number_input(value)}\u00a0tCO2e"


def emissions_drill(scope: q.Scope, fetch: Fetch) -> Drill:
    """The validated carbon declarations behind ``carbon_emissions``, one row each."""
    query = with_holder(
        _validated_in(select(Contract.id, Contract.reference, Declaration.id,
                             Declaration.period_start, Declaration.period_end, Contract.nature,
                             *(getattr(CarbonReport, name) for name in SCOPES),
                             CarbonReport.method), scope),
        order_by=(Contract.reference, Declaration.period_start, Declaration.id))
    rows = [Row(cid, ref, holder, did, period_text(start, end),
                [NATURES.get(nature, nature), *(_tonnes_text(v) for v in (s1, s2, s3)),
                 CARBON_METHODS.get(method, method)])
            for cid, ref, did, start, end, nature, s1, s2, s3, method, holder in fetch(query)]
    return Drill("", "", f"Déclarations carbone validées dont la période commence "
                 f"{scope.period.during} ; un scope vide n'a pas été mesuré par le titulaire.",
                 ["Nature", "Scope 1", "Scope 2", "Scope 3", "Méthode"],
                 [False, True, True, True, False], rows)
