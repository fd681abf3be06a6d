"""Real processes for the live tests: the server's own database, `portal serve --workers N` and
`portal scheduler`, started from the console script as an operator would, and killed with -9.

Every process is started by this module with its own PID recorded (never a shell's) and in its
own process group, so that a "whole server" kill reaches the workers and nothing else.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url

from portal.db import make_engine

PORTAL = str(Path(sys.executable).with_name("portal"))
STARTED = "Application startup complete."
POLL = 0.05  # seconds between two looks at a condition (a log line, a process state)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str):
    """Polls ``condition`` until it returns something true; fails with ``what`` after the
    timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still waiting after {timeout:.0f} s: {what}")
        time.sleep(POLL)


class LiveDatabase:
    """The live server's own database, never the suite's (whose schema the fixtures drop and
    whose data is rolled back): a SQLite file in a temporary folder, or on PostgreSQL a
    database ``live_…`` created on the suite's server and dropped at the end."""

    def __init__(self, suite_url: str, folder: Path):
        suite = make_url(suite_url)
        self.dialect = suite.get_backend_name()
        self._admin = None
        if self.dialect == "postgresql":
            self.name = f"live_{os.getpid()}_{secrets.token_hex(3)}"
            self._admin = create_engine(suite, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            self.url = suite.set(database=self.name).render_as_string(hide_password=False)
        else:
            self.name = str(folder / "live.db")
            self.url = f"sqlite:///{self.name}"
        self.engine = make_engine(self.url)

    def drop(self) -> None:
        self.engine.dispose()
        if self._admin is not None:
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin.dispose()


def portal_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of the server and scheduler processes: production shape (scheduler in
    its own processes), plain http on loopback."""
    return {**os.environ, "PORTAL_DATABASE_URL": database_url, "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_SECRET_KEY": "live-tests-only-" + "x" * 40, "PORTAL_SCHEDULER": "off",
            "PORTAL_SECURE_COOKIES": "false", "PORTAL_ENVIRONMENT": "development"}


def portal(*args: str, env: dict[str, str]) -> str:
    """Runs one `portal` command to its end; its output, or an error with it."""
    result = subprocess.run([PORTAL, *args], env=env, capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"portal {' '.join(args)} → {result.returncode}\n"
                           f"{result.stdout}{result.stderr}")
    return result.stdout


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(FileNotFoundError):  # the thread or the process ended meanwhile
            children += [int(child) for child in task.read_text().split()]
    return children


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def gone(pid: int) -> bool:
    """The process has exited (a zombie holds no socket, no file lock, no connection)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


class Server:
    """``portal serve --workers N`` on a fixed free port, its output in ``log``.

    uvicorn's supervisor is the process started here; the workers are its children, and the
    supervisor replaces a worker that dies."""

    def __init__(self, env: dict[str, str], *, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._ready_at = 0  # startup lines in the log once every worker has started

    def _text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _startups(self) -> int:
        return self._text().count(STARTED)

    def start(self) -> None:
        self.launch()
        self.wait_until_ready()

    def launch(self) -> None:
        self._ready_at = self._startups() + self.workers
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [PORTAL, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_ready(self) -> None:
        wait_for(lambda: self._check_alive() and self._startups() >= self._ready_at,
                 timeout=90, what=f"{self.workers} workers started (see {self.log})")
        wait_for(self._healthy, timeout=30, what="GET /healthz answers 200")

    def _check_alive(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the server stopped ({self.process.returncode}):\n{self._text()}")
        return True

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.base + "/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def worker_pids(self) -> list[int]:
        return [pid for pid in _children(self.process.pid)
                if "spawn_main" in _cmdline(pid) and not gone(pid)]

    def kill_worker(self) -> int:
        """kill -9 of one worker; returns once the supervisor has started its replacement."""
        pids = wait_for(lambda: len(self.worker_pids()) == self.workers and self.worker_pids(),
                        timeout=30, what="every worker running")
        expected = self._startups() + 1
        victim = pids[0]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: self._check_alive() and f"Child process [{victim}] died" in self._text()
                 and self._startups() >= expected, timeout=90,
                 what=f"worker {victim} replaced (see {self.log})")
        wait_for(self._healthy, timeout=30, what="GET /healthz answers 200")
        return victim

    def kill_all(self) -> None:
        """kill -9 of the supervisor and every worker at once (a crash of the machine's
        service), then waits until none of them runs."""
        pids = [self.process.pid, *_children(self.process.pid)]
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        wait_for(lambda: all(gone(pid) for pid in pids), timeout=30,
                 what="every server process gone")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # what would be left of the group
        self.process.wait(timeout=30)

    def errors(self) -> list[str]:
        """The 5xx answers and unexpected errors the server logged."""
        text = self._text()
        return (re.findall(r'"[A-Z]+ [^"]*" 5\d\d', text)
                + re.findall(r"^(?:ERROR:.*|Unexpected error on .*)$", text, re.MULTILINE))


class Scheduler:
    """One ``portal scheduler`` process, its output in ``log``."""

    def __init__(self, env: dict[str, str], *, log: Path):
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen([PORTAL, "scheduler"], env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
