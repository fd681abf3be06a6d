"""The PDF check on its own: what a reader opens passes, the rest says why it is refused."""

from io import BytesIO

import pytest
from pypdf import PdfWriter

from portal.pdf_safety import ENCRYPTED, SCRIPT, UNREADABLE, check_pdf
from tests import pdfs
from tests.uploads import refusal


def check(tmp_path, content: bytes) -> str | None:
    return refusal(tmp_path, check_pdf, content)


def test_a_real_pdf_and_one_padded_by_its_writer_pass(tmp_path):
    assert check(tmp_path, pdfs.valid_pdf()) is None
    assert check(tmp_path, pdfs.valid_pdf() + b"\r\n\x00\x00") is None


def test_a_pdf_with_no_page_or_cut_short_is_unreadable(tmp_path):
    writer, out = PdfWriter(), BytesIO()
    writer.write(out)
    assert check(tmp_path, out.getvalue()) == UNREADABLE
    whole = pdfs.valid_pdf()
    assert check(tmp_path, whole[: len(whole) // 2] + b"\n%%EOF\n") == UNREADABLE


def test_a_script_hidden_in_the_name_tree_is_found(tmp_path):
    # pypdf puts document scripts under /Names /JavaScript, not in /OpenAction.
    assert b"/Names" in pdfs.pdf_with_javascript()
    assert check(tmp_path, pdfs.pdf_with_javascript()) == SCRIPT


@pytest.mark.parametrize("password", ["", "secret"], ids=["owner-only", "user-password"])
def test_an_encrypted_pdf_passes_only_if_it_opens_without_password(tmp_path, password):
    writer = PdfWriter(clone_from=BytesIO(pdfs.valid_pdf()))
    writer.encrypt(user_password=password, owner_password="proprietaire", algorithm="RC4-128")
    out = BytesIO()
    writer.write(out)
    expected = None if password == "" else ENCRYPTED
    assert check(tmp_path, out.getvalue()) == expected
