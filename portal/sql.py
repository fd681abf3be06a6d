"""Portable SQL pieces the ORM does not spell the same way on SQLite and PostgreSQL."""

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Subquery,
    extract,
    func,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.db import UtcDateTime


def year_of(column) -> ColumnElement[int]:
    """The calendar year of a date, an integer on both databases (grouping by year)."""
    return func.cast(extract("year", column), Integer)


class days_between(FunctionElement):  # noqa: N801 - used like a SQL function
    """Whole days from the second date to the first (``later - earlier``), an integer."""

    type = BigInteger()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"(CAST({compiler.process(later, **kw)} AS DATE) - " \
           f"CAST({compiler.process(earlier, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"CAST(julianday({compiler.process(later, **kw)}) - " \
           f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"


class utc_instant(FunctionElement):  # noqa: N801 - used like a SQL function
    """The instant ``seconds`` (a whole number) after the UTC midnight that starts a date,
    comparable with the timestamps `portal.db.UtcDateTime` stores: SQLite keeps them as UTC text
    (``2025-03-31 21:59:59.000000``), PostgreSQL as ``timestamptz``."""

    type = UtcDateTime()
    inherit_cache = True
    name = "utc_instant"

    def __init__(self, day, seconds: int):
        # Rendered in the statement (part of its cache key): a whole number, never user input.
        super().__init__(day, literal_column(str(int(seconds))))


@compiles(utc_instant)
def _utc_instant_postgresql(element, compiler, **kw):
    day, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((CAST({day} AS DATE) + INTERVAL '{seconds} seconds') AT TIME ZONE 'UTC')"


@compiles(utc_instant, "sqlite")
def _utc_instant_sqlite(element, compiler, **kw):
    day, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"datetime({day}, '{seconds} seconds')"


def ranked_by(rows: Subquery, value: str, *,
              within: str | tuple[str, ...]) -> tuple[Subquery, ColumnElement]:
    """``rows`` with each row's rank by ``value`` within its ``within`` group (one column or
    several), and the condition that holds on the group's middle row(s). Grouped by ``within``,
    the median of ``value`` is then ``func.avg(case((middle, ranked.c[value])))``: the mean of
    the middle row(s), the same statement on SQLite (which has no percentile function) and on
    PostgreSQL."""
    groups = [rows.c[name] for name in ((within,) if isinstance(within, str) else within)]
    ranked = select(rows, func.row_number().over(partition_by=groups,
                                                 order_by=rows.c[value]).label("_rank"),
                    func.count().over(partition_by=groups).label("_rows")).subquery()
    middle = ranked.c._rank.in_(((ranked.c._rows + 1) // 2, (ranked.c._rows + 2) // 2))
    return ranked, middle
