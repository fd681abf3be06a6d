"""The crafted dataset of test_indicators.py, every row written directly (see its docstring
for the contracts); the hand computations are in the tests.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from portal import clock
from portal.agec import AgecThreshold
from portal.models import CommitmentKind as K
from portal.models import OrgKind
from supplier.models import InsertionExit, Status, Subject
from surveys.models import Direction, Scale
from tests.execution import indicator_world as w
from tests.execution.indicator_world import utc

NOW = datetime(2026, 2, 1, 10, tzinfo=UTC)
D = Decimal
SAT, LIKELY = Scale.satisfaction, Scale.likelihood
H2R, R2H = Direction.holder_rates_buyer, Direction.buyer_rates_holder


def quarter(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * q - 2, 1)
    end = {1: date(year, 3, 31), 2: date(year, 6, 30), 3: date(year, 9, 30),
           4: date(year, 12, 31)}[q]
    return start, end


def build(db) -> SimpleNamespace:
    clock.freeze(NOW)
    a = w.org(db, OrgKind.buyer, postcode="59000", name="Métropole A")
    b = w.org(db, OrgKind.buyer, postcode="75001", name="Ville B")
    s1 = w.org(db, size="PME", postcode="59100")
    s2 = w.org(db, size="GE", postcode="75002")
    s3 = w.org(db, size="TPE")
    s4 = w.org(db, postcode="62000")
    c1 = w.contract(db, a, s1, co_holders=(s2,), notified_on=date(2025, 2, 1), amount="100000",
                    starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31), social_clause=True,
                    environmental_clause=True)
    c2 = w.contract(db, a, s3, notified_on=date(2025, 3, 1), amount="90000", reserved=True,
                    starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    c3 = w.contract(db, a, s4, notified_on=date(2025, 6, 1), amount="50000",
                    social_criterion=True, starts_on=date(2025, 7, 1), ends_on=date(2026, 6, 30))
    c4 = w.contract(db, a, s2, notified_on=date(2024, 5, 1), amount="200000",
                    starts_on=date(2024, 1, 1), ends_on=date(2025, 6, 30),
                    closed_on=date(2025, 3, 31))
    c5 = w.contract(db, a, s1, starts_on=date(2023, 1, 1), ends_on=date(2024, 12, 31))
    c6 = w.contract(db, a, s2, notified_on=date(2025, 9, 1), amount="120000",
                    starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    d1 = w.contract(db, b, s2, notified_on=date(2025, 4, 1), amount="300000",
                    environmental_criterion=True, starts_on=date(2025, 1, 1),
                    ends_on=date(2025, 12, 31))
    del c3

    # --- Insertion: (hours, sex, age) per declaration; only validated ones count.
    i1, i2, i4, i5, j1 = (w.insertion(db, c1, "1000.00"), w.insertion(db, c2, "500.00"),
                          w.insertion(db, c4, "800.00"), w.insertion(db, c5, "100.00"),
                          w.insertion(db, d1, "2000.00"))
    c1q1 = w.declaration(db, i1, *quarter(2025, 1), date(2025, 4, 30),
                         submitted_at=utc(2025, 4, 30, 21, 30))  # 23:30 in Paris: on time
    w.hours(db, c1q1, "RSA", "F", "26_49", "100")
    w.hours(db, c1q1, "DELD_12M", "M", "MOINS_26", "50.5")
    c1q2 = w.declaration(db, i1, *quarter(2025, 2), date(2025, 7, 30),
                         submitted_at=utc(2025, 7, 30, 22, 30))  # 00:30 on the 31st: late
    w.hours(db, c1q2, "RSA", "M", "50_PLUS", "200")
    c1q3 = w.declaration(db, i1, *quarter(2025, 3), date(2025, 10, 30), Status.submitted,
                         submitted_at=utc(2025, 10, 1))
    w.hours(db, c1q3, "RSA", "F", "26_49", "999")  # not validated: left out
    c2q1 = w.declaration(db, i2, *quarter(2025, 1), date(2025, 4, 30),
                         submitted_at=utc(2025, 4, 15))
    w.hours(db, c2q1, "JEUNE_MOINS_26", "F", "MOINS_26", "49.5")
    w.declaration(db, i2, *quarter(2025, 2), date(2025, 7, 30), Status.expected)
    c2q3 = w.declaration(db, i2, *quarter(2025, 3), date(2025, 10, 30), Status.returned,
                         submitted_at=utc(2025, 10, 1))
    w.hours(db, c2q3, "RSA", "F", "26_49", "77")  # returned: left out
    w.declaration(db, i2, *quarter(2025, 4), date(2026, 1, 30), Status.returned,
                  submitted_at=utc(2026, 1, 5))
    c4q4 = w.declaration(db, i4, *quarter(2024, 4), date(2025, 1, 30),
                         submitted_at=utc(2025, 1, 30, 22, 30))  # 23:30 in Paris (winter)
    w.hours(db, c4q4, "RSA", "M", "26_49", "300")  # 2024: only in the completion rate
    c4q1 = w.declaration(db, i4, *quarter(2025, 1), date(2025, 4, 30),
                         submitted_at=utc(2025, 5, 20))
    w.hours(db, c4q1, "RSA", "F", "50_PLUS", "100")
    c5q4 = w.declaration(db, i5, *quarter(2024, 4), date(2025, 1, 30),
                         submitted_at=utc(2025, 1, 31))
    w.hours(db, c5q4, "RSA", "M", "26_49", "40")
    d1q1 = w.declaration(db, j1, *quarter(2025, 1), date(2025, 4, 30),
                         submitted_at=utc(2025, 4, 2))
    w.hours(db, d1q1, "RSA", "F", "26_49", "1000")

    # --- AGEC (C6); textiles 2024 step: reuse 8 %, recycled 20 %; paper set here: 0 % and 40 %.
    paper = db.scalar(select(AgecThreshold).where(AgecThreshold.category_code == "D2024_PAPIER",
                                                  AgecThreshold.from_year == 2024))
    paper.reuse_min, paper.recycled_min, paper.source = D(0), D(40), "test"
    g6 = w.commitment(db, c6, K.agec_share,
                      categories=["D2024_TEXTILES", "D2024_MOBILIER", "D2024_PAPIER"])
    c6q1 = w.declaration(db, g6, *quarter(2025, 1), date(2025, 4, 30),
                         submitted_at=utc(2025, 4, 1))
    w.agec(db, c6q1, "D2024_TEXTILES", "1000", reuse="100", recycled="250")
    c6q2 = w.declaration(db, g6, *quarter(2025, 2), date(2025, 7, 30),
                         submitted_at=utc(2025, 7, 1))
    w.agec(db, c6q2, "D2024_MOBILIER", "2000", reuse="400")
    w.agec(db, c6q2, "D2024_PAPIER", "500", recycled="100")
    c6q3 = w.declaration(db, g6, *quarter(2025, 3), date(2025, 10, 30), Status.submitted,
                         submitted_at=utc(2025, 10, 29))
    w.agec(db, c6q3, "D2024_TEXTILES", "10000")  # not validated: left out

    # --- Progress plan (C1): v2 is in force at the end of 2025.
    p1 = w.commitment(db, c1, K.progress_plan, review_frequency="quarterly", plan_due_days=90)
    v1 = w.declaration(db, p1, date(2025, 1, 1), date(2025, 1, 1), date(2025, 3, 31),
                       submitted_at=utc(2025, 3, 1), subject=Subject.plan)
    for key, deadline in (("A1", date(2025, 6, 30)), ("A2", date(2025, 9, 30)),
                          ("A3", date(2026, 3, 31))):
        w.action(db, v1, key, deadline)
    v2 = w.declaration(db, p1, date(2025, 5, 1), date(2025, 5, 1), date(2025, 7, 30),
                       submitted_at=utc(2025, 6, 1), subject=Subject.plan)
    for key, deadline in (("A1", date(2025, 6, 30)), ("A2", date(2025, 9, 30)),
                          ("A4", date(2025, 8, 31)), ("A3", date(2026, 3, 31))):
        w.action(db, v2, key, deadline)
    v3 = w.declaration(db, p1, date(2025, 11, 1), date(2025, 11, 1), date(2026, 1, 30),
                       Status.submitted, submitted_at=utc(2025, 11, 2), subject=Subject.plan)
    w.action(db, v3, "A5", date(2025, 12, 15))  # not accepted: left out
    u2 = w.declaration(db, p1, *quarter(2025, 2), date(2025, 7, 30),
                       submitted_at=utc(2025, 7, 20))
    for key, status in (("A1", "done"), ("A2", "in_progress"), ("A4", "not_started")):
        w.update(db, u2, key, status)
    u3 = w.declaration(db, p1, *quarter(2025, 3), date(2025, 10, 30),
                       submitted_at=utc(2025, 11, 5))
    w.update(db, u3, "A2", "done")
    w.update(db, u3, "A4", "in_progress")
    u4 = w.declaration(db, p1, *quarter(2025, 4), date(2026, 1, 30),
                       submitted_at=utc(2026, 1, 10))
    w.update(db, u4, "A4", "done")  # reported for a period starting after its deadline

    # --- CSR reports of 2025 (due 30/06/2026): C1 validated, C2 submitted, C6 expected.
    for c, status in ((c1, Status.validated), (c2, Status.submitted), (c6, Status.expected)):
        w.declaration(db, w.commitment(db, c, K.csr_report), date(2025, 1, 1),
                      date(2025, 12, 31), date(2026, 6, 30), status)

    # --- Reviews, from the audit: (declaration, submission, review, its action).
    for d, events in (
            (c1q1, [("submit", utc(2025, 4, 30, 21, 30)), ("validate", utc(2025, 5, 2, 21, 30))]),
            (c2q3, [("submit", utc(2025, 10, 1)), ("return", utc(2025, 10, 5, 20))]),
            (c4q1, [("submit", utc(2025, 5, 10)), ("return", utc(2025, 5, 11)),
                    ("resubmit", utc(2025, 5, 20)), ("validate", utc(2025, 5, 30))]),
            (c5q4, [("submit", utc(2025, 1, 31)), ("validate", utc(2025, 2, 3))]),
            # Validated at 00:30 on 01/01/2026 in Paris: a review of 2026.
            (c6q1, [("submit", utc(2025, 4, 1)), ("validate", utc(2025, 12, 31, 23, 30))]),
            (d1q1, [("submit", utc(2025, 4, 2)), ("validate", utc(2025, 4, 12))])):
        for action_name, at in events:
            w.event(db, d, action_name, at)

    # --- Surveys closed in 2025 (C4, C1) and one closed on 01/01/2026 in Paris (C6).
    k4 = w.campaign(db, c4, utc(2025, 6, 1, 10))
    w.invitation(db, k4, H2R, s2, a, (SAT, 5), (SAT, 4), (SAT, None), (LIKELY, 9))
    w.invitation(db, k4, R2H, a, s2, (SAT, 5), (SAT, 5), (LIKELY, 10))
    k1 = w.campaign(db, c1, utc(2025, 12, 1))
    w.invitation(db, k1, H2R, s1, a, (SAT, 3), (SAT, 2), (LIKELY, 5))
    w.invitation(db, k1, H2R, s2, a, (SAT, 1), submitted=False)
    w.invitation(db, k1, R2H, a, s1, (SAT, 1), submitted=False)
    w.invitation(db, k1, R2H, a, s2, (SAT, 1), (LIKELY, 8))
    k6 = w.campaign(db, c6, utc(2025, 12, 31, 23, 30))
    w.invitation(db, k6, H2R, s2, a, (SAT, 1))

    # --- Exits: A has 2 positive of 3 known in 2025 (one unknown, one in 2024); B 1 of 1.
    for contract, holder, ref, outcome, day in (
            (c1, s1, "X-1", "permanent", date(2025, 6, 30)),
            (c1, s1, "X-2", "none", date(2025, 7, 1)),
            (c1, s1, "X-3", "unknown", date(2025, 8, 1)),
            (c2, s3, "X-4", "training", date(2025, 12, 31)),
            (c4, s2, "X-5", "other_job", date(2024, 12, 31)),
            (d1, s2, "X-6", "fixed_term_6m", date(2025, 3, 1))):
        db.add(InsertionExit(contract_id=contract.id, organisation_id=holder.id,
                             beneficiary_ref=ref, outcome=outcome, exited_on=day))
    db.commit()
    return SimpleNamespace(a=a, b=b)
