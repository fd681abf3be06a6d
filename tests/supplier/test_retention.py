"""The detail of insertion hours goes once the retention period is over; the figures stay."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from execution.indicators import export_data
from execution.indicators.queries import Scope
from execution.indicators.service import compute_indicators
from execution.review import service as review
from portal import clock
from portal.reporting_period import ReportingPeriod
from portal.scheduler import JOBS_BY_NAME
from supplier.models import InsertionExit, InsertionLine
from supplier.retention import remove_expired_detail, retention_limit
from tests import factories
from tests.execution.indicator_dataset import NOW, build

LATER = datetime(2032, 6, 1, 9, tzinfo=UTC)  # 5 years after every contract of the dataset


def _lines(db):
    db.expire_all()
    return db.execute(select(InsertionLine.declaration_id, InsertionLine.beneficiary_ref,
                             InsertionLine.public_category, InsertionLine.sex,
                             InsertionLine.hours, InsertionLine.line_count)
                      .order_by(InsertionLine.declaration_id, InsertionLine.public_category,
                                InsertionLine.sex)).all()


def test_every_indicator_keeps_its_value_once_the_detail_is_gone(db):
    ds = build(db)
    before = {buyer: compute_indicators(db, year=2025, buyer_org_id=buyer)
              for buyer in (ds.a.id, ds.b.id, None)}
    assert any(ref is not None for _, ref, *_ in _lines(db))

    clock.freeze(LATER)
    summary = remove_expired_detail(db)
    db.commit()
    assert summary.endswith("(contrats terminés depuis plus de 5 ans)")
    assert all(ref is None for _, ref, *_ in _lines(db))
    # The exits keep their outcome and date, not the person.
    exits = db.scalars(select(InsertionExit.beneficiary_ref)).all()
    assert exits and set(exits) == {None}

    clock.freeze(NOW)
    after = {buyer: compute_indicators(db, year=2025, buyer_org_id=buyer)
             for buyer in (ds.a.id, ds.b.id, None)}
    assert after == before


def test_lines_are_merged_per_group_and_only_past_the_retention_period(db, world):
    ended = world.declarations[0]
    factories.submit(db, ended, world.holder,
                     factories.line(beneficiary_ref="A-1", hours=Decimal("35")),
                     factories.line(beneficiary_ref="A-2", hours=Decimal("14.5")),
                     factories.line(beneficiary_ref="A-3", sex="M", hours=Decimal("20")))
    review.validate(db, ended.id, reviewer=world.buyer, version=ended.version)
    running = factories.make_contract(db, world.buyer, world.holder.organisation,
                                      starts_on=date(2025, 1, 1), ends_on=date(2031, 12, 31))
    kept = factories.declarations(db, running)[0]
    factories.submit(db, kept, world.holder, factories.line(beneficiary_ref="K-1"))

    # World's contract ended on 31/12/2025: its detail stays until 31/12/2030.
    clock.freeze(datetime(2030, 12, 31, 12, tzinfo=UTC))
    assert retention_limit() == date(2025, 12, 31)
    remove_expired_detail(db)
    assert {ref for _, ref, *_ in _lines(db)} == {"A-1", "A-2", "A-3", "K-1"}

    clock.freeze(datetime(2031, 1, 1, 12, tzinfo=UTC))
    summary = JOBS_BY_NAME["remove_insertion_detail"].run(db)
    assert summary.startswith("3 lignes d'insertion détaillées regroupées dans 1 déclaration ")
    assert _lines(db) == [
        (ended.id, None, "RSA", "F", Decimal("49.5"), 2),
        (ended.id, None, "RSA", "M", Decimal("20"), 1),
        (kept.id, "K-1", "RSA", "F", Decimal("35"), 1),
    ]
    # Running again finds nothing more.
    assert remove_expired_detail(db).startswith("0 ligne ")
    # The export of the lines says what a merged line stands for.
    exported = export_data.insertion_lines(
        db, Scope(ReportingPeriod.of_year(2025), buyer_org_id=world.buyer.organisation_id,
                  today=date(2031, 1, 1)))
    assert "2 lignes regroupées" in {cell for row in exported.rows for cell in row}


def test_a_merged_declaration_still_shows_and_answers_in_the_api(client, db, login, api, world):
    declaration = world.declarations[0]
    factories.submit(db, declaration, world.holder,
                     factories.line(beneficiary_ref="A-1"), factories.line(beneficiary_ref="A-2"))
    clock.freeze(datetime(2031, 1, 2, tzinfo=UTC))
    remove_expired_detail(db)
    db.commit()
    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{declaration.id}")
    assert page.status_code == 200
    assert "2 lignes regroupées (durée de conservation écoulée)" in page.text
    body = api(world.holder).get(f"/api/v1/declarations/{declaration.id}").json()
    assert body["content"]["lines"][0]["beneficiary_ref"] is None
    assert body["content"]["lines"][0]["line_count"] == 2
    assert body["content"]["total_hours"] == "70.00"
