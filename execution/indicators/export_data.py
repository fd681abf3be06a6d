"""The declarations behind the indicators, as rows for the CSV and XLSX exports: the same
selection as execution.indicators.queries (validated content of periods starting in the year, the
scope's buyer organisation), one statement per dataset."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from execution.indicators import queries as q
from execution.indicators.declarations import plans_in_force
from portal.agec import AgecCategory
from portal.formatting import plural
from portal.labels import NATURES
from portal.models import Commitment, Contract, ContractParty, Organisation, PartyRole
from portal.money import cents
from supplier.carbon_schemas import CARBON_METHODS
from supplier.models import (
    AgecLine,
    CarbonReport,
    Declaration,
    InsertionLine,
    PlanAction,
    PlanUpdate,
    Status,
    Subject,
)
from supplier.plan_schemas import ACTION_STATUSES, AXES
from supplier.vocabulary import AGE_BANDS, EXECUTION_MODES, PUBLIC_CATEGORIES, SEXES
from surveys.models import Answer, Campaign, Invitation, InvitationStatus, Scale
from surveys.vocabulary import DIRECTIONS_SHORT, SCALES, answer_label


@dataclass(frozen=True)
class Column:
    header: str  # French, what the spreadsheet shows
    kind: str = "text"  # text | int | decimal | share | date | datetime


@dataclass
class Dataset:
    slug: str    # the file name and the URL: "heures-insertion"
    title: str   # the sheet name (31 characters at most)
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def _contract_columns() -> list[Column]:
    return [Column("Acheteur"), Column("Référence du contrat"), Column("Objet du contrat"),
            Column("Titulaire")]


def _base(scope: q.Scope, *columns):
    """Contract, its buyer and its holder (outer join: a contract may have lost its holder)."""
    buyer, party, holder = aliased(Organisation), aliased(ContractParty), aliased(Organisation)
    return (select(buyer.name, Contract.reference, Contract.object, holder.name, *columns),
            lambda query: query.join(buyer, buyer.id == Contract.buyer_org_id)
            .outerjoin(party, and_(party.contract_id == Contract.id,
                                   party.role == PartyRole.holder))
            .outerjoin(holder, holder.id == party.organisation_id)
            .where(scope.of_buyer()))


def insertion_lines(db: Session, scope: q.Scope) -> Dataset:
    query, joins = _base(scope, Declaration.period_start, Declaration.period_end,
                         InsertionLine.beneficiary_ref, InsertionLine.public_category,
                         InsertionLine.sex, InsertionLine.age_band, InsertionLine.execution_mode,
                         InsertionLine.hours, InsertionLine.line_count)
    query = joins(query.select_from(InsertionLine).join(InsertionLine.declaration)
                  .join(Declaration.commitment).join(Commitment.contract)
                  .where(Declaration.status == Status.validated,
                         scope.in_period(Declaration.period_start))
                  ).order_by(Contract.reference, Declaration.period_start, InsertionLine.id)
    # Past the retention period a line sums several people and has no reference any more.
    rows = [[*head, start, end, ref or plural(count, "ligne regroupée", "lignes regroupées"),
             PUBLIC_CATEGORIES.get(public, public), SEXES.get(sex, sex),
             AGE_BANDS.get(age, age), EXECUTION_MODES.get(mode, mode), cents(hours)]
            for *head, start, end, ref, public, sex, age, mode, hours, count
            in db.execute(query)]
    return Dataset("heures-insertion", "Heures d'insertion", [
        *_contract_columns(), Column("Début de période", "date"),
        Column("Fin de période", "date"), Column("Référence du bénéficiaire"),
        Column("Public éligible"), Column("Sexe"), Column("Tranche d'âge"),
        Column("Modalité d'exécution"), Column("Heures", "decimal")], rows)


def carbon_reports(db: Session, scope: q.Scope) -> Dataset:
    """The validated carbon declarations of periods starting in Y (the `carbon_emissions`
    indicator's), one row each; an empty scope stays empty (not measured is not zero)."""
    query, joins = _base(scope, Contract.nature, Declaration.period_start,
                         Declaration.period_end, CarbonReport.scope1_tco2e,
                         CarbonReport.scope2_tco2e, CarbonReport.scope3_tco2e,
                         CarbonReport.method, CarbonReport.method_other)
    query = joins(query.select_from(CarbonReport).join(
                      Declaration, Declaration.id == CarbonReport.declaration_id)
                  .join(Declaration.commitment).join(Commitment.contract)
                  .where(Declaration.status == Status.validated,
                         scope.in_period(Declaration.period_start))
                  ).order_by(Contract.reference, Declaration.period_start, Declaration.id)
    rows = [[*head, NATURES.get(nature, nature), start, end, s1, s2, s3,
             CARBON_METHODS.get(method, method) + (f" ({other})" if other else "")]
            for *head, nature, start, end, s1, s2, s3, method, other in db.execute(query)]
    return Dataset("emissions-carbone", "Émissions déclarées", [
        *_contract_columns(), Column("Nature"), Column("Début de période", "date"),
        Column("Fin de période", "date"), Column("Scope 1 (tCO2e)", "decimal"),
        Column("Scope 2 (tCO2e)", "decimal"), Column("Scope 3 (tCO2e)", "decimal"),
        Column("Méthode")], rows)


def agec_lines(db: Session, scope: q.Scope) -> Dataset:
    query, joins = _base(scope, Declaration.period_start, Declaration.period_end,
                         AgecCategory.code, AgecCategory.label, AgecLine.total_excl_vat,
                         AgecLine.reuse_excl_vat, AgecLine.donation_excl_vat,
                         AgecLine.recycled_excl_vat)
    query = joins(query.select_from(AgecLine).join(AgecLine.declaration)
                  .join(AgecCategory, AgecCategory.code == AgecLine.category_code)
                  .join(Declaration.commitment).join(Commitment.contract)
                  .where(Declaration.status == Status.validated,
                         scope.in_period(Declaration.period_start))
                  ).order_by(Contract.reference, Declaration.period_start, AgecLine.id)
    rows = [[*head, start, end, code, label, cents(total), cents(reuse), cents(donation),
             cents(recycled)]
            for *head, start, end, code, label, total, reuse, donation, recycled
            in db.execute(query)]
    return Dataset("lignes-agec", "Lignes AGEC", [
        *_contract_columns(), Column("Début de période", "date"),
        Column("Fin de période", "date"), Column("Code de la catégorie"),
        Column("Catégorie de produits"), Column("Dépense totale HT (€)", "decimal"),
        Column("Réemploi ou réutilisation HT (€)", "decimal"), Column("Dons HT (€)", "decimal"),
        Column("Matières recyclées HT (€)", "decimal")], rows)


def plan_actions(db: Session, scope: q.Scope) -> Dataset:
    """The actions of the plans in force in the year (latest accepted plan, contract active),
    each with its latest validated update for a period starting by the end of the year."""
    plans = plans_in_force(scope)
    update_rank = func.row_number().over(
        partition_by=(Declaration.commitment_id, PlanUpdate.action_key),
        order_by=(Declaration.period_start.desc(), Declaration.id.desc()))
    updates = (select(Declaration.commitment_id, PlanUpdate.action_key, PlanUpdate.status,
                      PlanUpdate.latest_value, update_rank.label("rank"))
               .join(Declaration, Declaration.id == PlanUpdate.declaration_id)
               .where(Declaration.subject == Subject.period,
                      Declaration.status == Status.validated,
                      Declaration.period_start <= scope.last_day).subquery())
    query, joins = _base(scope, PlanAction.key, PlanAction.axis, PlanAction.title,
                         PlanAction.owner, PlanAction.indicator, PlanAction.unit,
                         PlanAction.baseline, PlanAction.target, PlanAction.deadline,
                         updates.c.status, updates.c.latest_value)
    query = joins(query.select_from(plans).join(PlanAction, PlanAction.declaration_id == plans.c.id)
                  .join(Commitment, Commitment.id == plans.c.commitment_id)
                  .join(Contract, Contract.id == Commitment.contract_id)
                  .outerjoin(updates, and_(updates.c.commitment_id == plans.c.commitment_id,
                                           updates.c.action_key == PlanAction.key,
                                           updates.c.rank == 1))
                  .where(plans.c.rank == 1)
                  ).order_by(Contract.reference, PlanAction.position, PlanAction.id)
    rows = [[*head, key, AXES.get(axis, axis), title, owner, indicator, unit, baseline, target,
             deadline, ACTION_STATUSES.get(status, "Pas encore mise à jour") if status
             else "Pas encore mise à jour", latest]
            for *head, key, axis, title, owner, indicator, unit, baseline, target, deadline,
            status, latest in db.execute(query)]
    return Dataset("actions-plans", "Actions des plans de progrès", [
        *_contract_columns(), Column("Action"), Column("Axe"), Column("Intitulé"),
        Column("Responsable"), Column("Indicateur"), Column("Unité"),
        Column("Valeur initiale", "decimal"), Column("Cible", "decimal"),
        Column("Échéance", "date"), Column("Dernier statut déclaré"),
        Column("Dernière valeur déclarée", "decimal")], rows)


def survey_answers(db: Session, scope: q.Scope) -> Dataset:
    """Answers of the questionnaires submitted in the surveys closed in the year (closed surveys
    are readable by both sides). Free comments are left out, as on the yearly results page:
    they name people and belong to the contract's own results page."""
    respondent, subject = aliased(Organisation), aliased(Organisation)
    query, joins = _base(scope, Invitation.direction, respondent.name, subject.name,
                         Invitation.submitted_at, Answer)
    query = joins(query.select_from(Answer).join(Answer.invitation).join(Invitation.campaign)
                  .join(Campaign.contract)
                  .join(respondent, respondent.id == Invitation.respondent_org_id)
                  .join(subject, subject.id == Invitation.subject_org_id)
                  .where(Invitation.status == InvitationStatus.submitted,
                         Campaign.closed_at >= scope.start, Campaign.closed_at < scope.end,
                         Campaign.anniversary == 0,  # end-of-contract surveys, as the indicators
                         Answer.scale != Scale.text)
                  ).order_by(Contract.reference, Invitation.direction, Invitation.id,
                             Answer.position)
    rows = [[*head, DIRECTIONS_SHORT[direction], who, whom, submitted_at, answer.position,
             answer.wording, SCALES.get(answer.scale, answer.scale), answer.value,
             answer_label(answer)]
            for *head, direction, who, whom, submitted_at, answer in db.execute(query)]
    return Dataset("reponses-enquetes", "Réponses aux enquêtes", [
        *_contract_columns(), Column("Sens de l'évaluation"), Column("Organisation répondante"),
        Column("Organisation évaluée"), Column("Déposé le", "datetime"), Column("N°", "int"),
        Column("Question"), Column("Échelle"), Column("Valeur", "int"), Column("Réponse")],
        rows)
