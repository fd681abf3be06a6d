"""A large, plausible database for the benchmarks, written in bulk (bench.bulk).

Contracts start in any quarter of 2021–2025 and run one to four years, so every indicator has
five years of trend; they are quarterly, with insertion, AGEC, progress-plan and CSR commitments.
Every quarter of a contract up to the end of 2025 has its insertion, AGEC and plan-update
declarations (validated, the last quarter submitted or still expected), with the audit of each
submission and review; each contract has its progress plan, each year its CSR declaration, and
half of the ended contracts their satisfaction surveys in both directions. Two users can log in
with PASSWORD: an agent of buyer 1 and a user of the supplier that holds one contract in ten.

Rows are derived from their ids (``id * 37 % 26``…) rather than drawn one after the other, so each
table is one streamed pass and two runs give the same data.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection

from bench.bulk import BulkWriter
from portal.models import AuditEvent, Commitment, Contract, ContractParty, Organisation, User
from portal.periods import periods
from portal.security import hash_password
from supplier.compliance.insertion import recount_validated_hours
from supplier.models import AgecLine, Declaration, InsertionLine, PlanAction, PlanUpdate
from supplier.vocabulary import AGE_BANDS, PUBLIC_CATEGORIES
from surveys.models import Answer, Campaign, Invitation

FIRST_YEAR, LAST_YEAR = 2021, 2025
QUARTERS = periods(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31), "quarterly", due_days=30)
PASSWORD = "banc d'essai du portail 2025"
BUYER_EMAIL = "agent.acheteur-1@banc-essai.example.fr"
SUPPLIER_EMAIL = "titulaire.principal@banc-essai.example.fr"
AGEC_CATEGORIES = ("D2024_TEXTILES", "D2024_PAPIER")
COMMITMENTS = ("insertion_hours", "agec_share", "progress_plan", "csr_report")
# Distinct insertion lines reused in turn: drawing four random values for each of a million
# lines would cost more than writing them.
LINE_POOL = 997


@dataclass(frozen=True)
class Plan:
    """One contract's place in time and the first id of its declarations."""

    number: int
    buyer: int
    holder: int
    first_quarter: int  # index into QUARTERS
    quarters: int  # quarters declared up to the end of LAST_YEAR
    ends_on: date
    first_declaration: int

    @property
    def starts_on(self) -> date:
        return QUARTERS[self.first_quarter].start

    @property
    def years(self) -> range:
        return range(self.starts_on.year, min(self.ends_on.year, LAST_YEAR) + 1)

    @property
    def declarations(self) -> int:
        return 3 * self.quarters + 1 + len(self.years)

    def commitment(self, offset: int) -> int:
        return 4 * (self.number - 1) + offset + 1


@dataclass(frozen=True)
class World:
    contracts: int
    buyers: int
    suppliers: int
    counts: dict[str, int]

    @property
    def many_contracts_supplier(self) -> int:
        return self.buyers + 1


def _plans(rng: random.Random, *, contracts: int, buyers: int, suppliers: int) -> list[Plan]:
    plans, next_id = [], 1
    for n in range(1, contracts + 1):
        first = rng.randrange(len(QUARTERS))
        length = rng.choice((4, 8, 12, 16))
        last_month = QUARTERS[first].start.month + 3 * length - 1
        ends_on = date(QUARTERS[first].start.year + (last_month - 1) // 12,
                       (last_month - 1) % 12 + 1, 1)
        ends_on = (ends_on.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
        holder = buyers + 1 if n % 10 == 1 else buyers + 2 + rng.randrange(suppliers - 1)
        plan = Plan(n, 1 + (n - 1) % buyers, holder, first,
                    min(length, len(QUARTERS) - first), ends_on, next_id)
        plans.append(plan)
        next_id += plan.declarations
    return plans


def _at(day: date, days: int = 0, hours: int = 0) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC) + timedelta(days=days, hours=hours)


