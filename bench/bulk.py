"""Bulk loading below the ORM: rows are plain tuples streamed to the driver, `executemany` on
SQLite and `COPY … FROM STDIN` on PostgreSQL, inside the caller's transaction.

A million insertion lines through ORM objects (or even Core dictionaries) costs minutes; tuples
given straight to the driver cost seconds. The price is doing by hand what SQLAlchemy would do:
filling the Python-side defaults and writing dates the way the SQLite dialect stores them.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, text

# The instant the generated rows were "created": a fixed date keeps two runs identical.
CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def _sqlite_date(value):
    return value.isoformat() if isinstance(value, date) else value


def _sqlite_datetime(value):
    # The SQLite dialect's own storage format (no zone: portal.db reads them back as UTC).
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_bool(value):
    return None if value is None else int(value)


def _json(value):
    return json.dumps(value) if isinstance(value, dict | list) else value


def _sqlite_converter(column):
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, DateTime):
        return _sqlite_datetime
    if isinstance(kind, Date):
        return _sqlite_date
    if isinstance(kind, Boolean):
        return _sqlite_bool
    if isinstance(kind, JSON):
        return _json
    return None


class BulkWriter:
    """Writes generated rows to one connection and counts them per table."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        self._explicit_ids: set[str] = set()

    def put(self, model, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        table: Table = getattr(model, "__table__", model)
        extra_columns, extra_values = _python_defaults(table, columns)
        names = (*columns, *extra_columns)
        if "id" in columns:
            self._explicit_ids.add(table.name)
        counted = _Counter(rows, extra_values)
        if self.postgres:
            self._copy(table, names, counted)
        else:
            self._executemany(table, names, counted)
        self.counts[table.name] = self.counts.get(table.name, 0) + counted.count

    def _executemany(self, table: Table, names: Sequence[str], rows: Iterable[tuple]) -> None:
        converters = [_sqlite_converter(table.c[name]) for name in names]
        if any(converters):
            positions = [(i, f) for i, f in enumerate(converters) if f is not None]

            def converted(row):
                row = list(row)
                for i, convert in positions:
                    row[i] = convert(row[i])
                return row

            rows = map(converted, rows)
        quote = self.connection.dialect.identifier_preparer.quote
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
               f"VALUES ({', '.join('?' * len(names))})")
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)  # sqlite3 consumes the iterator: no list in memory
        finally:
            cursor.close()

    def _copy(self, table: Table, names: Sequence[str], rows: Iterable[tuple]) -> None:
        json_positions = [i for i, name in enumerate(names)
                          if isinstance(table.c[name].type, JSON)]
        quote = self.connection.dialect.identifier_preparer.quote
        sql = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
        with self.connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(sql) as copy:
            for row in rows:
                if json_positions:
                    row = list(row)
                    for i in json_positions:
                        row[i] = _json(row[i])
                copy.write_row(row)

    def finish(self) -> None:
        """Moves the id sequences past the ids written explicitly (PostgreSQL), then refreshes
        the planner's statistics, as a live database would have them."""
        if self.postgres:
            for name in sorted(self._explicit_ids):
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"))
        self.connection.execute(text("ANALYZE"))


class _Counter:
    """Counts rows as the driver pulls them, and appends the defaults' values."""

    def __init__(self, rows: Iterable[tuple], extra: tuple):
        self._rows, self._extra, self.count = rows, extra, 0

    def __iter__(self):
        extra = self._extra
        for row in self._rows:
            self.count += 1
            yield (*row, *extra) if extra else row


def _python_defaults(table: Table, given: Sequence[str]) -> tuple[tuple[str, ...], tuple]:
    """The columns the rows leave out that SQLAlchemy would have filled from a Python-side
    default (``default=False``, ``default=now``): the driver knows nothing of those."""
    names, values = [], []
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if default.is_scalar:
            # StrEnum members become plain strings: neither driver needs to know the enum.
            value = str(default.arg) if isinstance(default.arg, str) else default.arg
        elif default.is_callable:
            kind = getattr(column.type, "impl", column.type)
            value = CREATED if isinstance(kind, DateTime) else default.arg(None)
        else:
            continue
        names.append(column.name)
        values.append(value)
    return tuple(names), tuple(values)
