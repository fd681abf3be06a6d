"""« Filed on time » has one definition, `end_of_due_day` (Python's time-zone database): the SQL
of the indicator and of its drill-down compares the same UTC bounds, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, literal, select

from execution.indicators.declarations import due_day_end, end_of_due_day


def test_the_due_day_ends_at_midnight_in_paris():
    # Winter (UTC+1), the days around both clock changes of 2025, summer (UTC+2).
    assert end_of_due_day(date(2025, 1, 15)) == datetime(2025, 1, 15, 23, tzinfo=UTC)
    assert end_of_due_day(date(2025, 3, 29)) == datetime(2025, 3, 29, 23, tzinfo=UTC)
    assert end_of_due_day(date(2025, 3, 30)) == datetime(2025, 3, 30, 22, tzinfo=UTC)
    assert end_of_due_day(date(2025, 7, 15)) == datetime(2025, 7, 15, 22, tzinfo=UTC)
    assert end_of_due_day(date(2025, 10, 25)) == datetime(2025, 10, 25, 22, tzinfo=UTC)
    assert end_of_due_day(date(2025, 10, 26)) == datetime(2025, 10, 26, 23, tzinfo=UTC)
    assert end_of_due_day(date(2025, 12, 31)) == datetime(2025, 12, 31, 23, tzinfo=UTC)


def test_the_database_computes_the_same_bound_for_every_day(db):
    for year in (2024, 2025, 2026):
        days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
        days = [day for day in days if day.year == year]
        row = db.execute(select(*(due_day_end(literal(day, Date()), year)
                                  for day in days))).one()
        assert [moment.astimezone(UTC) for moment in row] == [end_of_due_day(day)
                                                               for day in days]
    # A date of another year has no bound in that year's statement.
    assert db.scalar(select(due_day_end(literal(date(2026, 1, 1), Date()), 2025))) is None
