"""Small real PDFs built in the tests: one a reader opens, and the kinds an upload must refuse."""

from io import BytesIO

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _written(writer: PdfWriter) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def valid_pdf() -> bytes:
    return _written(_one_page())


def pdf_with_javascript() -> bytes:
    """A script run when the document opens."""
    writer = _one_page()
    writer.add_open_action(JavaScript("app.alert('ouvert');"))
    return _written(writer)


def pdf_with_page_action() -> bytes:
    """An additional action (/AA) on the page, run when it is shown."""
    writer = _one_page()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({
        NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                            NameObject("/URI"): TextStringObject("https://x.fr")})})
    return _written(writer)


def pdf_with_attachment() -> bytes:
    writer = _one_page()
    writer.add_attachment("programme.exe", b"MZ\x90\x00" + b"\x00" * 60)
    return _written(writer)


def pdf_with_launch() -> bytes:
    writer = _one_page()
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    return _written(writer)


PDF = valid_pdf()
