"""Uploads of the yearly reports: refused with a clear French message, nothing saved is lost,
nothing is written outside the data directory."""

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.documents import Document, storage_dir
from portal.settings import get_settings
from supplier import csr
from supplier.kinds.concession import annexes_of, report_of
from tests import pdfs
from tests.supplier.report_helpers import ELF, EXECUTABLE, PDF, concession_world, csr_world, pdf


@pytest.fixture(params=["csr", "concession"])
def case(request, db, client, login, post):
    """A draft of either kind already saved with one PDF; `fields` re-sends what was typed,
    `shown` is its first value as the form writes it back."""
    if request.param == "csr":
        w = csr_world(db)
        declaration, holder, buyer = w.a[1], w.holder, w.buyer_a
        fields, file_field = {"headcount": "250", "women_share": "40"}, "document"
        shown = 'value="250"'

        def saved():
            report = csr.latest_report(db, holder.organisation_id, 2025)
            return report.headcount, [report.document.filename]
    else:
        w = concession_world(db)
        declaration, holder, buyer = w.declarations[0], w.holder, w.buyer
        fields, file_field = {"total_purchases": "1000", "sme_purchases": "250"}, "annexes"
        shown = 'value="1\u202f000,00"'  # an amount, in the French format

        def saved():
            annexes = [a.document.filename for a in annexes_of(db, declaration.id)]
            return int(report_of(db, declaration.id).total_purchases), annexes
    login(holder)
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {**fields, "version": declaration.version, "action": "save"},
                    files={file_field: pdf("premier.pdf")})
    assert response.status_code == 303, response.text
    db.refresh(declaration)
    return SimpleNamespace(kind=request.param, declaration=declaration, fields=fields,
                           shown=shown, file_field=file_field, saved=saved, buyer=buyer,
                           before=saved())


def send(post, case, upload, **extra):
    data = {**case.fields, "version": case.declaration.version, "action": "save", **extra}
    return post(f"/fournisseur/declarations/{case.declaration.id}", data,
                files={case.file_field: upload})


def nothing_lost(db, case):
    db.expire_all()
    assert case.saved() == case.before


def files_under(root):
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("content", [EXECUTABLE, ELF], ids=["exe", "elf"])
def test_an_executable_named_pdf_is_refused(client, db, post, case, content):
    documents = db.scalar(select(func.count()).select_from(Document))
    response = send(post, case, ("rapport.pdf", content, "application/pdf"),
                    supplier_comment="Gardé")
    assert response.status_code == 422
    assert "« rapport.pdf » : Ce fichier n'est pas un document PDF valide" in response.text.replace(
        "&#39;", "'")
    assert f'aria-describedby="{case.file_field}-error"' in response.text
    assert "choisissez-le à nouveau" in response.text and "Gardé" in response.text
    nothing_lost(db, case)
    assert db.scalar(select(func.count()).select_from(Document)) == documents


def test_an_upload_above_the_limit_is_refused_in_the_app(client, db, post, case, monkeypatch):
    # The app-level check: a small limit keeps the test fast (the proxy check is below).
    monkeypatch.setattr(get_settings(), "max_upload_bytes", 1024 * 1024)
    stored = files_under(storage_dir())
    response = send(post, case, ("gros.pdf", PDF + b"0" * (1536 * 1024), "application/pdf"))
    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale de 1 Mo." in response.text
    assert f'aria-describedby="{case.file_field}-error"' in response.text
    assert case.shown in response.text  # what was typed is shown again
    nothing_lost(db, case)
    assert files_under(storage_dir()) == stored  # no temporary file left behind


def test_a_50_megabyte_upload_is_refused_before_it_is_read(client, db, post, case):
    started = time.monotonic()
    response = send(post, case, ("enorme.pdf", PDF + b"0" * (50 * 1024 * 1024), "application/pdf"))
    assert response.status_code == 413
    assert "trop volumineuse" in response.text and "20 Mo" in response.text
    assert time.monotonic() - started < 10
    nothing_lost(db, case)


def test_a_path_traversal_name_is_stored_safely(client, db, login, post, case):
    data_dir = get_settings().data_dir.resolve()
    outside = {p for p in data_dir.parent.rglob("*")
               if p.is_file() and data_dir not in p.parents}
    response = send(post, case, pdf("../../etc/passwd.pdf"))
    assert response.status_code == 303, response.text
    db.expire_all()
    document = db.scalar(select(Document).order_by(Document.id.desc()))
    assert document.filename == "passwd.pdf"
    assert document.path.resolve().is_relative_to(data_dir)
    assert {p for p in data_dir.parent.rglob("*")
            if p.is_file() and data_dir not in p.parents} <= outside | {
        data_dir.parent / "test.db", data_dir.parent / "test.db-journal"}
    page = client.get(f"/fournisseur/declarations/{case.declaration.id}").text
    assert ">passwd.pdf<" in page and "../" not in page
    download = client.get(f"/documents/{document.id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"] == 'attachment; filename="passwd.pdf"'


REFUSED_PDFS = {
    "header-then-program": (b"%PDF-1.7\n" + EXECUTABLE + b"\n%%EOF\n",
                            "Ce fichier n'est pas un document PDF valide : sa structure ne peut "
                            "pas être lue"),
    "program-appended": (PDF + EXECUTABLE,
                         "Ce fichier n'est pas un document PDF valide"),
    "javascript": (pdfs.pdf_with_javascript(), "Ce PDF contient du JavaScript"),
    "page-action": (pdfs.pdf_with_page_action(), "Ce PDF contient des actions automatiques"),
    "embedded-file": (pdfs.pdf_with_attachment(), "Ce PDF contient des fichiers incorporés"),
    "launch": (pdfs.pdf_with_launch(), "Ce PDF contient une commande qui lance un programme"),
}


@pytest.mark.parametrize("name", REFUSED_PDFS)
def test_a_pdf_that_is_not_whole_or_carries_code_is_refused(client, db, post, case, name):
    content, reason = REFUSED_PDFS[name]
    documents = db.scalar(select(func.count()).select_from(Document))
    stored = files_under(storage_dir())
    response = send(post, case, ("rapport.pdf", content, "application/pdf"),
                    supplier_comment="Gardé")
    assert response.status_code == 422
    page = response.text.replace("&#39;", "'")
    assert f"« rapport.pdf » : {reason}" in page
    assert "choisissez-le à nouveau" in page and "Gardé" in page
    nothing_lost(db, case)
    assert db.scalar(select(func.count()).select_from(Document)) == documents
    assert files_under(storage_dir()) == stored  # neither kept nor left as a temporary file


def test_a_real_pdf_is_stored_and_downloaded_unchanged(client, db, post, case):
    content = pdfs.valid_pdf()
    response = send(post, case, ("rapport 2025.pdf", content, "application/pdf"))
    assert response.status_code == 303, response.text
    db.expire_all()
    document = db.scalar(select(Document).order_by(Document.id.desc()))
    assert document.filename == "rapport 2025.pdf" and document.content_type == "application/pdf"
    assert client.get(f"/documents/{document.id}").content == content
