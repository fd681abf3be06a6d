"""A failing SQL statement leaves no parameter value in the logs (the values are beneficiary
references, comments, e-mail addresses), on SQLite and PostgreSQL."""

import logging
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.app import create_app
from portal.db import new_session
from portal.error_log import log_unexpected

SECRET = "B-SECRET-0042"
INSERT = text("INSERT INTO scheduler_lease (name, owner, expires_at) VALUES (:name, :owner, :at)")
VALUES = {"name": SECRET, "owner": "commentaire confidentiel",
          "at": datetime(2026, 1, 1, tzinfo=UTC)}


def _fail(session):
    """The same key twice: PostgreSQL repeats the value in its message, SQLAlchemy would list
    the parameters."""
    session.execute(INSERT, VALUES)
    session.execute(INSERT, VALUES)


def _everything_logged(caplog) -> str:
    return caplog.text + "".join(r.getMessage() for r in caplog.records)


def test_the_engine_hides_parameters(db):
    with pytest.raises(IntegrityError) as raised, db.begin_nested():
        _fail(db)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
    assert "commentaire confidentiel" not in str(raised.value)
    if db.bind.dialect.name == "postgresql":  # the driver's own message names the value
        assert SECRET in str(raised.value.orig)


def test_a_failing_statement_is_logged_without_its_values(db, caplog):
    with pytest.raises(IntegrityError) as raised, db.begin_nested():
        _fail(db)
    with caplog.at_level(logging.ERROR):
        log_unexpected(logging.getLogger("portal.test"), "job %s failed", "demo",
                       error=raised.value)
    logged = _everything_logged(caplog)
    assert "job demo failed" in logged
    assert "IntegrityError" in logged and "INSERT INTO scheduler_lease" in logged
    assert "test_error_log.py" in logged  # the traceback is still there for the operator
    assert SECRET not in logged and "commentaire confidentiel" not in logged


def test_other_errors_keep_their_message(caplog):
    with caplog.at_level(logging.ERROR):
        log_unexpected(logging.getLogger("portal.test"), "failed", error=ValueError("raison"))
    assert "ValueError: raison" in caplog.text


def test_an_unexpected_database_error_on_a_request_answers_500_and_logs_no_value(db, caplog):
    app = create_app()

    @app.get("/api/v1/essai-erreur")
    def failing_route():
        with new_session() as session:
            _fail(session)

    with (TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client,
          caplog.at_level(logging.ERROR, logger="portal.app")):
        response = client.get("/api/v1/essai-erreur")
    assert response.status_code == 500
    assert "erreur inattendue" in response.json()["detail"]
    logged = _everything_logged(caplog)
    assert "Unexpected error on /api/v1/essai-erreur" in logged and "IntegrityError" in logged
    assert SECRET not in logged and "commentaire confidentiel" not in logged


def test_the_server_logging_the_error_again_shows_no_value_either(db, caplog):
    """Starlette hands the exception on after the error page and uvicorn logs it with its
    traceback: that record withholds the database message too."""
    create_app()  # installs the filter on the server's loggers
    with pytest.raises(IntegrityError) as raised, db.begin_nested():
        _fail(db)
    server = logging.getLogger("uvicorn.error")
    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        server.error("Exception in ASGI application\n", exc_info=raised.value)
        server.error("Other failure", exc_info=ValueError("raison visible"))
    logged = _everything_logged(caplog)
    assert "Exception in ASGI application" in logged and "IntegrityError" in logged
    assert "message withheld" in logged
    assert SECRET not in logged and "commentaire confidentiel" not in logged
    assert "raison visible" in logged
