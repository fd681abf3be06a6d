"""The one way the portal writes a CSV file, and the formula guard every text cell goes
through (CSV injection: a spreadsheet reads « =HYPERLINK(…) » typed by a supplier as a live
formula unless it is prefixed)."""

import csv
import io
from collections.abc import Iterable, Sequence

CSV_TYPE = "text/csv; charset=utf-8"
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet shows as typed, never as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_document(header: Sequence[str], rows: Iterable[Sequence[str]], *,
                 delimiter: str = ";", byte_order_mark: bool = True) -> str:
    """Semicolon-separated, CRLF, with a byte order mark so that a French spreadsheet opens it
    as UTF-8 without an import dialog. Cells are text already formatted; text typed by users
    must have gone through `safe_text` (numbers such as « -12,5 » must not).

    An official open-data format sets its own dialect: the data.gouv.fr schemas' files are
    comma-separated UTF-8 without a byte order mark (``delimiter=","``,
    ``byte_order_mark=False``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if byte_order_mark else "") + out.getvalue()
