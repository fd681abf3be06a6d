"""Only one scheduler runs jobs, on SQLite (lease row) and PostgreSQL (advisory lock)."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from portal import clock
from portal.notifications import Notification
from portal.scheduler import JOBS_BY_NAME, Leader, _guarded, build


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
