"""Where the tests read the official schemas and the real published records: the project's
shared reference folder beside the repository (CI has it), never copied into the repository."""

import os
from pathlib import Path

REFERENCE_DATA = Path(os.environ.get("PORTAL_REFERENCE_DATA")
                      or Path(__file__).resolve().parents[1].parent / "shared/reference/data")

DECP = REFERENCE_DATA / "decp"
DECP_2019_REAL = DECP / "real-decp-2019-format"
DECP_2024_REAL = DECP / "real-decp-2024-format"
DECP_2019_SCHEMA = DECP / "format-commande-publique/v1.5.0/marches.json"
DECP_2024_SCHEMA = DECP / "format-commande-publique/v2.0.3/schema_decp_v2.0.3.json"
AGEC_SCHEMA = REFERENCE_DATA / "agec/schema-declaration-biens-valorisation.json"
OCDS = REFERENCE_DATA / "ocds"


def reference(path: Path) -> Path:
    """The file, or a failure saying where the reference folder was looked for (a missing
    reference must fail the suite, not skip it)."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: set PORTAL_REFERENCE_DATA to the shared "
                                "reference/data folder")
    return path
