"""Counting the SQL statements a page or a service call sends, to show it does not grow with
the rows (no N+1 query, no lazy load in a template)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Collects every statement sent to the database inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_statements(client, engine, url: str, db=None) -> list[str]:
    """The statements one GET of ``url`` sends, the page being answered 200."""
    if db is not None:
        db.expire_all()  # every measure starts cold
    with counting(engine) as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return seen
