"""Drill-down: the contracts and declarations behind an indicator's figure, selected with the
same conditions as execution.indicators.queries (same year, scope and statuses), so the list and
the figure always agree. Each function runs one statement (two for a page: the count and the
page) and returns rows ready to show."""

from collections.abc import Callable, Iterable

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from execution.indicators import queries as q
from execution.indicators.climate import emissions_drill
from execution.indicators.config import BY_ID
from execution.indicators.declarations import (
    action_done_on_time,
    answered_submission,
    counted_for_on_time,
    ever_validated,
    filed_on_time,
    plans_in_force,
    yearly_report_due,
)
from execution.indicators.drilldown_contracts import holders_drill, notified_drill
from execution.indicators.drilldown_rows import (
    Drill,
    Fetch,
    Row,
    kind_label,
    period_text,
    with_holder,
    yes,
)
from execution.indicators.indicator import reporting_period
from portal.clock import today
from portal.errors import NotFound
from portal.formatting import day, hours, money, number
from portal.models import (
    AuditEvent,
    Commitment,
    CommitmentKind,
    Contract,
    Organisation,
)
from portal.money import cents, from_cents
from portal.pagination import PER_PAGE, Page, paginate
from portal.reporting_period import ReportingPeriod
from supplier.compliance.insertion import standing as insertion_standing
from supplier.compliance.insertion import validated_line_hours
from supplier.exits import KNOWN, POSITIVE
from supplier.models import (
    AgecLine,
    Declaration,
    InsertionExit,
    InsertionLine,
    PlanAction,
    Status,
)
from supplier.vocabulary import STATUS_LABELS
from surveys.models import Campaign, Direction, Invitation, InvitationStatus

# --- Insertion ---------------------------------------------------------------------------------

