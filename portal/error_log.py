"""Logging an unexpected error without the data it was handling.

A failing SQL statement's exception carries its parameters (beneficiary references, comments,
e-mail addresses) and PostgreSQL repeats values in its messages ("Key (email)=(…) already
exists", "invalid input syntax for type integer: "…""). Logs are read by operators and kept
longer than the data, so database errors are logged by type, SQLSTATE, constraint and statement
(placeholders only; the engine also sets `hide_parameters`), never by message."""

import logging
import traceback

from sqlalchemy.exc import DBAPIError

DRIVER_MODULES = ("psycopg", "sqlite3")


# The server's own loggers: after the portal's error page, Starlette hands the exception on
# and uvicorn logs it again, with its traceback ("Exception in ASGI application").
SERVER_LOGGERS = ("uvicorn.error", "uvicorn.asgi")


def log_unexpected(logger: logging.Logger, message: str, *args: object,
                   error: BaseException) -> None:
    """`logger.exception` for `error`, with database messages withheld."""
    if not _mentions_database(error):
        logger.error(message, *args, exc_info=error)
        return
    logger.error(message + "\n%s", *args, _withheld_traceback(error))


class WithholdDatabaseMessages(logging.Filter):
    """Any record logged with a database error (uvicorn's, a library's) carries the traceback
    of `log_unexpected` instead of the driver's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _mentions_database(error):
            record.msg = f"{record.getMessage()}\n{_withheld_traceback(error)}"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def install() -> None:
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithholdDatabaseMessages) for f in logger.filters):
            logger.addFilter(WithholdDatabaseMessages())


def _mentions_database(error: BaseException) -> bool:
    return any(_is_database_error(e) for e in _chain(error))


def _withheld_traceback(error: BaseException) -> str:
    return "\nDuring or because of it:\n".join(
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(exc.__traceback__)) + _describe(exc)
        for exc in _chain(error))


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and its causes, oldest first, as a traceback prints them."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    return chain[::-1]


def _is_database_error(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) or type(error).__module__.startswith(DRIVER_MODULES)


def _driver_summary(error: BaseException) -> str:
    diag = getattr(error, "diag", None)
    facts = [f"SQLSTATE {getattr(error, 'sqlstate', None) or '?'}"]
    for name in ("table_name", "column_name", "constraint_name"):
        if value := getattr(diag, name, None):
            facts.append(f"{name.split('_')[0]} {value}")
    return f"{type(error).__module__}.{type(error).__name__} ({', '.join(facts)}; message withheld)"


def _describe(error: BaseException) -> str:
    if isinstance(error, DBAPIError):
        return (f"sqlalchemy.exc.{type(error).__name__}: {_driver_summary(error.orig)}\n"
                f"[SQL: {error.statement}]")
    if _is_database_error(error):
        return _driver_summary(error)
    return "".join(traceback.format_exception_only(error)).rstrip()
