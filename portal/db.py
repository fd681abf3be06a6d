"""Engine, session factory and the request-scoped transaction."""

import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from anyio.to_thread import run_sync as run_in_threadpool
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from portal.settings import get_settings

# SQLite stores Numeric as text-affine numbers; the portal quantizes every value it reads, so the
# driver's warning about Decimal round-trips is expected on the embedded database only.
warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal",
                        category=SAWarning)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Timestamps are UTC and timezone-aware, also on SQLite, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use portal.clock.now()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}


# Execution option of the sessions whose transactions write (see new_session).
WRITES = "portal_writes"
# Connections each process keeps (and may open beyond, under load). The web requests of a process
# hold at most this many sessions at once (portal.auth.DbSession): the others wait their turn.
POOL_SIZE, POOL_OVERFLOW = 5, 10
SESSIONS_PER_PROCESS = POOL_SIZE + POOL_OVERFLOW


def make_engine(url: str) -> Engine:
    # hide_parameters: a failing statement's values (beneficiary references, comments, e-mail
    # addresses) stay out of exception messages, hence out of logs (see portal.error_log).
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        pool = {}  # an in-memory database is one connection, not a pool
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           hide_parameters=True, **pool)

    # pysqlite opens transactions on its own and breaks SAVEPOINT; let SQLAlchemy drive them.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A transaction that will write takes the write lock first, waiting for it up to the
        # timeout above. Begun deferred, it would read, then fail at its first write without
        # waiting ("database is locked") whenever another connection committed in between.
        writes = connection.get_execution_options().get(WRITES)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


SessionFactory = sessionmaker(expire_on_commit=False)
_engine: Engine | None = None


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
        SessionFactory.configure(bind=_engine)
    return _engine


def new_session(*, writes: bool = False) -> Session:
    """A session; ``writes`` when its transactions will write (SQLite then locks at BEGIN)."""
    get_engine()
    return SessionFactory(execution_options={WRITES: True}) if writes else SessionFactory()


@asynccontextmanager
async def request_transaction(*, writes: bool = False) -> AsyncIterator[Session]:
    """One request, one transaction: committed when the route returns, rolled back on error
    (``writes``: see `new_session`).

    Entered by ``Depends(..., scope="function")`` (portal.auth.DbSession) so the commit happens
    before the response is sent: a failed commit must not answer 200. Opening a session touches
    no database (the connection is taken at the first statement), so this runs on the event
    loop and only the commit or rollback goes to the thread pool: one trip there per request
    instead of two.
    """
    db = new_session(writes=writes)
    try:
        yield db
        await run_in_threadpool(_commit, db)
    except BaseException:
        await run_in_threadpool(_roll_back, db)
        raise


def _commit(db: Session) -> None:
    with db:
        db.commit()


def _roll_back(db: Session) -> None:
    # Detach what was loaded before rolling back, so the error page can still show who is
    # logged in without touching the failed transaction.
    with db:
        db.expunge_all()
        db.rollback()