def _insertion_declarations(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    women = q.sum_if(InsertionLine.sex == "F", InsertionLine.hours)
    # Named after the organisation that filed it: the holder, or a co-holder or sub-contractor
    # for its share of the commitment (each one's hours, the indicator their total).
    filer = aliased(Organisation)
    group = (Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
             Declaration.period_end)
    query = (select(*group, func.sum(InsertionLine.hours), women,
                    func.sum(InsertionLine.line_count), filer.name)
             .select_from(InsertionLine).join(InsertionLine.declaration)
             .join(Declaration.commitment).join(Commitment.contract)
             .outerjoin(filer, filer.id == Declaration.holder_org_id)
             .where(Declaration.status == Status.validated, scope.of_buyer(),
                    scope.in_period(Declaration.period_start))
             .group_by(*group, filer.name)
             .order_by(Contract.reference, Declaration.period_start, filer.name,
                       Declaration.id))
    rows = [Row(cid, ref, holder, did, period_text(start, end),
                [hours(cents(total)), hours(cents(w)), number(n)])
            for cid, ref, did, start, end, total, w, n, holder in fetch(query)]
    return Drill("", "", f"Déclarations d'heures d'insertion validées dont la période commence "
                 f"{scope.period.during}, au nom de l'entreprise qui les a déposées (le "
                 "titulaire, ou un co-traitant ou sous-traitant pour sa part).",
                 ["Heures", "dont femmes", "Lignes"],
                 [True, True, True], rows)


def _exits(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    group = (Contract.id, Contract.reference)
    query = with_holder(
        select(*group, func.count(), q.count_if(InsertionExit.outcome.in_(KNOWN)),
               q.count_if(InsertionExit.outcome.in_(POSITIVE)))
        .select_from(InsertionExit).join(Contract, Contract.id == InsertionExit.contract_id)
        .where(scope.in_period(InsertionExit.exited_on), scope.of_buyer()),
        group_by=group, order_by=(Contract.reference,))
    rows = [Row(cid, ref, holder, cells=[number(n), number(known), number(positive)])
            for cid, ref, n, known, positive, holder in fetch(query)]
    return Drill("", "", f"Contrats dont des sorties de personnes en insertion sont datées "
                 f"{scope.period.during}.", ["Sorties", "Situation connue", "Sorties positives"],
                 [True, True, True], rows, with_period=False)


def _insertion_contracts(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    # The hours of each listed commitment only (correlated), and the contract page's rule for
    # the hours expected at the end of Y: the same figures as the indicator.
    validated = validated_line_hours(until=scope.last_day)
    standing = insertion_standing(scope.last_day)
    end = day(scope.last_day)
    query = with_holder(
        select(Contract.id, Contract.reference, Contract.starts_on, q.contract_end(),
               standing.target_cents, validated, standing.expected_cents)
        .select_from(Contract)
        .join(Commitment, and_(Commitment.contract_id == Contract.id,
                               Commitment.kind == CommitmentKind.insertion_hours))
        .where(q.active_in(scope), scope.of_buyer()),
        order_by=(Contract.reference, Contract.id, Commitment.id))
    rows = []
    for cid, ref, starts_on, ends_on, target, done, expected, holder in fetch(query):
        rows.append(Row(cid, ref, holder, cells=[
            day(starts_on), day(ends_on), hours(from_cents(target)), hours(cents(done)),
            hours(from_cents(expected))]))
    return Drill("", "", f"Marchés comportant un engagement d'heures d'insertion en cours "
                 f"d'exécution {scope.period.during}, avec leurs heures validées jusqu'au "
                 f"{end} et les heures attendues à cette date.",
                 ["Début", "Fin", "Engagement", f"Validées au {end}", f"Attendues au {end}"],
                 [False, False, True, True, True], rows,
                 with_period=False)


# --- AGEC --------------------------------------------------------------------------------------

def _agec(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    query = with_holder(
        select(Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
               Declaration.period_end, func.sum(AgecLine.total_excl_vat),
               func.sum(AgecLine.reuse_excl_vat), func.sum(AgecLine.recycled_excl_vat),
               func.count())
        .select_from(AgecLine).join(AgecLine.declaration)
        .join(Declaration.commitment).join(Commitment.contract)
        .where(Declaration.status == Status.validated, scope.of_buyer(),
               scope.in_period(Declaration.period_start)),
        group_by=(Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
                  Declaration.period_end),
        order_by=(Contract.reference, Declaration.period_start, Declaration.id))
    rows = [Row(cid, ref, name, did, period_text(start, end),
                [money(cents(total)), money(cents(reuse)), money(cents(recycled)), number(n)])
            for cid, ref, did, start, end, total, reuse, recycled, n, name
            in fetch(query)]
    return Drill("", "", f"Déclarations AGEC validées dont la période commence "
                 f"{scope.period.during} : "
                 "montants déclarés par les titulaires sur les contrats, et non la comptabilité "
                 "de l'acheteur (saisie dans Données ouvertes, Déclaration AGEC).",
                 ["Dépense totale", "Réemploi", "Matières recyclées", "Lignes"],
                 [True, True, True, True], rows)


# --- Surveys -----------------------------------------------------------------------------------

def _surveys(db: Session, scope: q.Scope, indicator_id: str, fetch: Fetch) -> Drill:
    direction = (Direction.holder_rates_buyer if indicator_id == "supplier_satisfaction"
                 else Direction.buyer_rates_holder)
    respondent, subject = aliased(Organisation), aliased(Organisation)
    query = (select(Contract.id, Contract.reference, respondent.name, subject.name,
                    Invitation.status, Invitation.submitted_at, Campaign.closed_at)
             .select_from(Invitation).join(Invitation.campaign).join(Campaign.contract)
             .join(respondent, respondent.id == Invitation.respondent_org_id)
             .join(subject, subject.id == Invitation.subject_org_id)
             .where(Invitation.direction == direction, Campaign.closed_at >= scope.start,
                    Campaign.closed_at < scope.end, Campaign.anniversary == 0,
                    scope.of_buyer())
             .order_by(Contract.reference, Invitation.id))
    rows = [Row(cid, ref, None, cells=[who, whom, day(closed_at),
                                       "Déposé" if status == InvitationStatus.submitted
                                       else "Sans réponse", day(submitted_at)])
            for cid, ref, who, whom, status, submitted_at, closed_at in fetch(query)]
    return Drill("", "", f"Invitations des enquêtes de fin de contrat clôturées "
                 f"{scope.period.during}, dans ce sens d'évaluation ; seuls les questionnaires "
                 "déposés sont comptés.", ["Organisation répondante", "Organisation évaluée",
                                   "Enquête close le", "Questionnaire", "Déposé le"],
                 [False] * 5, rows, with_period=False)


# --- Declarations: on time, review delays, plans, yearly reports -------------------------------

def _on_time(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    # The indicator's own conditions: the first submission decides (counted_for_on_time).
    query = with_holder(
        select(Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
               Declaration.period_end, Commitment.kind, Declaration.due_on,
               Declaration.first_submitted_at, Declaration.submitted_at, Declaration.status,
               filed_on_time(scope.year))
        .select_from(Declaration).join(Declaration.commitment).join(Commitment.contract)
        .where(counted_for_on_time(scope), scope.of_buyer())
    ).order_by(Declaration.due_on, Contract.reference, Declaration.id)
    rows = []
    for (cid, ref, did, start, end, kind, due_on, first_at, last_at, status, on_time,
         holder) in fetch(query):
        again = day(last_at) if last_at is not None and last_at != first_at else "—"
        rows.append(Row(cid, ref, holder, did, period_text(start, end), [
            kind_label(kind), day(due_on), day(first_at) if first_at is not None else "—",
            again, STATUS_LABELS.get(status, status), yes(bool(on_time))]))
    return Drill("", "", f"Déclarations dues {scope.period.during} dont l'échéance est passée ou "
                 "qui ont déjà été déposées ; « À temps » : premier dépôt au plus tard le jour "
                 "de l'échéance (heure de Paris), même si l'acheteur l'a renvoyée ou rouverte "
                 "depuis.",
                 ["Engagement", "Échéance", "Premier dépôt", "Dernier dépôt", "Statut",
                  "À temps"], [False] * 6, rows)


def _review_delays(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    review = aliased(AuditEvent)
    # The same rule as the indicator: the latest submission at or before the review.
    submitted_at = answered_submission(db, review).scalar_subquery()
    query = with_holder(
        select(Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
               Declaration.period_end, review.action, submitted_at, review.at)
        .select_from(review).join(Declaration, Declaration.id == review.entity_id)
        .join(Declaration.commitment).join(Commitment.contract)
        .where(review.entity == "declaration", review.action.in_(("validate", "return")),
               review.at >= scope.start, review.at < scope.end, scope.of_buyer())
    ).order_by(review.at, review.id)
    rows = []
    for cid, ref, did, start, end, action, filed_at, reviewed_at, holder in fetch(query):
        delay = ((reviewed_at - filed_at).total_seconds() / 86400
                 if filed_at is not None else None)
        rows.append(Row(cid, ref, holder, did, period_text(start, end), [
            "Validation" if action == "validate" else "Renvoi", day(filed_at), day(reviewed_at),
            number(delay, 1) if delay is not None else "—"]))
    return Drill("", "", f"Examens (validations et renvois) faits {scope.period.during}, avec "
                 "le dépôt auquel chacun répond (journal d'audit).",
                 ["Examen", "Déposée le", "Examinée le", "Délai (jours)"],
                 [False, False, False, True], rows)


def _plans(db: Session, scope: q.Scope, fetch: Fetch) -> Drill:
    plans = plans_in_force(scope, Contract.id.label("contract_id"))
    done = action_done_on_time(plans)
    query = with_holder(
        select(Contract.id, Contract.reference, plans.c.id, PlanAction.key, PlanAction.title,
               PlanAction.deadline, done)
        .select_from(plans).join(Contract, Contract.id == plans.c.contract_id)
        .join(PlanAction, and_(PlanAction.declaration_id == plans.c.id,
                               scope.in_period(PlanAction.deadline)))
        .where(plans.c.rank == 1)).order_by(Contract.reference, PlanAction.deadline,
                                        PlanAction.id)
    rows = [Row(cid, ref, holder, did, "Plan en vigueur", [f"{key} — {title}", day(deadline),
                                                            yes(bool(on_time))])
            for cid, ref, did, key, title, deadline, on_time, holder in fetch(query)]
    return Drill("", "", f"Actions à échéance {scope.period.during} des plans de progrès en "
                 "vigueur (dernier plan accepté) ; « Réalisée à temps » : déclarée réalisée dans "
                 "une mise à jour validée d'une période commençant au plus tard à son échéance.",
                 ["Action", "Échéance", "Réalisée à temps"], [False, False, False], rows)


def _reports(db: Session, scope: q.Scope, indicator_id: str, fetch: Fetch) -> Drill:
    kind = (CommitmentKind.csr_report if indicator_id == "csr_reports_received"
            else CommitmentKind.concession_report)
    query = with_holder(
        select(Contract.id, Contract.reference, Declaration.id, Declaration.period_start,
               Declaration.period_end, Declaration.status)
        .select_from(Declaration).join(Declaration.commitment).join(Commitment.contract)
        .where(Commitment.kind == kind, yearly_report_due(scope),
               scope.of_buyer())).order_by(Contract.reference, Declaration.id)
    query = query.add_columns(ever_validated())
    rows = [Row(cid, ref, holder, did, period_text(start, end),
                [STATUS_LABELS.get(status, status), yes(bool(received))])
            for cid, ref, did, start, end, status, holder, received in fetch(query)]
    when = (f"pour {scope.year}" if scope.period.is_year
            else f"dont l'échéance tombe {scope.period.during}")
    return Drill("", "", f"Rapports attendus {when} ; « Reçu » : rapport validé, même rouvert "
                 "depuis pour correction.", ["Statut", "Reçu"], [False, False], rows)


_DRILLS: dict[str, Callable[[Session, q.Scope, str, Fetch], Drill]] = {
    **dict.fromkeys(("insertion_hours", "insertion_fte", "insertion_women_share",
                     "insertion_by_public", "insertion_people"),
                    lambda db, s, _i, f: _insertion_declarations(db, s, f)),
    **dict.fromkeys(("insertion_completion_rate", "insertion_contracts"),
                    lambda db, s, _i, f: _insertion_contracts(db, s, f)),
    "insertion_positive_exits": lambda db, s, _i, f: _exits(db, s, f),
    **dict.fromkeys(("social_consideration_share", "environmental_consideration_share",
                     "reserved_contracts", "carbon_clause_share", "global_cost_criterion_share"),
                    notified_drill),
    "carbon_emissions": lambda db, s, _i, f: emissions_drill(s, f),
    **dict.fromkeys(("sme_holders_share", "regional_holders_share"), holders_drill),
    **dict.fromkeys(("agec_shares", "agec_completion_rate"),
                    lambda db, s, _i, f: _agec(db, s, f)),
    **dict.fromkeys(("supplier_satisfaction", "buyer_satisfaction"), _surveys),
    "on_time_declarations": lambda db, s, _i, f: _on_time(db, s, f),
    "review_delay_days": lambda db, s, _i, f: _review_delays(db, s, f),
    "progress_plans": lambda db, s, _i, f: _plans(db, s, f),
    **dict.fromkeys(("csr_reports_received", "concession_reports_received"), _reports),
}


def drill_down(db: Session, indicator_id: str, *, year: int | None = None,
               period: ReportingPeriod | None = None, buyer_org_id: int | None,
               page: int | None = None, per_page: int = PER_PAGE, search: str = "",
               buyer_org_ids: tuple[int, ...] | None = None) -> Drill:
    """The records behind one indicator, for a period (or a year) and a scope (see
    execution.indicators.scope): all of them (for a file), or one ``page`` of them with the
    total in ``drill.page``. ``search``
    keeps the contracts whose reference contains it."""
    if indicator_id not in _DRILLS or indicator_id not in BY_ID:
        raise NotFound("Cet indicateur n'existe pas.")
    pages: list[Page] = []

    def fetch(query: Select) -> Iterable:
        # Every drill-down selects from its contracts, so the search applies to all of them.
        if term := search.strip().lower():
            query = query.where(func.lower(Contract.reference).like(f"%{term}%"))
        if page is None:
            return db.execute(query)
        pages.append(paginate(db, query, page=page, per_page=per_page, scalars=False))
        return pages[-1].items

    scope = q.Scope(reporting_period(year, period), buyer_org_id, today(),
                    buyer_org_ids=buyer_org_ids)
    drill = _DRILLS[indicator_id](db, scope, indicator_id, fetch)
    drill.indicator_id, drill.label = indicator_id, BY_ID[indicator_id].label
    drill.page = pages[0] if pages else None
    return drill
