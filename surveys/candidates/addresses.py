"""The candidates' addresses, typed one a line or read from a CSV file: checked, normalised,
each once."""

import csv
import io
import re
from pathlib import Path
from typing import BinaryIO

from portal.documents import SIGNATURES, received_file
from portal.errors import Invalid
from portal.identity import normalize_email
from portal.settings import get_settings

# A procedure has a handful of candidates, rarely more than a few dozen; past this it is more
# likely a mailing list pasted by mistake than a procedure.
MAX_ADDRESSES = 200
# What a mail server accepts in practice, without trying to be RFC 5322: one @, a dot in the
# domain, no space.
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")
FIELD = "adresses"


def checked_addresses(text: str) -> list[str]:
    """The addresses of the text (one a line, blank lines ignored), lower-cased and each once,
    in the order typed; refuses the whole list, naming every bad line, if one is wrong."""
    addresses: dict[str, None] = {}
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        address = normalize_email(line)
        if not address:
            continue
        if len(address) > 254 or not _ADDRESS.match(address):
            bad.append(f"ligne {number} (« {line.strip()[:60]} »)")
        else:
            addresses[address] = None
    if bad:
        shown = ", ".join(bad[:10]) + (" …" if len(bad) > 10 else "")
        raise Invalid("Aucune invitation n'a été envoyée : corrigez la liste des adresses.",
                      field_errors={FIELD: f"Adresse e-mail invalide : {shown}."})
    if not addresses:
        raise Invalid("Aucune invitation n'a été envoyée : la liste est vide.",
                      field_errors={FIELD: "Saisissez au moins une adresse e-mail."})
    if len(addresses) > MAX_ADDRESSES:
        raise Invalid("Aucune invitation n'a été envoyée : la liste est trop longue.",
                      field_errors={FIELD: f"{MAX_ADDRESSES} adresses au plus par envoi."})
    return list(addresses)


def _decoded(raw: bytes) -> str:
    if b"\x00" in raw or any(raw.startswith(m) for ms in SIGNATURES.values() for m in ms):
        raise Invalid("Ce fichier n'est pas un fichier CSV (texte) : enregistrez votre tableau "
                      "au format CSV et recommencez.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # a spreadsheet's export on Windows


def addresses_from_csv(stream: BinaryIO) -> str:
    """The addresses a CSV file holds, one a line, ready for the form's text area: every cell
    with an @ (a header, a name or a company in the other columns are left out). The file is
    read once and not kept: the addresses serve only to send."""
    directory = get_settings().data_dir.resolve() / "tmp"
    with received_file(stream, directory) as (path, _sha, _size, _head):
        try:
            text = _decoded(Path(path).read_bytes())
        finally:
            Path(path).unlink(missing_ok=True)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    cells = (cell.strip() for row in csv.reader(io.StringIO(text), delimiter=delimiter)
             for cell in row)
    found = [cell for cell in cells if "@" in cell]
    if not found:
        raise Invalid("Ce fichier ne contient aucune adresse e-mail.")
    return "\n".join(found)
