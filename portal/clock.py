"""The portal's notion of "now": one place to read it, one place for tests to fix it."""

from datetime import UTC, date, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


def freeze(moment: datetime | None) -> None:
    """Fix the clock (tests, demo replays); ``None`` lets it run again."""
    global _frozen
    _frozen = moment
