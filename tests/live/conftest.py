"""One real portal for the live tests, in its production shape: its own database, migrated by
`portal migrate` and seeded through the services, served by `portal serve --workers 2`, with two
`portal scheduler` beside it. The figures the tests count are printed at the end of the run
(the `figures` fixture of tests/conftest.py)."""

import time
from types import SimpleNamespace

import pytest

from tests.conftest import TEST_DATABASE_URL
from tests.live.server import LiveDatabase, Scheduler, Server, portal, portal_env
from tests.live.world import seed

WORKERS = 2


@pytest.fixture(scope="package")
def live(tmp_path_factory, figures):
    folder = tmp_path_factory.mktemp("live")
    started = time.perf_counter()
    database = LiveDatabase(TEST_DATABASE_URL, folder)
    server, schedulers = None, []
    try:
        env = portal_env(database.url, folder / "data")
        portal("migrate", env=env)
        server = Server(env, workers=WORKERS, log=folder / "server.log")
        server.launch()  # its workers start while the data is written
        world = seed(database.engine)
        server.wait_until_ready()
        # Started together; their first runs of every job overlap the filers' requests.
        schedulers = [Scheduler(env, log=folder / f"scheduler-{n}.log") for n in (1, 2)]
        figures["live server, setup"] = (
            f"{database.dialect}: own database migrated, seeded and served by {WORKERS} workers "
            f"in {time.perf_counter() - started:.1f} s")
        yield SimpleNamespace(database=database, engine=database.engine, server=server,
                              schedulers=schedulers, world=world, env=env, folder=folder,
                              data_dir=folder / "data")
    finally:
        for scheduler in schedulers:
            scheduler.stop()
        if server is not None:
            server.stop()
        database.drop()
