"""What an uploaded PDF must be before it is stored: a file a PDF reader can open, with nothing
that runs when someone opens it (scripts, launched programs) and nothing hidden inside it
(embedded files). The buyer's agents open these files on their office computers."""

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from portal.errors import Invalid

UNREADABLE = ("Ce fichier n'est pas un document PDF valide : sa structure ne peut pas être lue "
              "(fichier endommagé ou d'un autre format). Enregistrez-le de nouveau en PDF depuis "
              "votre logiciel.")
TRAILING = ("Ce fichier n'est pas un document PDF valide : des données étrangères suivent la fin "
            "du document. Enregistrez-le de nouveau en PDF depuis votre logiciel.")
ENCRYPTED = ("Ce PDF est protégé par un mot de passe : son contenu ne peut pas être vérifié. "
             "Enregistrez-le sans protection puis envoyez-le à nouveau.")
SCRIPT = ("Ce PDF contient du JavaScript (un programme exécuté à l'ouverture du document) : il est "
          "refusé pour protéger les personnes qui l'ouvriront. Enregistrez-le de nouveau sans "
          "script, par exemple avec « Imprimer en PDF ».")
AUTOMATIC = ("Ce PDF contient des actions automatiques (déclenchées à l'ouverture, au survol ou à "
             "la fermeture) : il est refusé pour protéger les personnes qui l'ouvriront. "
             "Enregistrez-le de nouveau, par exemple avec « Imprimer en PDF ».")
EMBEDDED = ("Ce PDF contient des fichiers incorporés (pièces jointes) : ils pourraient cacher un "
            "programme, le document est refusé. Envoyez le document sans pièce jointe.")
LAUNCH = ("Ce PDF contient une commande qui lance un programme : il est refusé pour protéger les "
          "personnes qui l'ouvriront. Enregistrez-le de nouveau, par exemple avec « Imprimer en "
          "PDF ».")

# A dictionary key, or an action type (/S), that is refused wherever it appears in the document.
# Names are compared once pypdf has decoded them, so `/J#61vaScript` is `/JavaScript`.
FORBIDDEN_KEYS = {"/JS": SCRIPT, "/JavaScript": SCRIPT, "/AA": AUTOMATIC,
                  "/EmbeddedFiles": EMBEDDED, "/EmbeddedFile": EMBEDDED, "/EF": EMBEDDED,
                  "/Launch": LAUNCH}
FORBIDDEN_ACTIONS = {"/JavaScript": SCRIPT, "/Launch": LAUNCH}
FORBIDDEN_TYPES = {"/EmbeddedFile": EMBEDDED}
# Writers pad the end of a file with line breaks or NUL bytes, never with anything else.
END = re.compile(rb"%%EOF[\s\x00]*\Z")


def check_pdf(path: Path) -> None:
    """Raises `Invalid` with the reason when the PDF at `path` must not be stored."""
    with path.open("rb") as file:
        file.seek(max(0, path.stat().st_size - 1024))
        tail = file.read()
    if b"%%EOF" not in tail:
        raise Invalid(UNREADABLE)  # no end of document: a header in front of something else
    if not END.search(tail):
        raise Invalid(TRAILING)  # e.g. a program appended to a real PDF
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise Invalid(ENCRYPTED)
        reason = _forbidden_content(reader)
        if reason is None and len(reader.pages) == 0:
            reason = UNREADABLE
    except Invalid:
        raise
    except Exception:  # a parser fed hostile bytes can fail in any way: all mean "not a PDF"
        raise Invalid(UNREADABLE) from None
    if reason is not None:
        raise Invalid(reason)


def _opens_without_password(reader: PdfReader) -> bool:
    # Files protected only against printing or copying open with an empty password.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional cryptography package
        return False


def _forbidden_content(reader: PdfReader) -> str | None:
    """Reads every object reachable from the trailer (so the whole structure is parsed, object
    streams included) and returns the reason of the first forbidden one found."""
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            # dict.items: the raw values, so references are followed once, above.
            for key, value in dict.items(obj):
                if key in FORBIDDEN_KEYS:
                    return FORBIDDEN_KEYS[key]
                if key == "/S" and isinstance(value, NameObject) and value in FORBIDDEN_ACTIONS:
                    return FORBIDDEN_ACTIONS[value]
                if key == "/Type" and isinstance(value, NameObject) and value in FORBIDDEN_TYPES:
                    return FORBIDDEN_TYPES[value]
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return None
