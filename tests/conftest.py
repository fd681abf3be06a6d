"""A fresh database built by the real migrations, one rolled-back transaction per test.

SQLite by default; PostgreSQL when PORTAL_TEST_DATABASE_URL is set (CI runs both).
"""

import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="portal-tests-"))
TEST_DATABASE_URL = os.environ.get("PORTAL_TEST_DATABASE_URL") or f"sqlite:///{_TMP}/test.db"
os.environ.update({
    "PORTAL_DATABASE_URL": TEST_DATABASE_URL,
    "PORTAL_DATA_DIR": str(_TMP / "data"),
    "PORTAL_SECRET_KEY": "tests-only-secret-key-" + "x" * 32,
    "PORTAL_SCHEDULER": "off",
    "PORTAL_SECURE_COOKIES": "true",
})

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from portal import clock  # noqa: E402
from portal import db as portal_db  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.cli import main  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.web import CSRF_COOKIE, signer  # noqa: E402
from tests import factories  # noqa: E402


@pytest.fixture(scope="session")
def engine():
    engine = portal_db.make_engine(TEST_DATABASE_URL)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with engine.begin() as connection:
        upgrade(connection=connection)
    portal_db._engine = engine
    yield engine
    engine.dispose()


@contextmanager
def rolled_back_session(engine):
    """A session in one transaction rolled back at the end; the application's commits become
    savepoint releases inside it."""
    connection = engine.connect()
    transaction = connection.begin()
    portal_db.SessionFactory.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = portal_db.SessionFactory()
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()
        clock.freeze(None)


@pytest.fixture
def db(engine):
    with rolled_back_session(engine) as session:
        yield session


FIGURES = pytest.StashKey[dict[str, str]]()
E2E = Path(__file__).parent / "e2e"


def pytest_ignore_collect(collection_path, config):
    """The browser tests (tests/e2e) run only when asked for by path, as `make e2e` does: they
    need Chromium and start their own server, which `make test` does not."""
    if collection_path == E2E:
        asked = [Path(arg.split("::")[0]).resolve() for arg in config.args]
        return not any(path == E2E or E2E in path.parents for path in asked)
    return None


@pytest.fixture(scope="session")
def figures(request) -> dict[str, str]:
    """Figures a test counts (cases, calls…), printed at the end of the run: the README quotes
    them, so each run recounts them."""
    return request.config.stash.setdefault(FIGURES, {})


def pytest_terminal_summary(terminalreporter, config):
    if counted := config.stash.get(FIGURES, None):
        terminalreporter.section("Chiffres recomptés")
        for label, value in counted.items():
            terminalreporter.write_line(f"{label} : {value}")


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture
def client(app, db):
    # Secure cookies only come back over https.
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as test_client:
        yield test_client


def csrf_token(client: TestClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        client.get("/connexion")
    return signer("csrf").unsign(client.cookies[CSRF_COOKIE])


@pytest.fixture
def login(client):
    def log_in(user, password=factories.PASSWORD):
        response = client.post("/connexion", data={
            "email": user.email, "password": password, "csrf_token": csrf_token(client)})
        assert response.status_code == 303, response.text
        return user
    return log_in


@pytest.fixture
def post(client):
    """POST a form the way the browser does: with the page's CSRF token."""
    def send(url, data=None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", csrf_token(client))
        return client.post(url, data=payload, **kwargs)
    return send


@pytest.fixture
def api(client):
    """A JSON API client: api(user).get(...), with a bearer token."""
    def for_user(user, password=factories.PASSWORD):
        response = client.post("/api/v1/auth/token",
                               json={"email": user.email, "password": password})
        assert response.status_code == 200, response.text
        return _Api(client, response.json()["access_token"])
    return for_user


class _Api:
    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            if "content" in kwargs:
                headers.setdefault("Content-Type", "application/json")
            return getattr(self.client, method)(url, headers=headers, **kwargs)
        return call


def visible_text(html: str) -> str:
    """The page's text, tags removed, whitespace collapsed (for assertions on what users see)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def world(db):
    """A buyer agent, a holder's user and a 2025 quarterly contract with 1 000 insertion hours."""
    from types import SimpleNamespace

    from portal.models import Role

    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, buyer, holder.organisation)
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract,
                           declarations=factories.declarations(db, contract))


@pytest.fixture
def portal_command(monkeypatch, capsys):
    """Runs the console script's entry point (portal.cli:main): (exit code, stdout, stderr)."""
    def call(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["portal", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err
    return call


@pytest.fixture(scope="session", autouse=True)
def light_password_hashing():
    """Accounts made by the tests hash with argon2's lightest parameters: the default costs
    0.15 s per hash and per login on these machines, which was a third of the suite's time.
    tests/portal/test_security.py checks the parameters production keeps."""
    from argon2 import PasswordHasher

    from portal import security

    production = security._hasher, security._DUMMY_HASH
    security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    security._DUMMY_HASH = security._hasher.hash("factice")
    yield
    security._hasher, security._DUMMY_HASH = production
