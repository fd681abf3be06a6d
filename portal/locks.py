"""One active scheduler at a time: a PostgreSQL advisory lock, or a lease row on SQLite."""

import os
import socket
import uuid
from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, String, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.clock import now
from portal.db import Base

ADVISORY_KEY = 7_310_112_026  # any constant: the portal's scheduler lock
LEASE = timedelta(minutes=2)


class SchedulerLease(Base):
    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]


def new_owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold_lease(db: Session, owner: str, name: str = "scheduler") -> bool:
    """Takes or renews the lease; True while this owner holds it (SQLite and any database)."""
    moment = now()
    renewed = db.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name,
               (SchedulerLease.owner == owner) | (SchedulerLease.expires_at < moment))
        .values(owner=owner, expires_at=moment + LEASE)
        .execution_options(synchronize_session=False))
    if renewed.rowcount == 1:
        return True
    try:
        with db.begin_nested():
            db.add(SchedulerLease(name=name, owner=owner, expires_at=moment + LEASE))
    except IntegrityError:
        return False  # somebody else holds it
    return True


def release_lease(db: Session, owner: str, name: str = "scheduler") -> None:
    db.execute(update(SchedulerLease).where(SchedulerLease.name == name,
                                            SchedulerLease.owner == owner)
               .values(expires_at=now() - LEASE).execution_options(synchronize_session=False))


class AdvisoryLock:
    """A PostgreSQL session lock held on its own connection for as long as the process runs.

    The lock lives and dies with that connection: when it is cut (server restart, network,
    pg_terminate_backend) another scheduler may take the lock, so holding is checked again
    before every job, never assumed."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        """True if this process holds the lock. A lock found lost answers False once (that run
        is skipped); the next call tries to take it again on a new connection."""
        if self.connection is not None:
            if self._still_held(self.connection):
                return True
            self._drop()
            return False
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                 {"key": ADVISORY_KEY}).scalar()
        connection.commit()
        if got:
            self.connection = connection
        else:
            connection.close()
        return bool(got)

    @staticmethod
    def _still_held(connection: Connection) -> bool:
        try:
            held = connection.execute(HELD, {"key": ADVISORY_KEY}).scalar()
            connection.commit()
        except DBAPIError:
            return False  # the connection is gone, and the lock with it
        return bool(held)

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        with suppress(DBAPIError):
            connection.invalidate()  # never handed back to the pool
            connection.close()

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                    {"key": ADVISORY_KEY})
            self.connection.commit()
            self.connection.close()
            self.connection = None
        except DBAPIError:  # already lost with its connection: nothing left to release
            self._drop()


# A bigint advisory key shows in pg_locks as its high (classid) and low (objid) halves.
HELD = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = :key)")
