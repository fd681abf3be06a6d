"""The one table `make bench` prints: French number formats, columns sized to their content."""

import os
import platform
import re
from pathlib import Path

COLUMNS = ("Mesure", "Données", "Produit", "Plancher", "Rapport", "Cible")
NONE = "—"


def number(value: float, digits: int = 0) -> str:
    """« 12 345 », « 3,7 »: French separators, a plain space between thousands (terminals)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return NONE
    if seconds < 10:
        return f"{number(seconds * 1000, 1 if seconds < 0.01 else 0)} ms"
    return f"{number(seconds, 1)} s"


def ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return NONE
    return f"×{number(value / floor, 2 if value / floor < 10 else 1)}"


def percent(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return NONE
    return f"{number(100 * value / floor, 0)} %"


def mebibytes(kib: int) -> str:
    return f"{number(kib / 1024, 0)} Mio"


def machine() -> str:
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    gib = int(memory.group(1)) / 1024 / 1024 if memory else 0
    return (f"{os.cpu_count()} cœurs ({platform.processor() or platform.machine()}), "
            f"{number(gib, 1)} Gio de mémoire, Python {platform.python_version()}")


def render(title: str, rows: list[tuple[str, ...]], notes: list[str]) -> str:
    widths = [max(len(row[i]) for row in (COLUMNS, *rows)) for i in range(len(COLUMNS))]

    def line(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    body: list[str] = []
    for row in rows:
        if row[0]:
            body.append(line(row))
        elif body and body[-1]:  # one blank line between sections, whichever are empty
            body.append("")
    return "\n".join([title, "", line(COLUMNS), rule, *body, *([""] if body[-1:] != [""] else []),
                      *notes])
