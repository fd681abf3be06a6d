"""CSR reports through HTTP: filed once a year, carried by every contract that asks for one."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent
from supplier import csr
from supplier.models import Attachment, CsrReport, Status
from tests.supplier.report_helpers import PDF, add_outsiders, csr_world, pdf, switch, text

FIGURES = {"headcount": "250", "women_share": "42,5", "equality_index": "88",
           "ghg_scope12_tco2e": "1 250,5", "accident_frequency_rate": "12,3",
           "local_suppliers_share": "61"}


@pytest.fixture
def w(db):
    return csr_world(db)


def form(declaration, action="submit", **changes):
    return {**FIGURES, "version": declaration.version, "action": action, **changes}


def year(declarations, value):
    return next(d for d in declarations if d.period_start.year == value)




def test_one_declaration_per_calendar_year_due_30_june(w):
    assert [(d.period_start, d.period_end, d.due_on) for d in w.a] == [
        (date(2024, 1, 1), date(2024, 12, 31), date(2025, 6, 30)),
        (date(2025, 1, 1), date(2025, 12, 31), date(2026, 6, 30))]
    assert [(d.period_start, d.due_on) for d in w.b] == [
        (date(2025, 3, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2027, 6, 30)),
        (date(2027, 1, 1), date(2028, 6, 30))]


def test_filed_once_submitted_for_both_buyers_reviewed_independently(client, db, login, post,
                                                                     w):
    a25, b25 = year(w.a, 2025), year(w.b, 2025)
    login(w.holder)
    page = text(client.get(f"/fournisseur/declarations/{a25.id}"))
    assert "commun à tous vos contrats" in page
    assert "vous le déposez aussi pour : le contrat B-RSE (Département)" in page
    response = post(f"/fournisseur/declarations/{a25.id}", form(a25),
                    files={"document": pdf("RSE 2025.pdf")})
    assert response.status_code == 303, response.text

    # Both declarations of 2025 are submitted, carrying the same version and the same PDF.
    db.expire_all()
    assert a25.status == b25.status == Status.submitted
    report = csr.carried_report(db, a25.id)
    assert csr.carried_report(db, b25.id).id == report.id and report.version == 1
    assert report.headcount == 250 and report.ghg_scope12_tco2e == 1250.5
    assert report.document.filename == "RSE 2025.pdf" and report.document.size == len(PDF)
    assert len(report.document.sha256) == 64
    sibling_audit = db.scalar(select(AuditEvent).where(AuditEvent.entity_id == b25.id,
                                                       AuditEvent.action == "submit"))
    assert sibling_audit.actor_id == w.holder.id
    # The 2024 declaration of contract A is another year: untouched.
    assert year(w.a, 2024).status == Status.expected

    # Each buyer sees it on its own contract page and downloads the PDF.
    for buyer, contract in ((w.buyer_a, w.contract_a), (w.buyer_b, w.contract_b)):
        switch(client, login, buyer)
        page = text(client.get(f"/acheteur/contrats/{contract.id}"))
        assert "Rapport RSE annuel" in page and "Déposé, en cours d'examen" in page
        assert "250" in page and "42,5 %" in page and "88/100" in page
        assert "1 250,5 tCO2e" in page and "RSE 2025.pdf" in page
        download = client.get(f"/documents/{report.document_id}")
        assert download.status_code == 200 and download.content == PDF
        assert download.headers["content-type"] == "application/pdf"

    # Buyer A validates; buyer B returns its own declaration.
    switch(client, login, w.buyer_a)
    assert post(f"/acheteur/declarations/{a25.id}/valider",
                {"version": a25.version}).status_code == 303
    switch(client, login, w.buyer_b)
    assert post(f"/acheteur/declarations/{b25.id}/renvoyer",
                {"version": b25.version, "comment": "Effectif à corriger"}).status_code == 303
    db.expire_all()
    assert (a25.status, b25.status) == (Status.validated, Status.returned)

    # The correction makes version 2; what buyer A validated still shows version 1.
    switch(client, login, w.holder)
    page = client.get(f"/fournisseur/declarations/{b25.id}").text
    assert 'value="250"' in page and "Effectif à corriger" in page.replace("&#39;", "'")
    assert "une <strong>version n° 2</strong> sera créée" in page
    response = post(f"/fournisseur/declarations/{b25.id}", form(b25, headcount="262"))
    assert response.status_code == 303, response.text
    db.expire_all()
    v1, v2 = csr.carried_report(db, a25.id), csr.carried_report(db, b25.id)
    assert (v1.version, v1.headcount) == (1, 250) and (v2.version, v2.headcount) == (2, 262)
    assert v2.document_id == v1.document_id  # the PDF carries over to the new version
    assert b25.status == Status.submitted and a25.status == Status.validated

    switch(client, login, w.buyer_a)
    page = text(client.get(f"/acheteur/contrats/{w.contract_a.id}"))
    assert "version 1" in page and "262" not in page and "Reçu et validé" in page
    switch(client, login, w.buyer_b)
    page = text(client.get(f"/acheteur/declarations/{b25.id}"))
    assert "version n° 2" in page and "262" in page
    assert post(f"/acheteur/declarations/{b25.id}/valider",
                {"version": b25.version}).status_code == 303
    db.expire_all()
    assert b25.status == Status.validated


def test_the_report_is_seen_nowhere_else(client, db, login, post, w):
    add_outsiders(db, w)
    a25 = year(w.a, 2025)
    login(w.holder)
    post(f"/fournisseur/declarations/{a25.id}", form(a25), files={"document": pdf()})
    document_id = csr.carried_report(db, a25.id).document_id

    # The contract without a CSR commitment shows no CSR section, its buyer cannot download.
    page = text(client.get(f"/fournisseur/contrats/{w.contract_c.id}"))
    assert "Rapport RSE" not in page
    switch(client, login, w.buyer_c)
    assert "Rapport RSE" not in text(client.get(f"/acheteur/contrats/{w.contract_c.id}"))
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert client.get(f"/acheteur/declarations/{a25.id}").status_code == 404
    assert post(f"/acheteur/declarations/{a25.id}/valider",
                {"version": a25.version + 1}).status_code == 404
    # Another supplier sees neither the declaration nor the document.
    switch(client, login, w.outsider)
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert client.get(f"/fournisseur/declarations/{a25.id}").status_code == 404
    assert client.get(f"/fournisseur/contrats/{w.contract_a.id}").status_code == 404


def test_resubmitting_unchanged_keeps_the_version_a_buyer_has(client, db, login, post, w):
    a25, b25 = year(w.a, 2025), year(w.b, 2025)
    login(w.holder)
    post(f"/fournisseur/declarations/{a25.id}", form(a25), files={"document": pdf()})
    switch(client, login, w.buyer_b)
    db.refresh(b25)
    post(f"/acheteur/declarations/{b25.id}/renvoyer",
         {"version": b25.version, "comment": "Merci de confirmer l'effectif"})
    switch(client, login, w.holder)
    db.refresh(b25)
    # Same figures, same PDF sent again: no twin version.
    response = post(f"/fournisseur/declarations/{b25.id}", form(b25),
                    files={"document": pdf("encore.pdf")})
    assert response.status_code == 303
    db.expire_all()
    assert b25.status == Status.submitted
    assert csr.carried_report(db, b25.id).id == csr.carried_report(db, a25.id).id
    assert db.scalar(select(func.count()).select_from(CsrReport)) == 1


def test_draft_without_pdf_then_submit_requires_it(client, db, login, post, w):
    a24 = year(w.a, 2024)
    login(w.holder)
    response = post(f"/fournisseur/declarations/{a24.id}", form(a24, action="save"))
    assert response.status_code == 303
    db.refresh(a24)
    assert a24.status == Status.draft

    response = post(f"/fournisseur/declarations/{a24.id}",
                    form(a24, headcount="300"))
    assert response.status_code == 422
    assert "Le rapport RSE au format PDF est obligatoire" in response.text
    assert 'value="300"' in response.text  # what was typed is shown again
    assert 'aria-describedby="document-error"' in response.text
    db.expire_all()
    assert a24.status == Status.draft and csr.carried_report(db, a24.id).headcount == 250

    response = post(f"/fournisseur/declarations/{a24.id}", form(a24),
                    files={"document": pdf()})
    assert response.status_code == 303
    db.expire_all()
    assert a24.status == Status.submitted


def test_return_resubmit_validate_and_locked(client, db, login, post, api, w):
    a24 = year(w.a, 2024)
    login(w.holder)
    assert post(f"/fournisseur/declarations/{a24.id}", form(a24),
                files={"document": pdf()}).status_code == 303
    db.refresh(a24)
    locked = post(f"/fournisseur/declarations/{a24.id}", form(a24, headcount="1"))
    assert locked.status_code == 409 and "ne peut plus être modifiée" in locked.text

    switch(client, login, w.buyer_a)
    post(f"/acheteur/declarations/{a24.id}/renvoyer",
         {"version": a24.version, "comment": "Index manquant"})
    switch(client, login, w.holder)
    db.refresh(a24)
    # Nobody had it when it was returned: the same version is corrected in place.
    assert post(f"/fournisseur/declarations/{a24.id}",
                form(a24, equality_index="91")).status_code == 303
    db.expire_all()
    assert csr.carried_report(db, a24.id).version == 1
    assert csr.carried_report(db, a24.id).equality_index == 91

    switch(client, login, w.buyer_a)
    assert post(f"/acheteur/declarations/{a24.id}/valider",
                {"version": a24.version}).status_code == 303
    switch(client, login, w.holder)
    db.refresh(a24)
    response = post(f"/fournisseur/declarations/{a24.id}", form(a24, headcount="1"))
    assert response.status_code == 409 and "validée" in response.text
    page = text(client.get(f"/fournisseur/declarations/{a24.id}"))
    assert "validée par l'acheteur" in page and "version n° 1" in page and "91/100" in page

    content = api(w.buyer_a).get(f"/api/v1/declarations/{a24.id}").json()["content"]
    assert content["year"] == 2024
    assert content["report"]["headcount"] == 250
    assert content["report"]["women_share"] == "42.50"
    assert content["report"]["document"]["url"].startswith("/documents/")


def test_api_saves_figures_and_submits_a_report_filed_from_another_contract(client, db, login,
                                                                             post, api, w):
    a25, b25 = year(w.a, 2025), year(w.b, 2025)
    holder = api(w.holder)
    saved = holder.put(f"/api/v1/declarations/{a25.id}",
                       json={"version": a25.version, "headcount": 12, "women_share": "50"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["content"]["report"]["headcount"] == 12
    refused = holder.post(f"/api/v1/declarations/{a25.id}/submit",
                          json={"version": saved.json()["version"]})
    assert refused.status_code == 422 and "PDF est obligatoire" in refused.json()["detail"]

    login(w.holder)  # the PDF comes through the page
    db.refresh(a25)
    post(f"/fournisseur/declarations/{a25.id}", form(a25, action="save"),
         files={"document": pdf()})
    db.refresh(b25)
    submitted = holder.post(f"/api/v1/declarations/{b25.id}/submit",
                            json={"version": b25.version})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["content"]["report"]["headcount"] == 250
    db.expire_all()
    assert a25.status == b25.status == Status.submitted


def test_two_forms_on_the_same_report_cannot_overwrite_each_other(client, db, login, post, w):
    a25, b25 = year(w.a, 2025), year(w.b, 2025)
    login(w.holder)
    first = client.get(f"/fournisseur/declarations/{a25.id}").text
    assert 'name="report_revision" value="0"' in first
    assert post(f"/fournisseur/declarations/{b25.id}",
                form(b25, action="save", report_revision="0")).status_code == 303
    # The form of contract A was read before the report existed: saving it would overwrite.
    response = post(f"/fournisseur/declarations/{a25.id}",
                    form(a25, action="save", headcount="9", report_revision="0"))
    assert response.status_code == 409 and "modifié entre-temps" in response.text
    db.expire_all()
    assert csr.latest_report(db, w.holder.organisation_id, 2025).headcount == 250


def test_bad_figures_are_refused_and_nothing_is_lost(client, db, login, post, api, w):
    a25 = year(w.a, 2025)
    login(w.holder)
    post(f"/fournisseur/declarations/{a25.id}", form(a25, action="save"))
    db.refresh(a25)
    for field, value, message in [
            ("headcount", "-3", "ne peut pas être négative"),
            ("headcount", "12,5", "nombre entier"),
            ("women_share", "120", "inférieure ou égale à 100"),
            ("equality_index", "101", "inférieure ou égale à 100"),
            ("ghg_scope12_tco2e", "-1", "ne peut pas être négative"),
            ("local_suppliers_share", "beaucoup", "Saisissez un nombre")]:
        response = post(f"/fournisseur/declarations/{a25.id}", form(a25, **{field: value}))
        assert response.status_code == 422, field
        assert message in response.text, field
        assert f'aria-describedby="{field}-error"' in response.text
        assert f'value="{value}"' in response.text
    response = api(w.holder).put(f"/api/v1/declarations/{a25.id}",
                                 json={"version": a25.version, "headcount": True,
                                       "women_share": -1})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"headcount", "women_share"}
    response = api(w.holder).put(f"/api/v1/declarations/{a25.id}",
                                 json={"version": a25.version, "document": "rapport.pdf"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"document": "Ce champ n'est pas attendu."}
    db.expire_all()
    assert a25.status == Status.draft
    assert db.scalar(select(CsrReport.headcount)) == 250
    assert db.scalars(select(Attachment)).all() == []
