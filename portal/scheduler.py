"""The scheduler: every job of every package, run by APScheduler 3 under a database lock.

Production runs it as its own process (`portal scheduler`); the embedded default runs it inside
`portal serve` (PORTAL_SCHEDULER=inline). Whatever the number of processes, only the holder of the
lock runs jobs, and the jobs are idempotent anyway.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from execution import jobs as execution_jobs
from execution.decp import job as decp_job
from portal import jobs as portal_jobs
from portal.clock import now
from portal.db import get_engine, new_session
from portal.error_log import log_unexpected
from portal.locks import AdvisoryLock, hold_lease, new_owner_id, release_lease
from supplier import jobs as supplier_jobs
from supplier import retention as supplier_retention
from surveys import jobs as survey_jobs
from surveys.candidates import jobs as candidate_jobs

log = logging.getLogger(__name__)
TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Session], str]
    trigger: Callable[[], object]
    description: str


JOBS = [
    Job("deliver_mail", portal_jobs.deliver_mail, lambda: IntervalTrigger(minutes=1),
        "envoie les courriels en attente (nouvel essai en cas d'échec)"),
    Job("generate_periods", supplier_jobs.generate_periods,
        lambda: CronTrigger(hour=1, minute=0, timezone=TIMEZONE),
        "crée les périodes de déclaration des contrats en cours"),
    Job("remind_due", supplier_jobs.remind_due,
        lambda: CronTrigger(hour=7, minute=0, timezone=TIMEZONE),
        "rappelle aux titulaires les déclarations à déposer (J-7, J-1) et en retard, un "
        "courriel par personne et par jour"),
    Job("notify_overdue", supplier_jobs.notify_overdue,
        lambda: CronTrigger(hour=7, minute=10, timezone=TIMEZONE),
        "signale aux acheteurs les déclarations non déposées après le délai de grâce, un "
        "courriel par personne et par jour"),
    Job("launch_surveys", survey_jobs.launch_campaigns,
        lambda: CronTrigger(hour=6, minute=30, timezone=TIMEZONE),
        "lance les enquêtes des contrats terminés, invite et relance les répondants"),
    Job("launch_yearly_reviews", survey_jobs.launch_reviews,
        lambda: CronTrigger(hour=6, minute=20, timezone=TIMEZONE),
        "lance la revue annuelle des contrats pluriannuels à chaque anniversaire de leur début"),
    Job("close_surveys", survey_jobs.close_campaigns,
        lambda: CronTrigger(hour=0, minute=30, timezone=TIMEZONE),
        "clôt les enquêtes dont la date limite est passée"),
    Job("erase_candidate_addresses", candidate_jobs.erase_expired_addresses,
        lambda: CronTrigger(hour=0, minute=40, timezone=TIMEZONE),
        "efface les adresses des candidats évincés : liens expirés, courriels envoyés"),
    Job("purge_tokens", portal_jobs.purge_tokens,
        lambda: CronTrigger(hour=3, minute=0, timezone=TIMEZONE),
        "supprime les sessions, jetons et liens expirés"),
    Job("remove_insertion_detail", supplier_retention.remove_expired_detail,
        lambda: CronTrigger(hour=3, minute=20, timezone=TIMEZONE),
        "regroupe les lignes d'insertion des contrats terminés depuis la durée de conservation"),
    Job("weekly_digest", execution_jobs.weekly_digest,
        lambda: CronTrigger(day_of_week="mon", hour=7, minute=30, timezone=TIMEZONE),
        "envoie aux acheteurs leur récapitulatif de la semaine"),
    Job("fail_stale_decp_imports", decp_job.fail_stale, lambda: IntervalTrigger(minutes=5),
        "marque en échec les imports DECP interrompus par l'arrêt de leur processus"),
]
JOBS_BY_NAME = {job.name: job for job in JOBS}


def run_job(name: str) -> str:
    """Runs one job once in its own transaction (operators, cron, tests)."""
    job = JOBS_BY_NAME[name]
    with new_session(writes=True) as db:
        try:
            summary = job.run(db)
            db.commit()
        except BaseException:
            db.rollback()
            raise
    return summary


class Leader:
    """Whether this process may run jobs now: the advisory lock on PostgreSQL, a lease row
    elsewhere (renewed at every run, so a dead scheduler hands over within two minutes)."""

    def __init__(self) -> None:
        self.owner = new_owner_id()
        engine = get_engine()
        self.advisory = AdvisoryLock(engine) if engine.dialect.name == "postgresql" else None
        self.leading = False

    def holds(self, job: str = "") -> bool:
        """Checked before every job: a lock or lease lost since the last job is not assumed."""
        try:
            held = self._check()
        except Exception as error:  # database unreachable: run nothing rather than risk twice
            log_unexpected(log, "scheduler lock check failed: jobs wait until it succeeds",
                           error=error)
            held = False
        if self.leading and not held:
            log.warning("scheduler lock lost (connection cut or lease taken over): job %s "
                        "skipped, jobs stop until the lock is held again", job or "-")
        elif held and not self.leading:
            log.info("scheduler lock held by %s: jobs run", self.owner)
        self.leading = held
        return held

    def _check(self) -> bool:
        if self.advisory is not None:
            return self.advisory.acquire()
        # The lease is written: take SQLite's write lock at BEGIN, or a renewal racing the other
        # scheduler's commit fails at once ("database is locked") instead of waiting its turn.
        with new_session(writes=True) as db:
            held = hold_lease(db, self.owner)
            db.commit()
        return held

    def release(self) -> None:
        self.leading = False
        if self.advisory is not None:
            self.advisory.release()
            return
        with new_session(writes=True) as db:
            release_lease(db, self.owner)
            db.commit()


def _guarded(leader: Leader, job: Job) -> Callable[[], None]:
    def run() -> None:
        if not leader.holds(job.name):
            log.debug("job %s skipped: another scheduler is active", job.name)
            return
        try:
            log.info("job %s: %s", job.name, run_job(job.name))
        except Exception as error:
            log_unexpected(log, "job %s failed", job.name, error=error)
    return run


def build(scheduler_class=BackgroundScheduler, *, leader: Leader | None = None):
    leader = leader or Leader()
    scheduler = scheduler_class(timezone=TIMEZONE, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    start = now()
    for index, job in enumerate(JOBS):
        # Every job also runs once shortly after start: what was missed while the portal was
        # stopped is caught up (the jobs are idempotent).
        scheduler.add_job(_guarded(leader, job), job.trigger(), id=job.name, name=job.name,
                          next_run_time=start + timedelta(seconds=5 + 2 * index))
    return scheduler, leader


def run_forever() -> None:
    scheduler, leader = build(BlockingScheduler)
    try:
        scheduler.start()
    finally:
        leader.release()
