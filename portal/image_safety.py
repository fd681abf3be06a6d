"""What an uploaded PNG or JPEG must be before it is stored: the whole file one image, walked
structure by structure to its end marker, with nothing after it. The first bytes alone would let
anything follow a real image (a program, a ZIP archive, a script a careless viewer runs)."""

import struct
import zlib
from pathlib import Path

from portal.errors import Invalid

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_UNREADABLE = ("Ce fichier n'est pas une image PNG valide : sa structure est endommagée ou "
                  "incomplète. Enregistrez-la de nouveau en PNG depuis votre logiciel.")
PNG_TRAILING = ("Ce fichier n'est pas une image PNG valide : des données étrangères suivent la "
                "fin de l'image. Enregistrez-la de nouveau en PNG depuis votre logiciel.")
JPEG_UNREADABLE = ("Ce fichier n'est pas une image JPEG valide : sa structure est endommagée ou "
                   "incomplète. Enregistrez-la de nouveau en JPEG depuis votre logiciel.")
JPEG_TRAILING = ("Ce fichier n'est pas une image JPEG valide : des données étrangères suivent "
                 "la fin de l'image. Enregistrez-la de nouveau en JPEG depuis votre logiciel.")

# JPEG markers that stand alone (no length): restart markers, TEM; and those that start a frame
# (SOF0–SOF15 but DHT C4, JPG C8 and DAC CC).
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def check_png(path: Path) -> None:
    """Raises `Invalid` unless the file is PNG chunks from IHDR to IEND, each with the right
    CRC, and nothing after IEND."""
    data = path.read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        raise Invalid(PNG_UNREADABLE)
    position, first, has_data = len(PNG_SIGNATURE), True, False
    while True:
        if position + 12 > len(data):
            raise Invalid(PNG_UNREADABLE)  # cut off before IEND
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 8 + length + 4
        if length > 2**31 - 1 or end > len(data) or not kind.isalpha() or not kind.isascii():
            raise Invalid(PNG_UNREADABLE)
        body = data[position + 4:position + 8 + length]
        (crc,) = struct.unpack_from(">I", data, position + 8 + length)
        if zlib.crc32(body) != crc:
            raise Invalid(PNG_UNREADABLE)
        if first and (kind != b"IHDR" or length != 13):
            raise Invalid(PNG_UNREADABLE)
        first, has_data = False, has_data or kind == b"IDAT"
        position = end
        if kind == b"IEND":
            break
    if length != 0 or not has_data:
        raise Invalid(PNG_UNREADABLE)
    if position != len(data):
        raise Invalid(PNG_TRAILING)


def check_jpeg(path: Path) -> None:
    """Raises `Invalid` unless the file is JPEG segments from SOI to EOI, with a frame and a
    scan, and nothing after EOI."""
    data = path.read_bytes()
    if not data.startswith(b"\xff\xd8"):
        raise Invalid(JPEG_UNREADABLE)
    position, has_frame, has_scan = 2, False, False
    while True:
        marker, position = _next_marker(data, position)
        if marker == 0xD9:  # EOI
            break
        if marker in _STANDALONE:
            continue
        if marker == 0xD8 or position + 2 > len(data):
            raise Invalid(JPEG_UNREADABLE)
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > len(data):
            raise Invalid(JPEG_UNREADABLE)
        position += length
        has_frame = has_frame or marker in _FRAMES
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next real marker
            if not has_frame:
                raise Invalid(JPEG_UNREADABLE)
            has_scan = True
            position = _end_of_scan(data, position)
    if not has_scan:
        raise Invalid(JPEG_UNREADABLE)
    if position != len(data):
        raise Invalid(JPEG_TRAILING)


def _next_marker(data: bytes, position: int) -> tuple[int, int]:
    """The marker at `position` (after any 0xFF fill bytes) and the position after it."""
    if position >= len(data) or data[position] != 0xFF:
        raise Invalid(JPEG_UNREADABLE)
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data) or data[position] == 0x00:
        raise Invalid(JPEG_UNREADABLE)
    return data[position], position + 1


def _end_of_scan(data: bytes, position: int) -> int:
    """Where the entropy-coded data starting at `position` stops: the first 0xFF that is neither
    a stuffed 0xFF00 nor a restart marker, nor fill before one."""
    while True:
        position = data.find(b"\xff", position)
        if position == -1 or position + 1 >= len(data):
            raise Invalid(JPEG_UNREADABLE)  # no EOI
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position
