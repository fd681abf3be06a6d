"""The TPE/PME and local-firm indicators, by number of holders and by amount.

By number: the holders (titulaires and co-traitants) of the contracts notified in the period.
By amount: the contracts notified in the period from the buyer's amount threshold (40 000 € HT
by default), whose amount goes to a TPE/PME (or to a firm of the buyer's region) when their
titulaire is one; a co-traitant's part of the amount is not known, so it is not counted. Both
are given under the indicator id of reference/indicators.md: the value stays the share by
number, the share by amount is a detail and a breakdown line (dashboard and exports).
"""

from decimal import Decimal

from execution.indicators import queries as q
from execution.indicators.indicator import BreakdownRow, Indicator, during, make, ratio
from portal.reporting_period import ReportingPeriod


def holder_indicators(h: q.Holders, y: ReportingPeriod | int,
                      amount_rule: str) -> list[Indicator]:
    """``amount_rule`` says which contracts enter the shares by amount (« d'un montant
    supérieur ou égal à 40 000 € HT », or each buyer's threshold in the all-buyers view)."""

    def share(indicator_id: str, count: int, total: int, amount: Decimal, by_number: str,
              titulaire: str, unknown: dict[str, int]) -> Indicator:
        by_amount = (f" En montant : montant HT des marchés notifiés {during(y)} {amount_rule} "
                     f"dont le titulaire est {titulaire}, divisé par le montant de tous ces "
                     "marchés (la part d'un co-traitant n'est pas connue).")
        return make(indicator_id, ratio(count, total), Decimal(count), Decimal(total),
                    by_number + by_amount, total,
                    details={**unknown, "amount": amount, "amount_total": h.above_amount,
                             "amount_share": ratio(amount, h.above_amount),
                             "amount_contracts": h.above},
                    breakdowns={"measure": [
                        BreakdownRow("En nombre d'attributaires", ratio(count, total),
                                     Decimal(count), Decimal(total),
                                     {"code": "number", "share": ratio(count, total)}),
                        BreakdownRow(f"En montant (marchés {amount_rule})",
                                     ratio(amount, h.above_amount), amount, h.above_amount,
                                     {"code": "amount",
                                      "share": ratio(amount, h.above_amount)})]})

    return [
        share("sme_holders_share", h.sme, h.organisations, h.sme_amount,
              "Entreprises attributaires (titulaires et co-traitants, chacune une fois) des "
              f"marchés notifiés {during(y)} qui sont des TPE ou des PME, divisées par toutes ; "
              "une taille inconnue compte comme non PME.", "une TPE ou une PME",
              {"unknown_size": h.unknown_size}),
        share("regional_holders_share", h.regional, h.pairs, h.regional_amount,
              f"Attributaires (titulaires et co-traitants) des marchés notifiés {during(y)} "
              "situés dans la région de l'acheteur, divisés par tous (une fois par acheteur) ; "
              "une région inconnue compte comme hors région.",
              "situé dans la région de l'acheteur", {"unknown_region": h.unknown_region}),
    ]
