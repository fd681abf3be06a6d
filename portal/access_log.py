"""Logs never show the secret of a one-time link (invitation, password reset): the path of the
link page carries it, and whoever reads the server's logs must not be able to use it."""

import logging
import re

ONE_TIME_LINK = re.compile(r"(/compte/lien/)[^\s?\"#]+")
HIDDEN = r"\1[masqué]"
# uvicorn's access and error logs, and the portal's own log of unexpected errors.
LOGGERS = ("uvicorn.access", "uvicorn.error", "portal.app")


def hide_secrets(value: object) -> object:
    return ONE_TIME_LINK.sub(HIDDEN, value) if isinstance(value, str) else value


class HideOneTimeLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_secrets(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: hide_secrets(arg) for key, arg in record.args.items()}
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideOneTimeLinks) for f in logger.filters):
            logger.addFilter(HideOneTimeLinks())
