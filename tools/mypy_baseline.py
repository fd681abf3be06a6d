"""mypy with a baseline that only shrinks: `make lint` fails on an error that is not in
mypy-baseline.txt (a new one) and on a line of the baseline that no longer occurs (fixed: remove
it, `python tools/mypy_baseline.py --prune`). Errors are keyed without their line numbers, so
that moving code does not change the baseline; the same error twice in a file is two lines."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):(?P<line>\d+): error: (?P<message>.*)$")


def errors(output: str) -> list[tuple[str, str]]:
    """(key, the line as mypy printed it) of each error of mypy's output."""
    found = []
    for line in output.splitlines():
        if match := ERROR.match(line):
            found.append((f"{match['path']}: {match['message']}", line))
    return found


def compare(output: str, baseline: list[str]) -> tuple[list[str], list[str]]:
    """(new errors as mypy printed them, baseline lines that no longer occur)."""
    found = errors(output)
    allowed = Counter(baseline)
    new = []
    for key, line in found:
        if allowed[key] > 0:
            allowed[key] -= 1
        else:
            new.append(line)
    stale = sorted(allowed.elements())
    return new, stale


def read_baseline() -> list[str]:
    return [line for line in BASELINE.read_text().splitlines() if line.strip()]


def run_mypy() -> str:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    if result.returncode not in (0, 1):  # 2: mypy itself failed (configuration, crash)
        sys.exit(result.stdout + result.stderr)
    return result.stdout


def main(argv: list[str]) -> int:
    baseline = read_baseline()
    new, stale = compare(run_mypy(), baseline)
    if "--prune" in argv:
        remaining = Counter(baseline) - Counter(stale)
        BASELINE.write_text("".join(f"{line}\n" for line in sorted(remaining.elements())))
        print(f"mypy-baseline.txt : {len(stale)} lignes retirées, {remaining.total()} restantes.")
        stale = []
    for line in new:
        print(line)
    if new:
        print(f"mypy : {len(new)} nouvelle(s) erreur(s), absente(s) de mypy-baseline.txt : "
              "corrigez-les (la référence ne fait que diminuer).")
    if stale:
        print("\n".join(stale))
        print(f"mypy : {len(stale)} erreur(s) de mypy-baseline.txt corrigée(s) : retirez ces "
              "lignes (python tools/mypy_baseline.py --prune).")
    if not new and not stale:
        print(f"mypy : aucune nouvelle erreur ({len(baseline)} dans mypy-baseline.txt).")
    return 1 if new or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
