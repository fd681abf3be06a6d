"""The PNG and JPEG checks: real images pass, whatever follows or breaks their structure is
refused with a French reason, and an upload is refused the same way."""

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image, PngImagePlugin

from portal.documents import store_upload
from portal.errors import Invalid
from portal.image_safety import (
    JPEG_TRAILING,
    JPEG_UNREADABLE,
    PNG_TRAILING,
    PNG_UNREADABLE,
    check_jpeg,
    check_png,
)
from portal.models import Role
from tests import factories
from tests.uploads import refusal

EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."
ZIP = b"PK\x03\x04" + b"\x00" * 26 + b"payload.js"


def _picture() -> Image.Image:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, (x * y) % 256) for y in range(48) for x in range(64)])
    return image


def png(**options) -> bytes:
    out = BytesIO()
    _picture().save(out, "PNG", **options)
    return out.getvalue()


def jpeg(**options) -> bytes:
    out = BytesIO()
    _picture().save(out, "JPEG", **options)
    return out.getvalue()




def test_real_pngs_pass(tmp_path):
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Chantier de l'école, mars 2026")
    for content in (png(), png(pnginfo=text), png(optimize=True)):
        assert refusal(tmp_path, check_png, content) is None
    paletted = BytesIO()
    _picture().convert("P").save(paletted, "PNG")
    assert refusal(tmp_path, check_png, paletted.getvalue()) is None


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"optimize": True},
                                     {"quality": 20, "subsampling": 0}],
                         ids=["baseline", "progressive", "optimized", "low-quality"])
def test_real_jpegs_pass(tmp_path, options):
    assert refusal(tmp_path, check_jpeg, jpeg(**options)) is None


def test_a_jpeg_with_restart_markers_and_exif_passes(tmp_path):
    exif = Image.Exif()
    exif[0x010E] = "Justificatif"
    content = jpeg(exif=exif.tobytes(), restart_marker_blocks=1)
    assert b"Exif" in content and b"\xff\xd0" in content and b"\xff\xd7" in content
    assert refusal(tmp_path, check_jpeg, content) is None


@pytest.mark.parametrize("appended", [EXECUTABLE, ZIP, b"<script>alert(1)</script>", b"\x00"],
                         ids=["executable", "zip", "script", "one-byte"])
def test_anything_after_the_end_of_an_image_is_refused(tmp_path, appended):
    assert refusal(tmp_path, check_png, png() + appended) == PNG_TRAILING
    assert refusal(tmp_path, check_jpeg, jpeg() + appended) == JPEG_TRAILING


def test_a_png_header_before_something_else_is_unreadable(tmp_path):
    assert refusal(tmp_path, check_png, b"\x89PNG\r\n\x1a\n" + EXECUTABLE) == PNG_UNREADABLE


def test_a_png_cut_short_or_with_a_wrong_checksum_is_unreadable(tmp_path):
    whole = png()
    assert refusal(tmp_path, check_png, whole[:-12]) == PNG_UNREADABLE  # no IEND
    assert refusal(tmp_path, check_png, whole[: len(whole) // 2]) == PNG_UNREADABLE
    # One byte of the pixels changed, its chunk's CRC left as it was.
    idat = whole.index(b"IDAT") + 10
    tampered = whole[:idat] + bytes([whole[idat] ^ 0xFF]) + whole[idat + 1:]
    assert refusal(tmp_path, check_png, tampered) == PNG_UNREADABLE


def test_a_png_hiding_a_program_in_a_chunk_of_its_own_is_still_a_png(tmp_path):
    # A well-formed private chunk is part of the image (viewers skip it): nothing trails.
    chunk = b"prVt" + EXECUTABLE
    private = struct.pack(">I", len(EXECUTABLE)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    whole = png()
    with_chunk = whole[:-12] + private + whole[-12:]
    assert refusal(tmp_path, check_png, with_chunk) is None


def test_a_jpeg_cut_short_or_without_a_picture_is_unreadable(tmp_path):
    whole = jpeg()
    assert refusal(tmp_path, check_jpeg, whole[:-2]) == JPEG_UNREADABLE  # no EOI
    assert refusal(tmp_path, check_jpeg, whole[: len(whole) // 2]) == JPEG_UNREADABLE
    assert refusal(tmp_path, check_jpeg, b"\xff\xd8\xff\xd9") == JPEG_UNREADABLE
    assert refusal(tmp_path, check_jpeg, b"\xff\xd8\xff" + EXECUTABLE) == JPEG_UNREADABLE


@pytest.mark.parametrize(("content", "message"), [
    (png() + EXECUTABLE, PNG_TRAILING), (jpeg() + ZIP, JPEG_TRAILING)], ids=["png", "jpeg"])
def test_an_upload_with_data_appended_is_refused_and_not_stored(db, tmp_path, content, message):
    from portal.documents import Document, storage_dir

    user = factories.make_user(db, Role.supplier)
    before = set(storage_dir().rglob("*")) if storage_dir().exists() else set()
    with pytest.raises(Invalid) as refused:
        store_upload(db, filename="preuve", stream=BytesIO(content), uploader=user,
                     allowed=("image/png", "image/jpeg"))
    assert refused.value.message == message
    assert set(storage_dir().rglob("*")) == before and db.query(Document).count() == 0
    stored = store_upload(db, filename="preuve", stream=BytesIO(png()), uploader=user,
                          allowed=("image/png", "image/jpeg"))
    assert stored.content_type == "image/png" and stored.path.read_bytes() == png()
