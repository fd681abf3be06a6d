"""In-process measures: the indicator set beside its hand-written SQL floor, and the annual PDF
beside WeasyPrint alone on the same HTML."""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.indicator_floor import floor_indicators
from execution.indicators.service import compute_indicators
from execution.reports import annual as reports
from portal import pdf
from portal.template_globals import install_template_globals


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The best of ``runs`` wall times (seconds), after one run that is not counted (queries
    compiled, database pages in the OS cache): the others measure the machine's noise."""
    work()
    times = []
    for _ in range(max(1, runs)):
        gc.collect()  # a collection left over from the last run is not this run's cost
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


@dataclass(frozen=True)
class Pair:
    """A product time and its floor's, in seconds, and the indicators whose values differ (a
    floor that computes something else would be no floor)."""

    product: float
    floor: float
    differing: tuple[str, ...] = ()


def indicators(engine: Engine, *, year: int, buyer_org_id: int | None, runs: int) -> Pair:
    def product():
        with Session(engine) as db:
            compute_indicators(db, year=year, buyer_org_id=buyer_org_id)

    def floor():
        with engine.connect() as connection:
            floor_indicators(connection, year=year, buyer_org_id=buyer_org_id)

    with Session(engine) as db:
        values = {i.id: i.value for i in compute_indicators(db, year=year,
                                                              buyer_org_id=buyer_org_id)}
    with engine.connect() as connection:
        floor_values = floor_indicators(connection, year=year, buyer_org_id=buyer_org_id)
    differing = tuple(key for key, value in values.items()
                      if key in floor_values and floor_values[key] != value)
    return Pair(best_of(runs, product), best_of(runs, floor), differing)


@dataclass(frozen=True)
class PdfTimes:
    product: float
    weasyprint: float
    pages: int


def annual_pdf(engine: Engine, *, year: int, workdir: Path, runs: int) -> PdfTimes:
    """The whole annual report of every buyer (data, charts, template, layout) against the
    layout alone: the HTML is saved, then given again to the same WeasyPrint call. The two are
    timed in turn, best of ``runs`` each, so neither always runs on the other's leftovers."""
    install_template_globals()  # what the server and the command line do first
    pdf.html_to_pdf("<p>Préchauffage</p>")  # fonts and styles loaded once, before timing
    with Session(engine) as db:
        html = pdf.render_template("annual.html", reports.annual_report_context(
            db, year=year, organisation=None))
    saved = workdir / f"rapport-annuel-{year}.html"
    saved.write_text(html, encoding="utf-8")
    product, alone, content = [], [], b""
    for _ in range(max(1, runs)):
        gc.collect()
        with Session(engine) as db:
            started = time.perf_counter()
            content = reports.annual_report_pdf(db, year=year, organisation=None)
            product.append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        pdf.html_to_pdf(saved.read_text(encoding="utf-8"))
        alone.append(time.perf_counter() - started)
    return PdfTimes(min(product), min(alone), len(PdfReader(BytesIO(content)).pages))
