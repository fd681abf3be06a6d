"""The Jinja environments, all made by one factory and strict about undefined names (a template
that reads a name nobody gave fails in the tests, instead of printing nothing).

Pages and PDFs share one environment, so a partial (the commitments of a contract, the indicator
tables, the survey results) is one template for both. Mails have their own: their plain-text
bodies rely on Jinja's line trimming. The package vocabularies the templates read everywhere are
added by the wiring (`portal.template_globals`), not by importing route modules.
"""

import re
import unicodedata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portal import labels
from portal.formatting import FILTERS
from portal.periods import period_label

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def field_label(key: str, labels: dict[str, str]) -> str:
    """The name of a field in a form's error summary: « lines.3.hours » → « Ligne 4, heures »."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return f"Ligne {int(parts[1]) + 1}, {labels.get(parts[2], parts[2])}"
    return labels.get(key, key)


def html_id(text: str) -> str:
    """An element id made of a text's words (a table's caption): « Année 2025 — décret » →
    « annee-2025-decret ». Deterministic, so that a page and its htmx fragment agree."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_environment(directory: Path = TEMPLATES_DIR, *, text: bool = False) -> Environment:
    """HTML escaped everywhere but in ``.txt`` templates; ``text`` trims the line after a tag
    (plain-text mails)."""
    environment = Environment(
        loader=FileSystemLoader(str(directory)),
        autoescape=select_autoescape(disabled_extensions=("txt",), default_for_string=True,
                                     default=True),
        undefined=StrictUndefined, trim_blocks=text)
    environment.filters.update(FILTERS, html_id=html_id)
    # `printed`: a partial shared by a page and a PDF leaves its links and forms out on paper
    # (portal.pdf renders with printed=True).
    environment.globals.update(labels=labels, period_label=period_label, field_label=field_label,
                               printed=False)
    return environment


# Pages (portal.web) and PDFs (portal.pdf).
environment = make_environment()


def add_globals(**values: Any) -> None:
    """Names every page and PDF template may read (vocabularies, formatters)."""
    environment.globals.update(values)
