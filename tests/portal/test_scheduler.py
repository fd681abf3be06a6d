"""Only one scheduler runs jobs, on SQLite (lease row) and PostgreSQL (advisory lock)."""

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from portal import clock
from portal.locks import LEASE
from portal.notifications import Notification
from portal.scheduler import JOBS_BY_NAME, Job, Leader, _guarded, build


def test_two_schedulers_started_together_run_each_job_once(db, world):
    clock.freeze(datetime(2025, 4, 8, 7, tzinfo=UTC))
    first, second = Leader(), Leader()
    try:
        for name in ("remind_due", "notify_overdue", "weekly_digest"):
            for leader in (first, second):
                _guarded(leader, JOBS_BY_NAME[name])()
        assert first.holds() and not second.holds()
        told = db.scalars(select(Notification.kind).order_by(Notification.id)).all()
        # Once each: the 7-day reminder to the holder's user, this week's digest to the buyer.
        assert told == ["reminder", "digest"]
    finally:
        first.release()
        second.release()


def test_the_second_scheduler_takes_over_when_the_first_stops(db):
    first, second = Leader(), Leader()
    try:
        assert first.holds()
        assert not second.holds()
        first.release()
        assert second.holds()
    finally:
        first.release()
        second.release()


def test_every_job_is_scheduled():
    scheduler, leader = build()
    assert {job.id for job in scheduler.get_jobs()} == set(JOBS_BY_NAME)
    assert date.today()  # build() does not start anything by itself


def _cut_lock(db, leader):
    """What loses a scheduler its lock: on PostgreSQL its lock connection is cut; on SQLite the
    process was stalled longer than the lease."""
    if leader.advisory is not None:
        pid = leader.advisory.connection.execute(text("SELECT pg_backend_pid()")).scalar()
        leader.advisory.connection.commit()
        # The timeout makes the call wait until the backend has gone, with its lock.
        assert db.execute(text("SELECT pg_terminate_backend(:pid, 30000)"), {"pid": pid}).scalar()
    else:
        clock.freeze(clock.now() + LEASE + timedelta(minutes=1))


def test_a_scheduler_that_lost_its_lock_runs_nothing_until_it_holds_it_again(db, caplog,
                                                                            monkeypatch):
    runs = []
    monkeypatch.setitem(JOBS_BY_NAME, "counted", Job(
        "counted", lambda session: runs.append(1) or "fait", lambda: None, "compte"))
    first, second = Leader(), Leader()
    job = _guarded(first, JOBS_BY_NAME["counted"])
    try:
        job()
        assert runs == [1]

        _cut_lock(db, first)
        assert second.holds()  # another scheduler may take over meanwhile
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="portal.scheduler"):
            job()
        assert runs == [1]
        assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
            "scheduler lock lost (connection cut or lease taken over): job counted skipped, "
            "jobs stop until the lock is held again"]
        job()  # still not the holder: still skipped
        assert runs == [1]

        second.release()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="portal.scheduler"):
            job()
        assert runs == [1, 1]  # the lock is taken again and jobs run
        assert any("scheduler lock held" in r.getMessage() for r in caplog.records)
        assert not second.holds()
    finally:
        first.release()
        second.release()
