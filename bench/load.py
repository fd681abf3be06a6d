"""Concurrent load on loopback: the portal served by uvicorn in its own process, driven by wrk,
with the server's peak memory read from /proc."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.app import BARE_PATH
from portal.auth import SESSION_COOKIE
from portal.web import CSRF_COOKIE

# The pages measured under load: (path, who reads it). Add a page here and it gets its rows; a
# page this branch does not serve yet (404) is reported as such, not measured.
PAGES = (
    # The smallest page of the portal: the session and the common layout, nothing else — what
    # every page pays before its own work.
    ("/compte", "buyer"),
    ("/acheteur", "buyer"),
    ("/acheteur/contrats", "buyer"),
    ("/acheteur/contrats?behind=1", "buyer"),
    ("/acheteur/declarations", "buyer"),
    ("/fournisseur", "supplier"),
    ("/fournisseur/contrats", "supplier"),
    ("/fournisseur/declarations", "supplier"),
    ("/enquetes", "buyer"),
    ("/indicateurs?annee=2025", "buyer"),
)

ROOT = Path(__file__).resolve().parent.parent
LUA_REPORT = Path(__file__).resolve().parent / "wrk_report.lua"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class LoadToolMissing(RuntimeError):
    pass


def ensure_wrk() -> str:
    """wrk's path, installed from the distribution's packages when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise LoadToolMissing("wrk est introuvable : installez le paquet Debian « wrk » "
                              "(sudo apt-get install -y wrk) puis relancez le banc d'essai.")
    print("Installation de wrk (apt-get install -y wrk)…", file=sys.stderr)
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run(["apt-get", "update", "-q"], **quiet)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which("wrk")
    if not found:
        raise LoadToolMissing("l'installation de wrk a échoué.")
    return found


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``uvicorn bench.app:create_bench_app`` with the options of ``portal serve``."""

    def __init__(self, *, database_url: str, data_dir: Path, workers: int):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PORTAL_DATABASE_URL": database_url,
               "PORTAL_DATA_DIR": str(data_dir), "PORTAL_ENVIRONMENT": "development",
               "PORTAL_SECRET_KEY": "banc-essai-" + "x" * 40, "PORTAL_SECURE_COOKIES": "false",
               # Production runs the scheduler as its own process (DESIGN.md §6).
               "PORTAL_SCHEDULER": "off", "PYTHONPATH": str(ROOT)}
        self._log = (data_dir / "server.log").open("wb")
        # The server itself, not a shell: its pid is the one whose memory is read.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.app:create_bench_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
             "--proxy-headers"], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"le serveur s'est arrêté ; voir {self._log.name}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"le serveur ne répond pas ; voir {self._log.name}")

    def peak_memory_kib(self) -> int:
        """VmHWM of the server and its workers (peak resident memory since each started)."""
        return sum(_vm_hwm(pid) for pid in _tree(self.process.pid))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _tree(pid: int) -> list[int]:
    pids, index = [pid], 0
    while index < len(pids):
        for task in Path(f"/proc/{pids[index]}/task").glob("*/children"):
            pids += [int(child) for child in task.read_text().split()]
        index += 1
    return pids


def _vm_hwm(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def log_in(base: str, email: str, password: str) -> str:
    """The Cookie header a browser sends after logging in through the login form: the session
    and the CSRF token (without it, every page would mint and sign a new token, which no
    browser makes it do)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        page = client.get("/connexion")
        token = CSRF_FIELD.search(page.text)
        if token is None:
            raise RuntimeError("jeton CSRF introuvable dans la page de connexion")
        answer = client.post("/connexion", data={"email": email, "password": password,
                                                 "csrf_token": token.group(1)})
        if answer.status_code != 303 or SESSION_COOKIE not in client.cookies:
            raise RuntimeError(f"connexion refusée pour {email} ({answer.status_code})")
        return "; ".join(f"{name}={client.cookies[name]}"
                         for name in (SESSION_COOKIE, CSRF_COOKIE) if name in client.cookies)


class PageUnavailable(RuntimeError):
    pass


def check_page(base: str, path: str, cookie: str, *, warm_up: int = 2) -> tuple[int, float]:
    """Fetches the page a few times (templates compiled, caches warm); its size in bytes and
    the time of the last fetch alone. A redirect (to the login page) would make a fast and
    meaningless measure."""
    size, alone = 0, 0.0
    for _ in range(warm_up):
        started = time.perf_counter()
        answer = httpx.get(base + path, headers={"Cookie": cookie}, timeout=300)
        alone = time.perf_counter() - started
        if answer.status_code != 200:
            raise PageUnavailable(f"répond {answer.status_code}")
        size = len(answer.content)
    return size, alone


@dataclass(frozen=True)
class LoadPlan:
    seconds: float  # of load per page, at least
    max_seconds: float  # a slow page is loaded longer, up to this, to get a few answers
    connections: int
    threads: int
    workers: int

    def seconds_for(self, alone: float) -> float:
        # About four answers per connection, with the two cores of a small machine at work.
        return min(self.max_seconds, max(self.seconds, 4 * self.connections * alone / 2))


def run_wrk(wrk: str, url: str, *, cookie: str | None, seconds: float, connections: int,
            threads: int) -> Load:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "60s", "-s", str(LUA_REPORT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^BANC (.*)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"sortie de wrk inattendue :\n{output}")
    values = dict(item.split("=") for item in found.group(1).split())
    requests, duration = int(values["requests"]), int(values["duration_us"]) / 1e6
    return Load(requests=requests, seconds=duration,
                per_second=requests / duration if duration else 0.0,
                p50_ms=int(values["p50_us"]) / 1000, p95_ms=int(values["p95_us"]) / 1000,
                errors=int(values["socket_errors"]) + int(values["status_errors"]))


@dataclass
class PageLoads:
    bare: Load
    pages: dict[str, Load | str]  # path → its load, or why it was not measured
    sizes: dict[str, int]  # path → bytes of the page
    memory_bare_kib: int  # VmHWM after logging in and loading the bare page
    memory_kib: int  # VmHWM after every page


def measure_pages(*, database_url: str, data_dir: Path, users: dict[str, tuple[str, str]],
                  wrk: str, plan: LoadPlan) -> PageLoads:
    """One fresh server per database, so its peak memory belongs to that database's load.
    The users log in through a first server: the argon2 check of a login takes 64 MiB for a
    moment, which would otherwise be the peak memory of the server measured."""
    options = {"database_url": database_url, "data_dir": data_dir, "workers": plan.workers}
    login_server = Server(**options)
    try:
        cookies = {who: log_in(login_server.base, email, password)
                   for who, (email, password) in users.items()}
    finally:
        login_server.stop()
    server = Server(**options)
    try:
        def load(path: str, cookie: str, alone: float) -> Load:
            return run_wrk(wrk, server.base + path, cookie=cookie,
                           seconds=plan.seconds_for(alone), connections=plan.connections,
                           threads=plan.threads)

        _size, alone = check_page(server.base, BARE_PATH, cookies["buyer"])
        # The bare page gets the same Cookie header as the pages: same request bytes.
        bare = load(BARE_PATH, cookies["buyer"], alone)
        memory_bare = server.peak_memory_kib()
        pages: dict[str, Load | str] = {}
        sizes: dict[str, int] = {}
        for path, who in PAGES:
            try:
                sizes[path], alone = check_page(server.base, path, cookies[who])
            except PageUnavailable as why:
                pages[path] = str(why)
                continue
            pages[path] = load(path, cookies[who], alone)
        return PageLoads(bare, pages, sizes, memory_bare, server.peak_memory_kib())
    finally:
        server.stop()
