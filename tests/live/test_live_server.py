"""A real `portal serve --workers 2` over HTTP, on SQLite and on PostgreSQL: concurrent filers,
racing reviewers, kill -9 during submissions, two schedulers on one database.

Each test asserts what the database holds afterwards and adds its counted figures to the
summary printed at the end of the run (see conftest.py).
"""

import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.models import User
from portal.notifications import notify
from portal.scheduler import JOBS
from supplier.service import STALE
from tests.factories import PASSWORD
from tests.live.server import PORTAL, wait_for
from tests.live.world import (
    CRASH_BATCH,
    CRASH_ROUNDS,
    FILERS,
    MONTHS,
    OVERDUE_HOLDERS,
    REVIEWS,
)

LINES_PER_FILER = 5


def _lines(prefix: str, count: int) -> list[dict]:
    return [{"beneficiary_ref": f"{prefix}-{k:03d}", "public_category": "RSA",
             "sex": "FM"[k % 2], "age_band": "26_49", "execution_mode": "EMBAUCHE_DIRECTE",
             "hours": str(1 + k % 7)} for k in range(count)]


def _api_token(client: httpx.Client, email: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _rows(engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def test_200_concurrent_filers_lose_and_duplicate_no_line(live, figures):
    """Each filer logs in, finds its declaration, saves its lines and submits, all at once."""
    start = threading.Barrier(FILERS)

    def file(index: int, email: str, declaration_id: int) -> list[int]:
        statuses = []
        with httpx.Client(base_url=live.server.base, timeout=120) as client:
            start.wait(timeout=60)
            headers = _api_token(client, email)
            listed = client.get("/api/v1/declarations", headers=headers)
            statuses.append(listed.status_code)
            mine = {d["id"]: d for d in listed.json()["items"]}[declaration_id]
            saved = client.put(f"/api/v1/declarations/{declaration_id}", headers=headers,
                               json={"version": mine["version"],
                                     "lines": _lines(f"F{index:03d}", LINES_PER_FILER)})
            statuses.append(saved.status_code)
            submitted = client.post(f"/api/v1/declarations/{declaration_id}/submit",
                                    headers=headers, json={"version": saved.json()["version"]})
            statuses.append(submitted.status_code)
        return statuses

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=FILERS) as pool:
        results = list(pool.map(lambda args: file(*args),
                                [(i, e, d) for i, (e, d) in enumerate(live.world.filers)]))
    seconds = time.perf_counter() - began
    assert [s for s in results if s != [200, 200, 200]] == []

    ids = [d for _, d in live.world.filers]
    in_list = ",".join(map(str, ids))
    lines = _rows(live.engine, f"SELECT declaration_id, beneficiary_ref FROM insertion_line "
                               f"WHERE declaration_id IN ({in_list})")
    wanted = {(d, f"F{i:03d}-{k:03d}") for i, d in enumerate(ids) for k in range(LINES_PER_FILER)}
    assert len(lines) == len(wanted) == FILERS * LINES_PER_FILER
    assert set(lines) == wanted  # none lost, none duplicated (same count, same set)
    statuses = _rows(live.engine, f"SELECT status, count(*) FROM declaration "
                                  f"WHERE id IN ({in_list}) GROUP BY status")
    assert statuses == [("submitted", FILERS)]
    events = _rows(live.engine, f"SELECT action, count(*), count(DISTINCT entity_id) "
                                f"FROM audit_event WHERE entity = 'declaration' AND entity_id "
                                f"IN ({in_list}) GROUP BY action ORDER BY action")
    assert events == [("save", FILERS, FILERS), ("submit", FILERS, FILERS)]
    assert live.server.errors() == []
    figures["live server, filers"] = (
        f"{live.database.dialect}, {live.server.workers} workers: {FILERS} concurrent filers "
        f"(login, list, save, submit: {4 * FILERS} requests) in {seconds:.1f} s; "
        f"{len(lines)} lines, each found once; {FILERS} declarations submitted once")


COMMENT = "Il manque les heures du mois de mars."
ALREADY_REVIEWED = ("Seule une déclaration déposée peut être validée ou renvoyée ; celle-ci a "
                    "peut-être déjà été traitée.")


def test_two_reviewers_at_once_one_wins_the_other_gets_409(live, figures):
    """Both agents read the same submitted declaration, then act on it at the same instant:
    validate against validate, or validate against return."""
    declarations = live.world.reviewed
    with httpx.Client(base_url=live.server.base, timeout=60) as client:
        tokens = [_api_token(client, email) for email in live.world.reviewers]

    def review(declaration_id: int, reviewer: int, action: str,
               together: threading.Barrier) -> tuple[str, int, dict]:
        with httpx.Client(base_url=live.server.base, timeout=60) as client:
            url = f"/api/v1/declarations/{declaration_id}"
            version = client.get(url, headers=tokens[reviewer]).json()["version"]
            body = {"version": version} if action == "validate" else {"version": version,
                                                                      "comment": COMMENT}
            together.wait(timeout=60)
            answer = client.post(f"{url}/{action}", headers=tokens[reviewer], json=body)
        return action, answer.status_code, answer.json()

    calls = []
    for race, declaration_id in enumerate(declarations):
        together = threading.Barrier(2)
        second = "validate" if race % 2 else "return"
        calls += [(declaration_id, 0, "validate", together), (declaration_id, 1, second, together)]
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        answers = list(pool.map(lambda args: review(*args), calls))
    seconds = time.perf_counter() - began

    stale = 0
    for race, declaration_id in enumerate(declarations):
        pair = answers[2 * race:2 * race + 2]
        assert sorted(status for _, status, _ in pair) == [200, 409], pair
        (winner, _, won), (_, _, refused) = sorted(pair, key=lambda answer: answer[1])
        assert refused["detail"] in (STALE, ALREADY_REVIEWED)
        stale += refused["detail"] == STALE
        # The declaration is as the winner left it: the loser changed nothing.
        status, version = _rows(live.engine, "SELECT status, version FROM declaration "
                                             "WHERE id = :id", id=declaration_id)[0]
        assert (status, version) == (won["status"], won["version"])
        assert status == {"validate": "validated", "return": "returned"}[winner]
        events = _rows(live.engine, "SELECT action FROM audit_event WHERE entity = "
                                    "'declaration' AND entity_id = :id AND action IN "
                                    "('validate', 'return')", id=declaration_id)
        assert events == [(winner,)]
        counted, filed = _rows(live.engine, """
            SELECT c.validated_hours, (SELECT sum(hours) FROM insertion_line
                                        WHERE declaration_id = d.id)
            FROM declaration d JOIN commitment c ON c.id = d.commitment_id
            WHERE d.id = :id""", id=declaration_id)[0]
        assert float(counted) == (float(filed) if winner == "validate" else 0)
    assert live.server.errors() == []
    figures["live server, reviews"] = (
        f"{live.database.dialect}: {REVIEWS} review races (two agents, same declaration, same "
        f"instant) in {seconds:.1f} s: {REVIEWS} winners, {REVIEWS} × 409 in French "
        f"({stale} stale version, {REVIEWS - stale} already reviewed), one audit event each")


CRASH_LINES = 400
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def _log_in_browser(client: httpx.Client, email: str) -> httpx.Cookies:
    """The cookies of a browser logged in through the login form (session, CSRF)."""
    token = CSRF.search(client.get("/connexion").text).group(1)
    answer = client.post("/connexion", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return client.cookies


def _submission_form(page: str, prefix: str) -> dict[str, str | list[str]]:
    """The declaration form as the browser posts it: CSRF token, version, the lines as one
    column per field, and the « Déposer » button."""
    lines = _lines(prefix, CRASH_LINES)
    return {"csrf_token": CSRF.search(page).group(1), "version": VERSION.search(page).group(1),
            "supplier_comment": "", "action": "submit",
            **{name: [line[name] for line in lines] for name in lines[0]}}


def _state(engine, declaration_id: int) -> tuple[str, int, int]:
    """(status, lines, submit events) of a declaration, read from the database."""
    return tuple(_rows(engine, """
        SELECT status,
               (SELECT count(*) FROM insertion_line WHERE declaration_id = d.id),
               (SELECT count(*) FROM audit_event WHERE entity = 'declaration'
                AND entity_id = d.id AND action = 'submit')
        FROM declaration d WHERE id = :id""", id=declaration_id)[0])


def _submit(base: str, cookies: httpx.Cookies, declaration_id: int) -> int | None:
    """Opens the declaration's form and submits CRASH_LINES lines with it, as a browser; the
    answer's status, or None when the connection was cut."""
    with httpx.Client(base_url=base, cookies=cookies, timeout=120) as client:
        url = f"/fournisseur/declarations/{declaration_id}"
        try:
            return client.post(url, data=_submission_form(client.get(url).text,
                                                          f"K{declaration_id}")).status_code
        except httpx.TransportError:
            return None


def test_kill_9_during_submissions_leaves_no_partial_declaration(live, figures):
    """Submissions of CRASH_LINES lines each (one form post: save and submit in one
    transaction) are in flight when a worker, or the whole server, gets kill -9. Whatever each
    client heard, each declaration is then either submitted with all its lines or untouched;
    the server serves again and the untouched ones go through."""
    server = live.server
    with httpx.Client(base_url=server.base, timeout=120) as browser:
        cookies = _log_in_browser(browser, live.world.crash_filer)
    interrupted = unchanged = saved_unheard = 0
    began = time.perf_counter()
    for round_ in range(CRASH_ROUNDS):
        declarations = live.world.crash_declarations[round_ * CRASH_BATCH:
                                                     (round_ + 1) * CRASH_BATCH]
        first_answer = threading.Event()

        def submit(declaration_id: int, first_answer=first_answer) -> int | None:
            try:
                return _submit(server.base, cookies, declaration_id)
            finally:
                first_answer.set()

        with ThreadPoolExecutor(max_workers=CRASH_BATCH) as pool:
            heard = pool.map(submit, declarations)
            assert first_answer.wait(timeout=120)
            # One submission is through; the others are being received, parsed, saved or
            # committed: kill now.
            if round_ % 2:
                server.kill_all()
            else:
                server.kill_worker()
            heard = dict(zip(declarations, heard, strict=True))
        if round_ % 2:
            server.start()

        for declaration_id, status in heard.items():
            assert status in (None, 303), status
            state = _state(live.engine, declaration_id)
            # Never a draft, never some of the lines: all of it or nothing.
            assert state in (("submitted", CRASH_LINES, 1), ("expected", 0, 0)), state
            if status == 303:
                assert state[0] == "submitted"  # what was answered is on disk
            else:
                interrupted += 1
                unchanged += state[0] == "expected"
                saved_unheard += state[0] == "submitted"

        # The server serves again: what was lost goes through now.
        lost = [d for d in declarations if _state(live.engine, d)[0] == "expected"]
        with ThreadPoolExecutor(max_workers=CRASH_BATCH) as pool:
            assert list(pool.map(lambda d: _submit(server.base, cookies, d), lost)) == \
                [303] * len(lost)
        for declaration_id in declarations:
            assert _state(live.engine, declaration_id) == ("submitted", CRASH_LINES, 1)
    seconds = time.perf_counter() - began
    assert interrupted > 0  # the kills did cut submissions in flight
    assert server.errors() == []
    figures["live server, kills"] = (
        f"{live.database.dialect}: {CRASH_ROUNDS} kill -9 ({CRASH_ROUNDS // 2} workers, "
        f"{CRASH_ROUNDS - CRASH_ROUNDS // 2} whole servers) during {CRASH_ROUNDS * CRASH_BATCH} "
        f"submissions of {CRASH_LINES} lines in {seconds:.1f} s: {interrupted} cut in flight "
        f"({unchanged} left untouched, {saved_unheard} saved whole before the answer), "
        f"0 partial; restarted and resubmitted each time")


def _queue_notices(engine, emails: list[str]) -> None:
    """A notice with its mail to each of these people, through the portal's own service (as a
    job does), committed: mails waiting for a deliverer. On SQLite one writer at a time: while
    the leading scheduler's deliverer sends a batch under a loaded machine, this seeding may
    wait longer than the engine's 30 s; it is tried again then (it is not what is tested)."""
    for attempt in range(3):
        try:
            with Session(engine) as db:
                for user in db.scalars(select(User).where(User.email.in_(emails))):
                    notify(db, user, key=f"live-delivery:{user.id}", kind="live_delivery",
                           message="Vérification de l'envoi des courriels.", link=None,
                           mail_template="alert",
                           context={"subject": "Vérification des envois"})
                db.commit()
            return
        except OperationalError as error:
            if "database is locked" not in str(error) or attempt == 2:
                raise


def test_two_schedulers_on_one_database_tell_and_mail_each_person_once(live, figures):
    """The two `portal scheduler` started with the server (conftest.py): one holds the lock
    and runs every job, the other runs nothing. Then, with mails waiting, two deliverers at once
    (a cron's `portal jobs run deliver_mail`, the scheduler's own run may join): each mail is
    sent once."""
    # Each job runs once shortly after start (what was missed while stopped).
    wait_for(lambda: all(any(f"job {job.name}:" in s.text() for s in live.schedulers)
                         for job in JOBS), timeout=180, what="every job's first run")
    _queue_notices(live.engine, [email for email, _ in live.world.filers])
    began, rounds = time.perf_counter(), 0
    while _rows(live.engine, "SELECT count(*) FROM outgoing_mail WHERE status <> 'sent'")[0][0]:
        assert rounds < 10, "mails still waiting after 10 rounds"
        deliverers = [subprocess.Popen([PORTAL, "jobs", "run", "deliver_mail"], env=live.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True) for _ in range(2)]
        outputs = [d.communicate(timeout=300)[0] for d in deliverers]
        assert [d.returncode for d in deliverers] == [0, 0], outputs
        rounds += 1
    seconds = time.perf_counter() - began
    for scheduler in live.schedulers:
        scheduler.stop()
    logs = [s.text() for s in live.schedulers]

    leader, idle = sorted(logs, key=lambda log: "scheduler lock held" not in log)
    assert "scheduler lock held" in leader and "scheduler lock held" not in idle
    assert "job " not in idle
    # Every job ran (once at start, some again on their schedule), all in the lock's holder.
    assert [job.name for job in JOBS if f"job {job.name}:" not in leader] == []
    assert not any(" failed" in log or "Traceback" in log for log in logs), logs

    kinds = dict(_rows(live.engine, "SELECT kind, count(*) FROM notification GROUP BY kind"))
    overdue = OVERDUE_HOLDERS * MONTHS
    assert (kinds["overdue"], kinds["overdue_buyer"], kinds["digest"]) == (
        overdue, overdue * len(live.world.reviewers), len(live.world.reviewers))
    assert kinds["live_delivery"] == FILERS
    assert _rows(live.engine, "SELECT user_id, key FROM notification GROUP BY user_id, key "
                              "HAVING count(*) > 1") == []
    # One mail per person and day, whatever the number of declarations it lists.
    mailed = dict(_rows(live.engine, "SELECT kind, count(*) FROM outgoing_mail GROUP BY kind"))
    assert (mailed["overdue"], mailed["overdue_buyer"], mailed["digest"],
            mailed["live_delivery"]) == (OVERDUE_HOLDERS, len(live.world.reviewers),
                                         len(live.world.reviewers), FILERS)
    mails = _rows(live.engine, "SELECT id, status, attempts FROM outgoing_mail")
    assert {(status, attempts) for _, status, attempts in mails} == {("sent", 1)}
    files = sorted((live.data_dir / "mail").glob("*.eml"))
    # Each file is named after its mail's id: one file per mail, none twice.
    assert sorted(int(f.stem.rsplit("-", 1)[1]) for f in files) == sorted(i for i, *_ in mails)
    figures["live server, schedulers"] = (
        f"{live.database.dialect}: 2 schedulers beside the server, every job run by one only: "
        f"{sum(kinds.values()) - FILERS} notifications with their mail; then {FILERS} more mails "
        f"sent by 2 deliverers at once in {seconds:.1f} s ({rounds} rounds); {len(mails)} mails, "
        f"each sent once ({len(files)} files)")
