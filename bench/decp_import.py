"""`python -m bench.decp_import [--db URL]`: the time to import the real 2019-format DECP
records (`portal import-decp`, one command per file, as an operator runs it) beside the time to
merely `json.load` the same files, in one run. SQLite (a temporary file) always; PostgreSQL too
with --db, a database that is EMPTIED first."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.reference_data import DECP_2019_REAL, reference

FILES = ["data.gouv.fr_aife.json", "data.gouv.fr_pes.json",
         "decp_21590163800019_2019-01-01_2021-12-31.json", "e-marchespublics.json",
         "marches-publics.info.json"]
PORTAL = str(Path(sys.executable).with_name("portal"))


def json_load(paths: list[Path]) -> tuple[float, int]:
    start, records = time.perf_counter(), 0
    for path in paths:
        with path.open("rb") as stream:
            records += len(json.load(stream)["marches"])
    return time.perf_counter() - start, records


def import_all(url: str, paths: list[Path], data_dir: Path) -> tuple[float, list[str]]:
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_DATA_DIR": str(data_dir),
           "PORTAL_SECRET_KEY": "bench-only-secret-key-" + "x" * 32, "PORTAL_SCHEDULER": "off"}
    subprocess.run([PORTAL, "migrate"], env=env, check=True, capture_output=True)
    start, lines = time.perf_counter(), []
    for path in paths:
        done = subprocess.run([PORTAL, "import-decp", str(path)], env=env, check=True,
                              capture_output=True, text=True)
        lines.append(f"  {path.name}: {done.stdout.strip()}")
    return time.perf_counter() - start, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.decp_import",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--db", metavar="URL", help="base PostgreSQL (VIDÉE avant l'import)")
    options = parser.parse_args(argv)
    paths = [reference(DECP_2019_REAL / name) for name in FILES]
    loaded, records = json_load(paths)
    print(f"{records} enregistrements DECP au format 2019 ({len(paths)} fichiers, "
          f"{sum(p.stat().st_size for p in paths) / 1e6:.1f} Mo)")
    print(f"json.load seul                 : {loaded:.2f} s")
    with tempfile.TemporaryDirectory(prefix="bench-decp-") as workdir:
        targets = [("SQLite", f"sqlite:///{workdir}/bench.db")]
        if options.db:
            engine = create_engine(options.db)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
            targets.append(("PostgreSQL", options.db))
        for label, url in targets:
            seconds, lines = import_all(url, paths, Path(workdir) / label)
            print(f"portal import-decp ({label:<10}): {seconds:.2f} s "
                  f"({records / seconds:.0f} enregistrements/s, ×{seconds / loaded:.0f} "
                  "le json.load)")
            print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
