"""The demo portal as an operator starts it — `portal migrate`, `portal demo`, `portal serve` on
loopback, its own database — and Debian's Chromium in front of it. `make e2e` runs these tests
(`make test` leaves them out: see tests/conftest.py).

The journeys change the demo's data (they file, review, answer surveys): each test works on
its own contracts and declarations, so their order does not matter.
"""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import TEST_DATABASE_URL
from tests.e2e.browser import CHROMIUM, LAUNCH_ARGS, PEOPLE, Accessibility, Person
from tests.live.server import LiveDatabase, Server, portal, portal_env

ROOT = Path(__file__).resolve().parents[2]
# Where the run leaves its screenshots; the README shows a chosen few, copied to docs/.
SHOTS = Path(os.environ.get("PORTAL_E2E_SCREENSHOTS", ROOT / "var" / "e2e"))


@pytest.fixture(scope="session")
def demo_portal(tmp_path_factory, figures):
    folder = tmp_path_factory.mktemp("e2e")
    started = time.perf_counter()
    database = LiveDatabase(TEST_DATABASE_URL, folder)
    server = None
    try:
        env = portal_env(database.url, folder / "data")
        portal("migrate", env=env)
        portal("demo", env=env)
        server = Server(env, workers=1, log=folder / "server.log")
        server.start()
        figures["e2e, demo portal"] = (f"{database.dialect}: migrated, demo loaded and served "
                                       f"in {time.perf_counter() - started:.1f} s")
        yield server
        assert not server.errors(), "the server answered 5xx or logged errors:\n" + "\n".join(
            server.errors())
    finally:
        if server is not None:
            server.stop()
        database.drop()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def accessibility(figures):
    checked = Accessibility()
    yield checked
    figures["e2e, axe-core (WCAG 2.1 A and AA)"] = (
        f"{len(checked.checked)} page states checked ({len(set(checked.checked))} distinct), "
        f"{len(checked.violations)} violations")


@pytest.fixture
def person(demo_portal, chromium, accessibility):
    """``person("supplier")`` logs that demo user in, in a browser context of their own;
    ``javascript=False`` or ``viewport=PHONE`` for the other ways people come."""
    opened: list[Person] = []

    def open_as(who: str, *, javascript: bool = True, viewport: dict | None = None) -> Person:
        someone = Person(chromium, demo_portal.base, PEOPLE[who], javascript=javascript,
                         viewport=viewport, axe=accessibility, shots=SHOTS)
        opened.append(someone)
        return someone.log_in()

    yield open_as
    for someone in opened:
        someone.close()