def generate(connection: Connection, *, contracts: int, lines: int, buyers: int = 10,
             seed: int = 6) -> World:
    """Writes the whole world into an empty, migrated database (in the caller's transaction)."""
    rng = random.Random(seed)
    buyers = max(1, min(buyers, contracts))
    suppliers = max(2, contracts // 2)
    plans = _plans(rng, contracts=contracts, buyers=buyers, suppliers=suppliers)
    out = BulkWriter(connection)
    _organisations(out, rng, buyers=buyers, suppliers=suppliers)
    _contracts(out, rng, plans)
    _declarations(out, plans)
    _content(out, plans, lines=lines, rng=rng)
    _surveys(out, plans)
    out.finish()
    # Rows written directly: the commitments' validated hours are counted from the lines.
    connection.execute(recount_validated_hours())
    return World(contracts, buyers, suppliers, out.counts)


def _organisations(out: BulkWriter, rng: random.Random, *, buyers: int, suppliers: int) -> None:
    # SIRETs are not Luhn-checked: the rows are written directly, as an import would.
    out.put(Organisation, ("id", "name", "siret", "kind", "postcode", "region"), (
        (n, f"Acheteur {n}", f"{n:014d}", "buyer", "44000", "Pays de la Loire")
        for n in range(1, buyers + 1)))
    sizes, regions = ("TPE", "PME", "ETI", "GE", None), ("Pays de la Loire", "Bretagne", None)
    out.put(Organisation, ("id", "name", "siret", "kind", "size", "region"), [
        (n, f"Entreprise {n}", f"{n:014d}", "supplier", rng.choice(sizes), rng.choice(regions))
        for n in range(buyers + 1, buyers + 1 + suppliers)])
    # One argon2 hash for both users: hashing is deliberately slow.
    password_hash = hash_password(PASSWORD)
    out.put(User, ("id", "email", "full_name", "role", "organisation_id", "password_hash"), (
        (1, BUYER_EMAIL, "Agent de l'acheteur 1", "buyer", 1, password_hash),
        (2, SUPPLIER_EMAIL, "Titulaire principal", "supplier", buyers + 1, password_hash)))


def _contracts(out: BulkWriter, rng: random.Random, plans: list[Plan]) -> None:
    natures, amounts = ("works", "supplies", "services"), (40000, 90000, 150000, 800000)
    out.put(Contract, (
        "id", "buyer_org_id", "reference", "object", "kind", "nature", "amount_excl_vat",
        "notified_on", "starts_on", "ends_on", "frequency", "social_clause", "social_criterion",
        "reserved", "environmental_clause", "environmental_criterion", "status"), [
        (p.number, p.buyer, f"B-{p.number:05d}", f"Marché {p.number} du banc d'essai", "market",
         natures[p.number % 3], rng.choice(amounts),
         p.starts_on - timedelta(days=rng.randint(10, 60)), p.starts_on, p.ends_on, "quarterly",
         p.number % 3 == 0, p.number % 7 == 0, p.number % 11 == 0, p.number % 4 == 0, False,
         "active")
        for p in plans])
    out.put(ContractParty, ("contract_id", "organisation_id", "role"),
            ((p.number, p.holder, "holder") for p in plans))
    params = (
        None,
        {"categories": list(AGEC_CATEGORIES)},
        {"review_frequency": "quarterly", "plan_due_days": 90},
        {})
    out.put(Commitment, ("id", "contract_id", "kind", "params"), (
        (p.commitment(k), p.number, kind,
         # Only the insertion commitment's parameters depend on the contract (an empty dict,
         # the CSR report's, is a value, not a missing one).
         {"target_hours": str(1250 * p.quarters), "penalty_per_missing_hour": None}
         if params[k] is None else params[k])
        for p in plans for k, kind in enumerate(COMMITMENTS)))


def _quarterly(p: Plan):
    """(id, commitment offset, quarter index) of the contract's quarterly declarations."""
    for k in range(p.quarters):
        for offset in (0, 1, 2):
            yield p.first_declaration + 3 * k + offset, offset, p.first_quarter + k


def _status(declaration_id: int, quarter: int) -> str:
    if quarter < len(QUARTERS) - 1:
        return "validated"
    return "submitted" if declaration_id % 2 else "expected"


def _declaration_rows(plans: list[Plan]):
    for p in plans:
        for did, offset, q in _quarterly(p):
            period, status = QUARTERS[q], _status(did, q)
            submitted = _at(period.due, -(did * 37 % 26 - 5)) if status != "expected" else None
            reviewed = (_at(period.due, did * 13 % 40 + 1 - (did * 37 % 26 - 5), 3)
                        if status == "validated" else None)
            yield (did, p.commitment(offset), "period", period.start,
                   period.end, period.due, status, submitted, reviewed, p.buyer, p.holder)
        plan_id = p.first_declaration + 3 * p.quarters
        yield (plan_id, p.commitment(2), "plan", p.starts_on, p.starts_on,
               p.starts_on + timedelta(days=90), "validated", _at(p.starts_on, 20),
               _at(p.starts_on, 30), p.buyer, p.holder)
        for i, year in enumerate(p.years):
            did = plan_id + 1 + i
            status = "validated" if did % 2 else "expected"
            yield (did, p.commitment(3), "period", date(year, 1, 1), date(year, 12, 31),
                   date(year + 1, 6, 30), status,
                   _at(date(year + 1, 6, 1)) if status == "validated" else None,
                   _at(date(year + 1, 6, 20)) if status == "validated" else None,
                   p.buyer, p.holder)


def _declarations(out: BulkWriter, plans: list[Plan]) -> None:
    # Each generated declaration was submitted once: its first submission is its submission.
    out.put(Declaration, ("id", "commitment_id", "subject", "period_start", "period_end",
                          "due_on", "status", "submitted_at", "reviewed_at", "buyer_org_id",
                          "holder_org_id", "first_submitted_at"),
            ((*row, row[7]) for row in _declaration_rows(plans)))

    def audit():
        for row in _declaration_rows(plans):
            did, submitted, reviewed = row[0], row[7], row[8]
            if submitted is not None:
                yield "declaration", did, "submit", "draft", "submitted", submitted
            if reviewed is not None:
                yield "declaration", did, "validate", "submitted", "validated", reviewed

    out.put(AuditEvent, ("entity", "entity_id", "action", "from_status", "to_status", "at"),
            audit())


def _content(out: BulkWriter, plans: list[Plan], *, lines: int, rng: random.Random) -> None:
    publics, bands = list(PUBLIC_CATEGORIES), list(AGE_BANDS)
    pool = [(rng.choice(publics), rng.choice("FM"), rng.choice(bands), "EMBAUCHE_DIRECTE",
             rng.randint(7, 350)) for _ in range(LINE_POOL)]
    insertion_ids = [did for p in plans for did, offset, _q in _quarterly(p) if offset == 0]
    per_declaration, extra = divmod(lines, max(1, len(insertion_ids)))

    def insertion():
        drawn = 0
        for index, did in enumerate(insertion_ids):
            for k in range(per_declaration + (index < extra)):
                yield (did, f"B{did}-{k}", *pool[drawn % LINE_POOL])
                drawn += 1

    out.put(InsertionLine, ("declaration_id", "beneficiary_ref", "public_category", "sex",
                            "age_band", "execution_mode", "hours"), insertion())
    out.put(AgecLine, ("declaration_id", "category_code", "total_excl_vat", "donation_excl_vat",
                       "reuse_excl_vat", "recycled_excl_vat"), (
        (did, code, 1000, 0, did * 7 % 300, did * 11 % 400)
        for p in plans for did, offset, _q in _quarterly(p) if offset == 1
        for code in AGEC_CATEGORIES))
    out.put(PlanAction, ("declaration_id", "key", "axis", "title", "deadline", "position"), (
        (p.first_declaration + 3 * p.quarters, f"A{k}", axis, f"Action {k}",
         p.starts_on + timedelta(days=180 * k), k)
        for p in plans for k, axis in ((1, "social"), (2, "environmental"))))
    out.put(PlanUpdate, ("declaration_id", "action_key", "status"), (
        (did, f"A{k}", "done" if (did + k) % 3 == 0 else "in_progress")
        for p in plans for did, offset, _q in _quarterly(p) if offset == 2 for k in (1, 2)))


def _surveys(out: BulkWriter, plans: list[Plan]) -> None:
    surveyed = [p for p in plans if p.ends_on.year <= LAST_YEAR and p.number % 2 == 0]
    out.put(Campaign, ("id", "contract_id", "reason", "launched_at", "due_on", "closed_at"), (
        (p.number, p.number, "ended", _at(p.ends_on, 1), p.ends_on + timedelta(days=31),
         _at(p.ends_on, 40)) for p in surveyed))
    directions = (("holder_rates_buyer", "holder", "buyer"),
                  ("buyer_rates_holder", "buyer", "holder"))
    out.put(Invitation, ("id", "campaign_id", "direction", "respondent_org_id", "subject_org_id",
                         "status", "submitted_at"), (
        (2 * p.number + k, p.number, direction, getattr(p, respondent), getattr(p, subject),
         "submitted", _at(p.ends_on, 20))
        for p in surveyed for k, (direction, respondent, subject) in enumerate(directions)))
    scales = ("satisfaction", "satisfaction", "likelihood")
    out.put(Answer, ("invitation_id", "position", "wording", "scale", "value", "not_applicable"), (
        (2 * p.number + k, position, f"Question {position}", scale,
         (p.number + k + position) % 5 + 1 if scale == "satisfaction"
         else (p.number * 3 + k) % 11, False)
        for p in surveyed for k in (0, 1) for position, scale in enumerate(scales, start=1)))
