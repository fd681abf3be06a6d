"""Reading a DECP file record by record, without holding it whole in memory: the 2019 format
({"marches": [...]}), the 2024 one ({"marches": {"marche": [...], "contrat-concession":
[...]}}) and a bare list of records, marchés and concessions alike."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import ijson
from ijson.common import ObjectBuilder

from portal.errors import Invalid

# Where records sit, and whether a record found there is a concession.
RECORD_PREFIXES = {"item": None, "marches.item": None, "marches.marche.item": False,
                   "marches.contrat-concession.item": True}
# Keys one of which every DECP record has (a JSON list of anything else is not DECP).
DECP_KEYS = {"acheteur", "autoriteConcedante", "objet", "codeCPV", "titulaires",
             "concessionnaires", "dateNotification", "dateSignature"}

NOT_JSON = ("Ce fichier n'est pas un fichier JSON lisible : envoyez le fichier des données "
            "essentielles (DECP) au format JSON, tel que publié.")
NOT_DECP = ("Ce fichier JSON ne contient pas de données essentielles (DECP) : on y attend une "
            "liste « marches » (format 2019 ou 2024) ou une liste de marchés et de concessions.")


class UnreadableFile(Invalid):
    """The file cannot be read as DECP at all (as opposed to one bad record in it)."""


@dataclass
class RawRecord:
    position: int           # 1 for the first record of the file
    data: dict[str, Any]
    concession: bool | None  # None: to tell from the record itself


def strip_keys(value: Any) -> Any:
    """The record with every key stripped of spaces (« nom  » is « nom »)."""
    if isinstance(value, dict):
        return {str(key).strip(): strip_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_keys(item) for item in value]
    return value


def records(stream: BinaryIO) -> Iterator[RawRecord]:
    """Each record of the file in order; raises UnreadableFile when the file is not JSON (even
    after some records were read: a truncated file) or holds no DECP record."""
    builder: ObjectBuilder | None = None
    prefix_of_record = ""
    position = 0
    try:
        for prefix, event, value in ijson.parse(stream, use_float=False):
            if builder is not None:
                builder.event(event, value)
                if event == "end_map" and prefix == prefix_of_record:
                    position += 1
                    data = strip_keys(builder.value)
                    if position == 1 and not DECP_KEYS & data.keys():
                        raise UnreadableFile(NOT_DECP)
                    yield RawRecord(position, data, RECORD_PREFIXES[prefix_of_record])
                    builder = None
            elif event == "start_map" and prefix in RECORD_PREFIXES:
                builder, prefix_of_record = ObjectBuilder(), prefix
                builder.event(event, value)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        where = f" (après l'enregistrement n° {position})" if position else ""
        raise UnreadableFile(NOT_JSON.replace(" :", f"{where} :", 1)) from error
    if position == 0:
        raise UnreadableFile(NOT_DECP)


def check_readable(path: Path) -> None:
    """Refuses, before any import starts, a file that is not JSON or whose first record is not
    DECP (it reads up to that first record only)."""
    with path.open("rb") as stream:
        for _ in records(stream):
            return
