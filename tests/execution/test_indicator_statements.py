"""The whole indicator set costs the same number of SQL statements with 2 contracts or 20:
each indicator is an aggregate, never a query per contract or a loop over rows."""

from datetime import UTC, date, datetime

from sqlalchemy import event

from execution.indicators.declarations import review_delays
from execution.indicators.queries import Scope
from execution.indicators.service import compute_indicators
from execution.indicators.trends import compute_trends
from portal import clock
from portal.models import CommitmentKind as K
from portal.models import OrgKind
from supplier.models import Status, Subject
from surveys.models import Direction, Scale
from tests.execution import indicator_world as w
from tests.execution.indicator_world import utc


def populate(db, buyer, contracts: int) -> None:
    """``contracts`` contracts of 2025, each with every kind of data an indicator reads."""
    for n in range(contracts):
        holder = w.org(db, size=("PME", "GE", None)[n % 3], postcode=("59000", "75001")[n % 2])
        c = w.contract(db, buyer, holder, notified_on=date(2025, 3, 1), amount="150000",
                       starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
                       social_clause=n % 2 == 0, reserved=n % 5 == 0,
                       environmental_criterion=n % 3 == 0)
        insertion = w.insertion(db, c, "1000.00")
        for q, (start, end) in enumerate(((date(2025, 1, 1), date(2025, 3, 31)),
                                          (date(2025, 4, 1), date(2025, 6, 30))), start=1):
            d = w.declaration(db, insertion, start, end, date(2025, 3 * q + 1, 30),
                              submitted_at=utc(2025, 3 * q + 1, 10))
            for sex in ("F", "M", "F"):
                w.hours(db, d, "RSA", sex, "26_49", "35")
            w.event(db, d, "submit", utc(2025, 3 * q + 1, 10))
            w.event(db, d, "validate", utc(2025, 3 * q + 1, 12 + n % 5))
        agec = w.commitment(db, c, K.agec_share, categories=["D2024_TEXTILES", "D2024_PAPIER"])
        d = w.declaration(db, agec, date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 30),
                          submitted_at=utc(2025, 4, 1))
        w.agec(db, d, "D2024_TEXTILES", "1000", reuse="100", recycled="250")
        w.agec(db, d, "D2024_PAPIER", "500", recycled="100")
        plan = w.commitment(db, c, K.progress_plan, review_frequency="quarterly",
                            plan_due_days=90)
        proposal = w.declaration(db, plan, date(2025, 1, 1), date(2025, 1, 1),
                                 date(2025, 3, 31), submitted_at=utc(2025, 3, 1),
                                 subject=Subject.plan)
        w.action(db, proposal, "A1", date(2025, 6, 30))
        w.action(db, proposal, "A2", date(2025, 9, 30))
        progress = w.declaration(db, plan, date(2025, 4, 1), date(2025, 6, 30),
                                 date(2025, 7, 30), submitted_at=utc(2025, 7, 1))
        w.update(db, progress, "A1", "done")
        w.declaration(db, w.commitment(db, c, K.csr_report), date(2025, 1, 1),
                      date(2025, 12, 31), date(2026, 6, 30),
                      (Status.validated, Status.expected)[n % 2])
        campaign = w.campaign(db, c, datetime(2025, 12, 1, tzinfo=UTC))
        w.invitation(db, campaign, Direction.holder_rates_buyer, holder, buyer,
                     (Scale.satisfaction, 4), (Scale.likelihood, 9))
        w.invitation(db, campaign, Direction.buyer_rates_holder, buyer, holder,
                     (Scale.satisfaction, 3), (Scale.likelihood, 6))
    db.commit()


def statements(db, engine, buyer) -> tuple[int, list, list]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    buyer_id = buyer.id
    db.expire_all()  # each measure starts cold: no settings row already in the session
    db.connection()  # the test's savepoint is opened before counting
    event.listen(engine, "before_cursor_execute", record)
    try:
        indicators = compute_indicators(db, year=2025, buyer_org_id=buyer_id)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen), indicators, seen


def test_the_statement_count_does_not_grow_with_the_contracts(db, engine):
    clock.freeze(datetime(2026, 2, 1, tzinfo=UTC))
    small, large = w.org(db, OrgKind.buyer, postcode="59000"), w.org(db, OrgKind.buyer,
                                                                      postcode="59000")
    populate(db, small, 2)
    populate(db, large, 20)
    few, few_indicators, few_sql = statements(db, engine, small)
    many, many_indicators, many_sql = statements(db, engine, large)
    assert few == many, (few_sql, many_sql)
    assert few <= 20, few  # about one statement per indicator family
    # Both sets really rest on the data: 2 × 2 × 3 lines and 20 × 2 × 3 lines.
    hours = {i.id: i for i in many_indicators}["insertion_hours"]
    assert (hours.records, hours.value) == (120, 4200)
    assert {i.id: i for i in few_indicators}["insertion_hours"].records == 12
    print(f"SQL statements for the whole indicator set: {few} (2 contracts), {many} (20)")


def count_statements(engine, run) -> int:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def test_trends_read_every_year_in_the_same_statements(db, engine):
    """Five years of trends cost what two cost: the statements group by year."""
    clock.freeze(datetime(2026, 2, 1, tzinfo=UTC))
    buyer = w.org(db, OrgKind.buyer, postcode="59000")
    populate(db, buyer, 2)
    db.connection()
    two = count_statements(engine, lambda: compute_trends(db, years=[2024, 2025],
                                                          buyer_org_id=buyer.id))
    five = count_statements(engine, lambda: compute_trends(
        db, years=[2021, 2022, 2023, 2024, 2025], buyer_org_id=buyer.id))
    assert two == five <= 6, (two, five)
    trends = compute_trends(db, years=[2024, 2025], buyer_org_id=buyer.id)
    assert trends[2025]["insertion_hours"].value == 420  # 2 contracts × 2 quarters × 105 h
    assert trends[2024]["insertion_hours"].value == 0


def test_review_delays_are_one_statement(db, engine):
    clock.freeze(datetime(2026, 2, 1, tzinfo=UTC))
    buyer = w.org(db, OrgKind.buyer, postcode="59000")
    populate(db, buyer, 3)
    db.connection()
    for buyer_org_id in (buyer.id, None):
        scope = Scope(2025, buyer_org_id, date(2026, 2, 1))
        assert count_statements(engine, lambda s=scope: review_delays(db, s)) == 1
        # 3 contracts × 2 quarters, validated 2 to 4 days after their submission.
        assert review_delays(db, scope).reviews == 6
