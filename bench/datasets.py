"""The databases the benchmarks run on: the demo (execution.demo.load) or a generated world
(bench.generator) of a given number of contracts, each on a fresh schema built by the real
migrations: a temporary SQLite file, or the PostgreSQL database given, emptied first."""

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bench import generator
from bench.table import number
from execution.demo.load import load_demo
from portal.db import make_engine
from portal.migrate import upgrade
from portal.models import Contract
from supplier.models import InsertionLine

DEMO = "demo"


@dataclass
class Dataset:
    size: int | str  # a number of contracts, or DEMO
    url: str
    engine: Engine
    contracts: int
    lines: int
    buyer_email: str
    supplier_email: str
    seconds: float | None  # the generator's own time (None for the demo)

    @property
    def label(self) -> str:
        count = number(self.contracts)
        return f"démo ({count} contrats)" if self.size == DEMO else f"{count} contrats"


def parse_size(value: str) -> int | str:
    value = value.strip().lower().replace("_", "").replace(" ", "")
    if value in ("demo", "démo"):
        return DEMO
    size = int(value)
    if size < 1:
        raise ValueError("a size is at least one contract")
    return size


def prepare(size: int | str, *, db_url: str | None, workdir: Path, lines_per_contract: int,
            buyers: int) -> Dataset:
    url = db_url or f"sqlite:///{workdir / f'banc-{size}.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with engine.begin() as connection:
        upgrade(connection=connection, url=url)
    seconds = None
    if size == DEMO:
        with Session(engine) as db, db.begin():
            logins = load_demo(db, password=generator.PASSWORD)
        buyer = next(email for email, role, _org in logins if role.startswith("acheteur"))
        supplier = next(email for email, role, _org in logins if role.startswith("entreprise"))
    else:
        started = time.perf_counter()
        with engine.begin() as connection:
            generator.generate(connection, contracts=size, lines=size * lines_per_contract,
                               buyers=buyers)
        seconds = time.perf_counter() - started
        buyer, supplier = generator.BUYER_EMAIL, generator.SUPPLIER_EMAIL
    with Session(engine) as db:
        contracts = db.scalar(select(func.count()).select_from(Contract))
        lines = db.scalar(select(func.count()).select_from(InsertionLine))
    return Dataset(size, url, engine, contracts, lines, buyer, supplier, seconds)


def dispose(dataset: Dataset) -> None:
    dataset.engine.dispose()
    if dataset.url.startswith("sqlite:///"):
        path = Path(dataset.url.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
