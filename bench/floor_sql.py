"""The parameters and the few dialect-specific fragments of the SQL floor's statements
(bench/indicator_floor.py), and the settings each contract's buyer gives them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from execution.indicators.config import (
    DEFAULT_FTE_HOURS,
    DEFAULT_HOLDER_AMOUNT_EUR,
    DEFAULT_THRESHOLD_EUR,
    SETTINGS_ID,
)
from portal.clock import today

PARIS = ZoneInfo("Europe/Paris")


class Sql:
    """Parameters and the few dialect-specific fragments of the statements."""

    def __init__(self, connection: Connection, year: int, buyer_org_id: int | None):
        self.c = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self.buyer = buyer_org_id
        self.year = year

        def day(value: date):  # SQLite stores dates as ISO text
            return value.isoformat() if self.sqlite else value

        def instant(value: datetime):  # and UTC timestamps as naive text
            utc = value.astimezone(UTC)
            return utc.replace(tzinfo=None).isoformat(" ") if self.sqlite else utc

        self.day, self.instant = day, instant
        self.params = {"y0": day(date(year, 1, 1)), "y1": day(date(year, 12, 31)),
                       "t0": instant(datetime(year, 1, 1, tzinfo=PARIS)),
                       "t1": instant(datetime(year + 1, 1, 1, tzinfo=PARIS)),
                       "today": day(today()), "buyer": buyer_org_id}

    def amount(self, value: Decimal):
        return float(value) if self.sqlite else value  # sqlite3 binds no Decimal

    def rows(self, sql: str, **params):
        return self.c.execute(text(sql), {**self.params, **params}).all()

    def of_buyer(self, column: str = "d.commitment_id") -> str:
        """The buyer's commitments (or, for ``x.entity_id``-like columns, declarations), as a
        set the scan probes: cheaper than joining every row up to its contract. Nothing for
        all buyers."""
        if self.buyer is None:
            return ""
        commitments = ("SELECT cm.id FROM contract c JOIN commitment cm ON cm.contract_id = c.id"
                       " WHERE c.buyer_org_id = :buyer")
        if column.endswith("commitment_id"):
            return f" AND {column} IN ({commitments})"
        return (f" AND {column} IN (SELECT x.id FROM declaration x"
                f" WHERE x.commitment_id IN ({commitments}))")

    def buyer_where(self, alias: str = "c") -> str:
        return "" if self.buyer is None else f" AND {alias}.buyer_org_id = :buyer"

    def days(self, column: str) -> str:
        """A date or timestamp as a number of days, whose differences are durations."""
        return f"julianday({column})" if self.sqlite else f"(extract(epoch from {column}) / 86400)"


class Settings:
    """The instance's settings; each contract's buyer's own ones are joined in the statements
    (``JOIN_SETTINGS``, NULL = the instance's)."""

    def __init__(self, s: Sql):
        row = s.c.execute(text(
            "SELECT fte_hours, consideration_threshold_eur, all_notified,"
            " holder_amount_threshold_eur FROM indicator_settings WHERE id = :id"),
            {"id": SETTINGS_ID}).first()
        if row is None:
            row = (DEFAULT_FTE_HOURS, DEFAULT_THRESHOLD_EUR, False, DEFAULT_HOLDER_AMOUNT_EUR)
        self.fte = Decimal(str(row[0]))
        self.params = {"t": s.amount(Decimal(str(row[1]))), "every": bool(row[2]),
                       "ht": s.amount(Decimal(str(row[3])))}
        # A notified contract counts: its buyer's (else the instance's) rule.
        self.counted = ("(coalesce(bs.all_notified, :every)"
                        " OR c.amount_excl_vat >= coalesce(bs.consideration_threshold_eur, :t))")
        self.holder_threshold = "coalesce(bs.holder_amount_threshold_eur, :ht)"


JOIN_SETTINGS = " LEFT JOIN buyer_indicator_settings bs ON bs.buyer_org_id = c.buyer_org_id"
