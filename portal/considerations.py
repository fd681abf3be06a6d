"""When a contract counts as having a social or an environmental consideration: the one rule
the indicators, their drill-down and the contract form read (../shared/reference/indicators.md).

A contract with an insertion-hours commitment has a social consideration (an insertion clause)
even if the buyer ticked none of the DECP flags: the flags are what the DECP publishes, the
commitment is what the contract requires. The contract form warns when they disagree.

Likewise a carbon clause (Contract.carbon_clause, issue 17) is an environmental clause: a contract
with one counts as having an environmental consideration even if « Clause environnementale » is
not ticked. The global-cost criterion does not count by itself: weighing the life-cycle cost is
an economic rule of the award, which is environmental only when the buyer says so (the
« Critère environnemental » box). The carbon-report commitment alone does not count either: it
asks the holder to measure, not to reduce.
"""

from sqlalchemy import ColumnElement, exists, or_

from portal.models import Commitment, CommitmentKind, Contract

SOCIAL_FLAGS = ("social_clause", "social_criterion", "reserved")
ENVIRONMENTAL_FLAGS = ("environmental_clause", "environmental_criterion")

SOCIAL_RULE = ("au moins une considération sociale (clause, critère, marché réservé, ou un "
               "engagement d'heures d'insertion même sans case cochée)")
INSERTION_WITHOUT_SOCIAL = (
    "Ce contrat comporte un engagement d'heures d'insertion mais aucune considération sociale "
    "n'est cochée (clause sociale, critère social ou marché réservé). Les indicateurs le "
    "comptent comme ayant une considération sociale ; cochez la clause sociale pour que ses "
    "données essentielles (DECP) le disent aussi.")


def has_insertion_commitment() -> ColumnElement[bool]:
    return exists().where(Commitment.contract_id == Contract.id,
                          Commitment.kind == CommitmentKind.insertion_hours)


def social_consideration() -> ColumnElement[bool]:
    """The SQL of « has a social consideration », for a statement that selects contracts."""
    return or_(*(getattr(Contract, flag).is_(True) for flag in SOCIAL_FLAGS),
               has_insertion_commitment())


ENVIRONMENTAL_RULE = ("au moins une considération environnementale (clause, critère, ou une "
                      "clause carbone même sans case cochée)")


def environmental_consideration() -> ColumnElement[bool]:
    return or_(*(getattr(Contract, flag).is_(True) for flag in ENVIRONMENTAL_FLAGS),
               Contract.carbon_clause.is_(True))


def insertion_without_social_flag(contract: Contract) -> bool:
    """The form's warning: an insertion commitment and no social flag ticked (read on one
    contract already loaded with its commitments, not to count anything)."""
    return (contract.commitment(CommitmentKind.insertion_hours) is not None
            and not any(getattr(contract, flag) for flag in SOCIAL_FLAGS))
