"""`python -m bench`: the whole indicator set on a large database.

Builds a temporary SQLite file with the real migrations, then bulk-inserts (Core executemany, no
ORM objects) 2 000 contracts of 2025 with their commitments, about 8 000 quarterly insertion
declarations carrying 100 000 insertion lines, AGEC lines, progress plans, CSR reports, the audit
of submissions and reviews, and end-of-contract surveys; then times `compute_indicators` for 2025
(all buyers and one buyer) and counts its SQL statements.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from execution.indicators import compute_indicators, display
from portal.db import make_engine
from portal.migrate import upgrade
from portal.models import AuditEvent, Commitment, Contract, ContractParty, Organisation
from portal.periods import periods
from supplier.models import AgecLine, Declaration, InsertionLine, PlanAction, PlanUpdate
from supplier.vocabulary import AGE_BANDS, PUBLIC_CATEGORIES
from surveys.models import Answer, Campaign, Invitation

YEAR = 2025
QUARTERS = [(p.start, p.end, p.due) for p in periods(date(YEAR, 1, 1), date(YEAR, 12, 31),
                                                     "quarterly", due_days=30)]


def _siret(n: int) -> str:
    # Not Luhn-checked: the benchmark writes rows directly, as an import would.
    return f"{n:014d}"


def build(engine, *, contracts: int, lines: int, buyers: int, seed: int) -> None:
    rng = random.Random(seed)
    at = datetime(YEAR, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        def put(model, rows):
            # executemany wants the same keys in every row: a key some rows omit is NULL there.
            keys = {key for row in rows for key in row}
            if rows:
                connection.execute(insert(model), [dict.fromkeys(keys) | row for row in rows])

        orgs = [{"id": n, "name": f"Acheteur {n}", "siret": _siret(n), "kind": "buyer",
                 "postcode": "59000", "region": "Hauts-de-France", "created_at": at}
                for n in range(1, buyers + 1)]
        suppliers = range(buyers + 1, buyers + 1 + contracts // 2)
        orgs += [{"id": n, "name": f"Entreprise {n}", "siret": _siret(n), "kind": "supplier",
                  "size": rng.choice(["TPE", "PME", "ETI", "GE", None]),
                  "region": rng.choice(["Hauts-de-France", "Île-de-France", None]),
                  "created_at": at} for n in suppliers]
        put(Organisation, orgs)
        contract_rows, parties, commitments = [], [], []
        for n in range(1, contracts + 1):
            starts = date(YEAR - rng.randint(0, 2), 1, 1)
            contract_rows.append({
                "id": n, "buyer_org_id": 1 + n % buyers, "reference": f"B-{n:05d}",
                "object": "Marché du banc d'essai", "kind": "market", "nature": "works",
                "amount_excl_vat": rng.choice([40000, 90000, 150000, 800000]),
                "notified_on": starts + timedelta(days=rng.randint(-60, 300)),
                "starts_on": starts, "ends_on": date(YEAR + rng.randint(0, 2), 12, 31),
                "frequency": "quarterly", "social_clause": n % 3 == 0,
                "social_criterion": n % 7 == 0, "reserved": n % 11 == 0,
                "environmental_clause": n % 4 == 0, "environmental_criterion": False,
                "status": "active", "version": 1, "created_at": at})
            parties.append({"contract_id": n, "organisation_id": rng.choice(suppliers),
                            "role": "holder"})
            base = 5 * (n - 1)
            commitments += [
                {"id": base + 1, "contract_id": n, "kind": "insertion_hours",
                 "params": {"target_hours": str(rng.choice([5000, 10000, 20000])),
                            "penalty_per_missing_hour": None}},
                {"id": base + 2, "contract_id": n, "kind": "agec_share",
                 "params": {"categories": ["D2024_TEXTILES", "D2024_PAPIER"]}},
                {"id": base + 3, "contract_id": n, "kind": "progress_plan",
                 "params": {"review_frequency": "quarterly", "plan_due_days": 90}},
                {"id": base + 4, "contract_id": n, "kind": "csr_report", "params": {}}]
        put(Contract, contract_rows)
        put(ContractParty, parties)
        put(Commitment, commitments)

        declarations, audit, insertion_lines, agec_lines, actions, updates = [], [], [], [], [], []
        # The insertion lines spread over the 4 quarterly declarations of every contract.
        per_declaration, extra_lines = divmod(lines, contracts * 4)
        insertion_declarations = 0
        next_id = 1
        for n in range(1, contracts + 1):
            base = 5 * (n - 1)
            for kind_offset in (1, 2, 3):
                for q, (start, end, due) in enumerate(QUARTERS):
                    status = "validated" if q < 3 else rng.choice(["submitted", "expected"])
                    submitted = (datetime.combine(due, datetime.min.time(), tzinfo=UTC)
                                 - timedelta(days=rng.randint(-5, 20)))
                    reviewed = submitted + timedelta(days=rng.randint(1, 40), hours=3)
                    declarations.append({
                        "id": next_id, "commitment_id": base + kind_offset, "subject": "period",
                        "period_start": start, "period_end": end, "due_on": due,
                        "status": status, "version": 1,
                        "submitted_at": submitted if status != "expected" else None,
                        "reviewed_at": reviewed if status == "validated" else None,
                        "updated_at": at})
                    if status != "expected":
                        audit.append({"entity": "declaration", "entity_id": next_id,
                                      "action": "submit", "at": submitted})
                    if status == "validated":
                        audit.append({"entity": "declaration", "entity_id": next_id,
                                      "action": "validate", "at": reviewed})
                    if kind_offset == 1:
                        insertion_declarations += 1
                        wanted = per_declaration + (insertion_declarations <= extra_lines)
                        insertion_lines += [{
                            "declaration_id": next_id, "beneficiary_ref": f"B{next_id}-{k}",
                            "public_category": rng.choice(list(PUBLIC_CATEGORIES)),
                            "sex": rng.choice("FM"), "age_band": rng.choice(list(AGE_BANDS)),
                            "execution_mode": "EMBAUCHE_DIRECTE",
                            "hours": rng.randint(7, 350)}
                            for k in range(wanted)]
                    elif kind_offset == 2:
                        agec_lines += [{"declaration_id": next_id, "category_code": code,
                                        "total_excl_vat": 1000, "donation_excl_vat": 0,
                                        "reuse_excl_vat": rng.randint(0, 300),
                                        "recycled_excl_vat": rng.randint(0, 400)}
                                       for code in ("D2024_TEXTILES", "D2024_PAPIER")]
                    else:
                        updates += [{"declaration_id": next_id, "action_key": f"A{k}",
                                     "status": rng.choice(["done", "in_progress"])}
                                    for k in (1, 2)]
                    next_id += 1
            plan_id = next_id
            declarations.append({
                "id": plan_id, "commitment_id": base + 3, "subject": "plan",
                "period_start": date(YEAR, 1, 1), "period_end": date(YEAR, 1, 1),
                "due_on": date(YEAR, 3, 31), "status": "validated", "version": 1,
                "submitted_at": at + timedelta(days=20), "reviewed_at": at + timedelta(days=30),
                "updated_at": at})
            actions += [{"declaration_id": plan_id, "key": f"A{k}", "axis": "social",
                         "title": f"Action {k}", "deadline": date(YEAR, 3 * k, 28),
                         "position": k} for k in (1, 2)]
            declarations.append({
                "id": plan_id + 1, "commitment_id": base + 4, "subject": "period",
                "period_start": date(YEAR, 1, 1), "period_end": date(YEAR, 12, 31),
                "due_on": date(YEAR + 1, 6, 30), "status": rng.choice(["validated", "expected"]),
                "version": 1, "updated_at": at})
            next_id += 2
        put(Declaration, declarations)
        put(AuditEvent, audit)
        put(InsertionLine, insertion_lines)
        put(AgecLine, agec_lines)
        put(PlanAction, actions)
        put(PlanUpdate, updates)

        campaigns, invitations, answers = [], [], []
        for n in rng.sample(range(1, contracts + 1), contracts // 4):  # a quarter surveyed
            campaigns.append({"id": n, "contract_id": n, "reason": "ended",
                              "launched_at": at, "due_on": date(YEAR, 12, 1),
                              "closed_at": at + timedelta(days=300)})
            holder = parties[n - 1]["organisation_id"]
            buyer = contract_rows[n - 1]["buyer_org_id"]
            for k, (direction, respondent, subject) in enumerate((
                    ("holder_rates_buyer", holder, buyer),
                    ("buyer_rates_holder", buyer, holder))):
                invitation_id = 2 * n + k
                invitations.append({"id": invitation_id, "campaign_id": n,
                                    "direction": direction, "respondent_org_id": respondent,
                                    "subject_org_id": subject, "status": "submitted",
                                    "version": 1})
                answers += [{"invitation_id": invitation_id, "position": p,
                             "wording": f"Question {p}", "scale": scale,
                             "value": rng.randint(1, 5) if scale == "satisfaction"
                             else rng.randint(0, 10), "not_applicable": False}
                            for p, scale in enumerate(("satisfaction", "satisfaction",
                                                       "likelihood"), start=1)]
        put(Campaign, campaigns)
        put(Invitation, invitations)
        put(Answer, answers)
    return len(insertion_lines), len(declarations)


def timed(engine, *, buyer_org_id, runs: int):
    """Best and first time of ``runs`` computations, and the statements of one."""
    statements = []

    def count(*_args):
        statements.append(1)

    times = []
    for run in range(runs):
        with Session(engine) as db:
            if run == 0:
                event.listen(engine, "before_cursor_execute", count)
            started = time.perf_counter()
            indicators = compute_indicators(db, year=YEAR, buyer_org_id=buyer_org_id)
            times.append(time.perf_counter() - started)
            if run == 0:
                event.remove(engine, "before_cursor_execute", count)
    return indicators, times, len(statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--buyers", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        engine = make_engine(url)
        started = time.perf_counter()
        with engine.begin() as connection:
            upgrade(connection=connection, url=url)
        migrated = time.perf_counter() - started
        lines, declarations = build(engine, contracts=options.contracts, lines=options.lines,
                                    buyers=options.buyers, seed=6)
        built = time.perf_counter() - started - migrated
        print(f"Base SQLite temporaire : {options.contracts} contrats, {declarations} "
              f"déclarations, {lines} lignes d'insertion ({migrated:.1f} s de migrations, "
              f"{built:.1f} s d'insertions)")
        results = {}
        for label, buyer in (("tous les acheteurs", None), ("un acheteur", 1)):
            indicators, times, statements = timed(engine, buyer_org_id=buyer, runs=options.runs)
            results[label] = indicators
            # SQLite: one of the statements is the BEGIN the engine sends (portal.db).
            print(f"compute_indicators({YEAR}, {label}) : {len(indicators)} indicateurs, "
                  f"{statements} instructions SQL, premier calcul {times[0] * 1000:.0f} ms, "
                  f"meilleur de {len(times)} : {min(times) * 1000:.0f} ms")
        print(f"Indicateurs {YEAR}, tous les acheteurs :")
        for indicator in results["tous les acheteurs"]:
            print(f"  {indicator.id:<36} {display(indicator.value, indicator.unit):>14}  "
                  f"({indicator.records} enregistrements)")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
