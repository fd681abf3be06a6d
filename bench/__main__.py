"""`python -m bench` (`make bench`): the portal's figures beside their floors, in one table.

- the SPASER indicator set (one buyer, all buyers) against the hand-written SQL of
  bench.indicator_floor, at two sizes, and how its time grows with ten times the data;
- the list pages and the dashboard under concurrent load (wrk, loopback) against a bare page of
  the same server, on the demo and on a large database;
- the server's peak memory under that load;
- the annual PDF report against WeasyPrint alone on the same HTML;
- the generator's own time.

Every database is fresh: a temporary SQLite file per size, or with --db the PostgreSQL database
given, EMPTIED before each size. Nothing here asserts a time: targets are printed beside figures.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import datasets, load, measure
from bench.datasets import DEMO, Dataset
from bench.generator import LAST_YEAR, PASSWORD
from bench.table import NONE, duration, machine, mebibytes, number, percent, ratio, render

YEAR = LAST_YEAR
# Defaults of the options below, for a full run and for --smoke (an option given wins).
FULL = {"indicator_sizes": [1000, 10000], "load_sizes": [DEMO, 10000], "pdf_size": 2000,
        "seconds": 10.0, "max_seconds": 60.0, "runs": 3, "connections": 8}
SMOKE = {"indicator_sizes": [20, 200], "load_sizes": [DEMO, 200], "pdf_size": 50,
         "seconds": 1.0, "max_seconds": 4.0, "runs": 1, "connections": 4}


def _sizes(text: str) -> list[int | str]:
    return [datasets.parse_size(part) for part in text.split(",") if part.strip()]


def _optional_size(text: str) -> int | str:
    """A size, or 0 (also « none ») for a measure to leave out."""
    return 0 if text.strip().lower() in ("0", "none", "") else datasets.parse_size(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--db", metavar="URL", help="base PostgreSQL à utiliser (VIDÉE à "
                        "chaque taille) ; par défaut un fichier SQLite temporaire")
    parser.add_argument("--smoke", action="store_true",
                        help="tailles minuscules et 1 s de charge (intégration continue)")
    parser.add_argument("--indicator-sizes", type=_sizes,
                        metavar="N,N", help="contrats des bases des indicateurs")
    parser.add_argument("--load-sizes", type=_sizes, metavar="N,N",
                        help="bases des pages sous charge (« demo » : la démonstration)")
    parser.add_argument("--pdf-size", type=_optional_size, metavar="N",
                        help="contrats de la base du rapport annuel PDF (0 : pas de PDF)")
    parser.add_argument("--lines-per-contract", type=int, default=100,
                        help="lignes d'insertion par contrat")
    parser.add_argument("--buyers", type=int, default=10, help="organisations acheteuses")
    parser.add_argument("--runs", type=int, help="calculs par mesure (le meilleur)")
    parser.add_argument("--seconds", type=float, help="durée de chaque charge")
    parser.add_argument("--max-seconds", type=float,
                        help="durée maximale de charge d'une page lente")
    parser.add_argument("--connections", type=int, help="connexions de wrk")
    parser.add_argument("--threads", type=int, default=2, help="fils de wrk")
    parser.add_argument("--workers", type=int, default=1, help="processus uvicorn")
    return parser


def _order(size: int | str) -> tuple[int, int]:
    return (0, 0) if size == DEMO else (1, int(size))


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    for key, value in (SMOKE if options.smoke else FULL).items():
        if getattr(options, key) is None:
            setattr(options, key, value)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as directory:
        workdir = Path(directory)
        # The demo writes documents and mails: into the temporary directory, not ./var.
        os.environ.update({"PORTAL_DATA_DIR": str(workdir / "data"), "PORTAL_SCHEDULER": "off"})
        try:
            results = _run(options, workdir)
        except load.LoadToolMissing as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 1
    elapsed = time.perf_counter() - started
    database = "PostgreSQL" if options.db else "SQLite (fichier temporaire)"
    title = (f"Banc d'essai du portail — {machine()}\n"
             f"Base {database} ; charge : wrk, {options.connections} connexions pendant "
             f"{number(options.seconds)} s par page (jusqu'à {number(options.max_seconds)} s pour "
             f"une page lente), {options.workers} processus uvicorn ; "
             f"indicateurs : meilleur de {options.runs} calculs")
    notes = [f"Durée totale du banc : {duration(elapsed)}.",
             "Rapport : temps (×) ou débit (%) du produit rapporté à son plancher, mesuré dans "
             "la même exécution ; « grande base / petite » : chiffre de la grande base rapporté "
             "à celui de la petite.",
             "Cibles (issue 10) : indicateurs en ≤ ×10 pour dix fois plus de données ; pages "
             "de liste à ≥ 40 % du débit du point nu et indépendantes du nombre de contrats ; "
             "mémoire du serveur stable quand les données croissent."]
    differing = sorted({key for scopes in results["indicators"].values()
                        for pair in scopes.values() for key in pair.differing})
    notes.append("Plancher des indicateurs (bench/indicator_floor.py) : "
                 + (f"valeurs différentes du produit pour {', '.join(differing)}."
                    if differing else "mêmes valeurs que le produit à chaque taille."))
    print(render(title, _rows(results, options), notes))
    return 0


def _run(options, workdir: Path) -> dict:
    wrk = load.ensure_wrk() if options.load_sizes else ""
    wanted = {*options.indicator_sizes, *options.load_sizes,
              *([options.pdf_size] if options.pdf_size else [])}
    results: dict = {"datasets": {}, "indicators": {}, "loads": {}, "pdf": None}
    for size in sorted(wanted, key=_order):
        _progress(f"base de {size} contrats…" if size != DEMO else "base de démonstration…")
        dataset = datasets.prepare(size, db_url=options.db, workdir=workdir,
                                   lines_per_contract=options.lines_per_contract,
                                   buyers=options.buyers)
        results["datasets"][size] = dataset
        try:
            _measure(dataset, options, results, workdir=workdir, wrk=wrk)
        finally:
            datasets.dispose(dataset)
    return results


def _measure(dataset: Dataset, options, results: dict, *, workdir: Path, wrk: str) -> None:
    size = dataset.size
    if size in options.indicator_sizes:
        _progress(f"  indicateurs {YEAR} ({dataset.label})…")
        results["indicators"][size] = {
            scope: measure.indicators(dataset.engine, year=YEAR, buyer_org_id=buyer,
                                      runs=options.runs)
            for scope, buyer in (("un acheteur", 1), ("tous les acheteurs", None))}
    if size == options.pdf_size:
        _progress(f"  rapport annuel PDF ({dataset.label})…")
        # Each PDF takes tens of seconds at the default size: two of each are enough.
        results["pdf"] = (dataset, measure.annual_pdf(dataset.engine, year=YEAR,
                                                      workdir=workdir,
                                                      runs=min(options.runs, 2)))
    if size in options.load_sizes:
        _progress(f"  pages sous charge ({dataset.label})…")
        results["loads"][size] = load.measure_pages(
            database_url=dataset.url, data_dir=workdir / f"data-{size}",
            users={"buyer": (dataset.buyer_email, PASSWORD),
                   "supplier": (dataset.supplier_email, PASSWORD)},
            wrk=wrk, plan=load.LoadPlan(options.seconds, options.max_seconds,
                                        options.connections, options.threads, options.workers))


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_text(result: load.Load) -> str:
    if not result.requests:
        return f"aucune réponse en {number(result.seconds)} s"
    errors = f", {number(result.errors)} erreurs" if result.errors else ""
    # Few answers make rough percentiles: say how many there were.
    few = (f" ({number(result.requests)} rép. en {number(result.seconds)} s)"
           if result.requests < 100 else "")
    return (f"{number(result.per_second, 1)} req/s, p50 {_ms(result.p50_ms)}, "
            f"p95 {_ms(result.p95_ms)}{errors}{few}")


def _ms(value: float) -> str:
    return f"{number(value, 1 if value < 10 else 0)} ms"


def _rows(results: dict, options) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    generated = [d for d in results["datasets"].values() if d.seconds is not None]
    for dataset in sorted(generated, key=lambda d: d.contracts):
        rows.append(("Générateur (insertions en masse)",
                     f"{dataset.label}, {number(dataset.lines)} lignes", duration(dataset.seconds),
                     NONE, NONE, "< 1 min" if dataset.contracts >= 10_000 else NONE))
    rows.append(("",) * 6)
    indicators = results["indicators"]
    for size, scopes in sorted(indicators.items(), key=lambda item: _order(item[0])):
        label = results["datasets"][size].label
        for scope, pair in scopes.items():
            rows.append((f"Indicateurs {YEAR}, {scope}", label, duration(pair.product),
                         duration(pair.floor), ratio(pair.product, pair.floor), NONE))
    sizes = sorted((size for size in indicators if size != DEMO), key=_order)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        growth = number(large / small, 0)
        for scope in indicators[small]:
            before, after = indicators[small][scope], indicators[large][scope]
            rows.append((f"Indicateurs, données ×{growth}, {scope}",
                         f"{number(small)} → {number(large)} contrats",
                         ratio(after.product, before.product),
                         ratio(after.floor, before.floor) if after.floor else NONE,
                         NONE, f"≤ ×{growth}"))
    rows.append(("",) * 6)
    rows += _load_rows(results)
    if results["pdf"] is not None:
        dataset, times = results["pdf"]
        rows.append(("",) * 6)
        rows.append((f"Rapport annuel {YEAR} PDF, tous les acheteurs",
                     f"{dataset.label}, {number(times.pages)} pages", duration(times.product),
                     f"WeasyPrint seul : {duration(times.weasyprint)}",
                     ratio(times.product, times.weasyprint), NONE))
    return rows


def _load_rows(results: dict) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    loads = results["loads"]
    sizes = sorted(loads, key=_order)
    for size in sizes:
        label, page_loads = results["datasets"][size].label, loads[size]
        bare = page_loads.bare
        for path, _who in load.PAGES:
            result = page_loads.pages[path]
            if isinstance(result, str):
                rows.append((f"GET {path}", label, f"non mesurée : {result}", NONE, NONE, NONE))
                continue
            size_kib = number(page_loads.sizes[path] / 1024, 0)
            rows.append((f"GET {path} ({size_kib} Kio)", label, _load_text(result),
                         _load_text(bare), percent(result.per_second, bare.per_second),
                         "≥ 40 %"))
    if len(sizes) >= 2:
        small, large = loads[sizes[0]], loads[sizes[-1]]
        span = (f"{results['datasets'][sizes[0]].label} → "
                f"{results['datasets'][sizes[-1]].label}")
        for path, _who in load.PAGES:
            before, after = small.pages[path], large.pages[path]
            if isinstance(before, str) or isinstance(after, str):
                continue
            rows.append((f"GET {path}, débit grande base / petite", span,
                         ratio(after.per_second, before.per_second),
                         ratio(large.bare.per_second, small.bare.per_second), NONE,
                         "≈ ×1"))
    rows.append(("",) * 6)
    for size in sizes:
        page_loads = loads[size]
        rows.append(("Mémoire max du serveur (VmHWM)", results["datasets"][size].label,
                     mebibytes(page_loads.memory_kib),
                     f"après point nu : {mebibytes(page_loads.memory_bare_kib)}",
                     ratio(page_loads.memory_kib, page_loads.memory_bare_kib), NONE))
    if len(sizes) >= 2:
        small, large = loads[sizes[0]], loads[sizes[-1]]
        rows.append(("Mémoire max, grande base / petite", span,
                     ratio(large.memory_kib, small.memory_kib),
                     ratio(large.memory_bare_kib, small.memory_bare_kib), NONE, "≈ ×1"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
