"""Drill-downs of the contracts notified in the period: the shares of contracts with a
consideration, the reserved contracts, and the holders behind the TPE/PME and local-firm shares;
each contract counted or not by the indicator's own SQL rule."""

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from execution.indicators import queries as q
from execution.indicators.buyer_config import Settings
from execution.indicators.drilldown_rows import Drill, Fetch, Row, with_holder, yes
from portal import labels
from portal.considerations import SOCIAL_FLAGS, environmental_consideration, social_consideration
from portal.formatting import day, money
from portal.models import AWARDEES, Contract, ContractParty, Organisation, PartyRole


def notified_drill(db: Session, scope: q.Scope, indicator_id: str, fetch: Fetch) -> Drill:
    settings = Settings.of_scope(db, scope.buyer_org_id, scope.buyer_org_ids)
    # Counted or not by the indicator's own SQL rule (portal.considerations), not a copy of it.
    query = with_holder(select(Contract, social_consideration(), environmental_consideration())
                         .where(scope.in_period(Contract.notified_on), scope.of_buyer()),
                         order_by=(Contract.notified_on, Contract.reference, Contract.id))
    if indicator_id == "reserved_contracts":
        query = query.where(Contract.reserved.is_(True))
        what = f"Marchés réservés notifiés {scope.period.during}."
    else:
        # Each contract by its buyer's rule, as the indicator counts it.
        sql = settings.sql
        query = sql.join(query, Contract.buyer_org_id).where(sql.counted(Contract.amount_excl_vat))
        rule = ("retenus selon la règle de leur acheteur" if settings.per_buyer
                else "(tous les contrats notifiés)" if settings.threshold is None
                else f"d'un montant supérieur ou égal à {money(settings.threshold)}")
        what = (f"Marchés et concessions notifiés {scope.period.during} {rule} (le "
                "dénominateur) ; « Compté » indique ceux du numérateur.")
    rows = []
    for contract, social, green, holder in fetch(query):
        counted = {"social_consideration_share": social,
                   "environmental_consideration_share": green,
                   "carbon_clause_share": contract.carbon_clause,
                   "global_cost_criterion_share": contract.global_cost_criterion,
                   }.get(indicator_id, True)
        shown = labels.considerations(contract) + labels.climate(contract)
        if contract.reserved:
            shown.append(labels.RESERVED_BASES.get(contract.reserved_basis or "",
                                                   labels.NO_RESERVED_BASIS))
        if social and not any(getattr(contract, flag) for flag in SOCIAL_FLAGS):
            shown.append("Heures d'insertion (sans case cochée)")
        rows.append(Row(contract.id, contract.reference, holder, cells=[
            day(contract.notified_on), money(contract.amount_excl_vat),
            ", ".join(shown) or "Aucune", yes(bool(counted))]))
    return Drill("", "", what, ["Notifié le", "Montant", "Considérations", "Compté"],
                 [False, True, False, False], rows, with_period=False)


def holders_drill(db: Session, scope: q.Scope, indicator_id: str, fetch: Fetch) -> Drill:
    """Each attributaire of the period's contracts, counted or not by number; and, on the
    titulaire's line, whether the contract's amount enters the share by amount (from its
    buyer's amount threshold) and goes to it."""
    sql = Settings.of_scope(db, scope.buyer_org_id, scope.buyer_org_ids).sql
    party, holder, buyer = aliased(ContractParty), aliased(Organisation), aliased(Organisation)
    by_amount = and_(party.role == PartyRole.holder,
                     Contract.amount_excl_vat >= sql.holder_amount_threshold)
    query = sql.join(
        select(Contract.id, Contract.reference, holder.name, party.role, holder.size,
               holder.region, buyer.region, Contract.amount_excl_vat, by_amount)
        .join(party, and_(party.contract_id == Contract.id, party.role.in_(AWARDEES)))
        .join(holder, holder.id == party.organisation_id)
        .join(buyer, buyer.id == Contract.buyer_org_id), Contract.buyer_org_id)
    query = (query.where(scope.in_period(Contract.notified_on), scope.of_buyer())
             .order_by(Contract.reference, party.id))
    rows = []
    for cid, ref, name, role, size, region, buyer_region, amount, in_amount in fetch(query):
        counted = (size in q.SME_SIZES if indicator_id == "sme_holders_share"
                   else region is not None and region == buyer_region)
        rows.append(Row(cid, ref, name, cells=[
            "Titulaire" if role == PartyRole.holder else "Co-traitant",
            labels.SIZES.get(size, "Inconnue") if size else "Inconnue", region or "Inconnue",
            buyer_region or "Inconnue", yes(counted),
            money(amount) if in_amount else "—",
            yes(counted) if in_amount else "Non compté"]))
    return Drill("", "", f"Attributaires (titulaires et co-traitants) des marchés notifiés "
                 f"{scope.period.during} ; chaque entreprise ne compte qu'une fois dans "
                 "l'indicateur en nombre. En montant : le montant des marchés à partir du seuil "
                 "de leur acheteur, compté sur la ligne de leur titulaire.",
                 ["Rôle", "Taille", "Région", "Région de l'acheteur", "Compté en nombre",
                  "Montant retenu", "Compté en montant"],
                 [False, False, False, False, False, True, False], rows, with_period=False)
