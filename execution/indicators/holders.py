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


def _by(count: int, total: int, amount: Decimal, amount_total: Decimal,
        amount_label: str) -> list[BreakdownRow]:
    return [BreakdownRow("En nombre d'attributaires", ratio(count, total), Decimal(count),
                         Decimal(total), {"code": "number", "share": ratio(count, total)}),
            BreakdownRow(amount_label, ratio(amount, amount_total), amount, amount_total,
                         {"code": "amount", "share": ratio(amount, amount_total)})]


def holder_indicators(h: q.Holders, y: ReportingPeriod | int,
                      amount_rule: str) -> list[Indicator]:
    """``amount_rule`` says which contracts enter the shares by amount (« d'un montant
    supérieur ou égal à 40 000 € HT », or each buyer's threshold in the all-buyers view)."""
    amount_label = f"En montant (marchés {amount_rule})"
    by_amount = (f" En montant : montant HT des marchés notifiés {during(y)} {amount_rule} dont le "
                 "titulaire est {what}, divisé par le montant de tous ces marchés (la part d'un "
                 "co-traitant n'est pas connue).")
    return [
        make("sme_holders_share", ratio(h.sme, h.organisations), Decimal(h.sme),
             Decimal(h.organisations),
             f"Entreprises attributaires (titulaires et co-traitants, chacune une fois) des "
             f"marchés notifiés {during(y)} qui sont des TPE ou des PME, divisées par toutes ; une "
             "taille inconnue compte comme non PME."
             + by_amount.format(what="une TPE ou une PME"), h.organisations,
             details={"unknown_size": h.unknown_size, "amount": h.sme_amount,
                      "amount_total": h.above_amount,
                      "amount_share": ratio(h.sme_amount, h.above_amount),
                      "amount_contracts": h.above},
             breakdowns={"measure": _by(h.sme, h.organisations, h.sme_amount, h.above_amount,
                                        amount_label)}),
        make("regional_holders_share", ratio(h.regional, h.pairs), Decimal(h.regional),
             Decimal(h.pairs),
             f"Attributaires (titulaires et co-traitants) des marchés notifiés {during(y)} situés "
             "dans la région de l'acheteur, divisés par tous (une fois par acheteur) ; une "
             "région inconnue compte comme hors région."
             + by_amount.format(what="situé dans la région de l'acheteur"), h.pairs,
             details={"unknown_region": h.unknown_region, "amount": h.regional_amount,
                      "amount_total": h.above_amount,
                      "amount_share": ratio(h.regional_amount, h.above_amount),
                      "amount_contracts": h.above},
             breakdowns={"measure": _by(h.regional, h.pairs, h.regional_amount, h.above_amount,
                                        amount_label)}),
    ]
