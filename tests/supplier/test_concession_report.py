"""The concession holder's annual report through HTTP: figures, shares, annexes, review."""

from datetime import date

import pytest

from supplier.kinds.concession import annexes_of, report_of
from supplier.models import Status
from tests import factories
from tests.supplier.report_helpers import PDF, add_outsiders, concession_world, pdf, switch, text

FIGURES = {"total_purchases": "1 000 000", "sme_purchases": "345 000",
           "local_purchases": "280 000,50", "siae_purchases": "42 000", "ea_esat_purchases": "0",
           "ess_purchases": "", "insertion_hours_contractual": "3 500",
           "insertion_hours_realised": "3 720,5", "agec_summary": "Vaisselle réemployable",
           "payment_delay_days": "38,5", "invoices_paid_60d_share": "92",
           "subcontracts_count": "8", "subcontracts_with_clauses": "3",
           "user_satisfaction": "87 % de familles satisfaites", "comments": ""}


@pytest.fixture
def w(db):
    return concession_world(db)


def form(declaration, action="submit", **changes):
    return {**FIGURES, "version": declaration.version, "action": action, **changes}




def test_one_report_per_year_due_before_1_june(w):
    assert [(d.period_start, d.period_end, d.due_on) for d in w.declarations] == [
        (date(2024, 1, 1), date(2024, 12, 31), date(2025, 5, 31)),
        (date(2025, 1, 1), date(2025, 12, 31), date(2026, 5, 31))]


def test_only_concessions_take_the_annual_report(db, api, w):
    body = factories.contract_data(w.holder.organisation, kind="concession", insertion=None,
                                   concession_report=True).model_dump(mode="json")
    body["kind"] = "market"
    response = api(w.buyer).post("/api/v1/contracts", json=body)
    assert response.status_code == 422
    assert "ne concerne que les concessions" in str(response.json())


def test_file_return_resubmit_validate_and_locked(client, db, login, post, api, w):
    first = w.declarations[0]
    login(w.holder)
    page = text(client.get(f"/fournisseur/declarations/{first.id}"))
    assert "avant le 1er juin" in page and "Total des achats" in page
    response = post(f"/fournisseur/declarations/{first.id}", form(first),
                    files=[("annexes", pdf("bilan.pdf")), ("annexes", pdf("enquete.pdf"))])
    assert response.status_code == 303, response.text
    db.expire_all()
    report = report_of(db, first.id)
    assert first.status == Status.submitted
    assert report.total_purchases == 1_000_000 and report.ess_purchases is None
    assert report.payment_delay_days == 38.5 and report.subcontracts_with_clauses == 3
    annexes = annexes_of(db, first.id)
    assert [a.document.filename for a in annexes] == ["bilan.pdf", "enquete.pdf"]

    switch(client, login, w.buyer)
    page = text(client.get(f"/acheteur/contrats/{w.contract.id}"))
    assert "Rapport annuel du concessionnaire" in page and "Déposé, en cours d'examen" in page
    assert "1 000 000,00 € HT" in page
    assert "345 000,00 € HT (34,5 %)" in page and "280 000,50 € HT (28,0 %)" in page
    assert "0,00 € HT (0,0 %)" in page and "3 720,50 h sur 3 500,00 h" in page
    assert "Manquant" in page  # 2025 was due on 31 May 2026
    review_page = text(client.get(f"/acheteur/declarations/{first.id}"))
    assert "37,5 %" in review_page  # 3 of 8 sub-contracts with clauses
    assert "bilan.pdf" in review_page and "87 % de familles satisfaites" in review_page
    assert client.get(f"/documents/{annexes[0].document_id}").content == PDF
    post(f"/acheteur/declarations/{first.id}/renvoyer",
         {"version": first.version, "comment": "Le bilan est celui de 2023."})

    # The holder corrects: one annex out, one in; the figures typed stay.
    switch(client, login, w.holder)
    db.refresh(first)
    page = client.get(f"/fournisseur/declarations/{first.id}").text
    assert 'value="345\u202f000,00"' in page and "Le bilan est celui de 2023." in page.replace(
        "&#39;", "'")
    response = post(f"/fournisseur/declarations/{first.id}",
                    form(first, remove_annexes=str(annexes[0].document_id)),
                    files=[("annexes", pdf("bilan-2024.pdf"))])
    assert response.status_code == 303, response.text
    db.expire_all()
    assert [a.document.filename for a in annexes_of(db, first.id)] == [
        "enquete.pdf", "bilan-2024.pdf"]
    assert first.status == Status.submitted

    switch(client, login, w.buyer)
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code == 303
    assert "Reçu et validé" in text(client.get(f"/acheteur/contrats/{w.contract.id}"))

    switch(client, login, w.holder)
    db.refresh(first)
    locked = post(f"/fournisseur/declarations/{first.id}", form(first, total_purchases="2e6"))
    assert locked.status_code == 409 and "validée" in locked.text
    db.expire_all()
    assert report_of(db, first.id).total_purchases == 1_000_000

    content = api(w.buyer).get(f"/api/v1/declarations/{first.id}").json()["content"]
    assert content["year"] == 2024
    assert content["report"]["total_purchases"] == "1000000.00"
    assert content["report"]["payment_delay_days"] == "38.5"
    assert content["shares"]["sme"] == "34.5" and content["shares"]["ess"] is None
    assert [a["filename"] for a in content["annexes"]] == ["enquete.pdf", "bilan-2024.pdf"]


def test_shares_are_a_dash_when_the_total_is_zero(client, db, login, post, w):
    first = w.declarations[0]
    login(w.holder)
    response = post(f"/fournisseur/declarations/{first.id}",
                    {"version": first.version, "action": "submit", "total_purchases": "0",
                     "sme_purchases": "0"})
    assert response.status_code == 303, response.text
    switch(client, login, w.buyer)
    page = text(client.get(f"/acheteur/contrats/{w.contract.id}"))
    assert "0,00 € HT (—)" in page and "%" not in page.split("Rapport annuel")[1]


def test_the_api_files_figures_and_refuses_a_part_above_the_total(db, api, w):
    first = w.declarations[0]
    holder = api(w.holder)
    refused = holder.put(f"/api/v1/declarations/{first.id}",
                         json={"version": first.version, "total_purchases": "100",
                               "siae_purchases": "150", "subcontracts_count": 2,
                               "subcontracts_with_clauses": 3})
    assert refused.status_code == 422
    assert holder.put(f"/api/v1/declarations/{first.id}",
                      json={"version": first.version, "annexes": [{"id": 1}]}
                      ).json()["errors"] == {"annexes": "Ce champ n'est pas attendu."}
    errors = refused.json()["errors"]
    assert "dépasse le total des achats" in errors["siae_purchases"]
    assert "dépasse celui des sous-traités" in errors["subcontracts_with_clauses"]
    saved = holder.put(f"/api/v1/declarations/{first.id}",
                       json={"version": first.version, "total_purchases": 100,
                             "siae_purchases": "12.5"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["content"]["shares"]["siae"] == "12.5"
    submitted = holder.post(f"/api/v1/declarations/{first.id}/submit",
                            json={"version": saved.json()["version"]})
    assert submitted.json()["status"] == "submitted"


def test_permissions(client, db, login, post, api, w):
    add_outsiders(db, w)
    first = w.declarations[0]
    login(w.holder)
    post(f"/fournisseur/declarations/{first.id}", form(first), files={"annexes": pdf()})
    db.refresh(first)
    document_id = annexes_of(db, first.id)[0].document_id

    switch(client, login, w.outsider)
    assert client.get(f"/fournisseur/declarations/{first.id}").status_code == 404
    assert post(f"/fournisseur/declarations/{first.id}",
                form(first, total_purchases="1")).status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert api(w.outsider).get(f"/api/v1/declarations/{first.id}").status_code == 404

    switch(client, login, w.other_buyer)
    assert client.get(f"/acheteur/declarations/{first.id}").status_code == 404
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404

    # The buyer cannot file for the holder, the holder cannot validate.
    assert api(w.buyer).put(f"/api/v1/declarations/{first.id}",
                            json={"version": first.version}).status_code == 403
    assert api(w.holder).post(f"/api/v1/declarations/{first.id}/validate",
                              json={"version": first.version}).status_code == 403
    db.expire_all()
    assert first.status == Status.submitted
    assert report_of(db, first.id).total_purchases == 1_000_000


@pytest.mark.parametrize(("field", "value", "shown", "message"), [
    ("total_purchases", "-100", "-100,00", "ne peut pas être négative"),
    ("sme_purchases", "2 000 000", "2\u202f000\u202f000,00",
     "dépasse le total des achats (1 000 000,00 € HT)"),
    ("invoices_paid_60d_share", "150", "150", "inférieure ou égale à 100"),
    ("subcontracts_count", "2,5", "2,5", "nombre entier"),
    ("payment_delay_days", "-3", "-3", "ne peut pas être négative"),
])
def test_bad_figures_are_refused_and_the_saved_report_stays(client, db, login, post, w, field,
                                                            value, shown, message):
    first = w.declarations[0]
    login(w.holder)
    post(f"/fournisseur/declarations/{first.id}", form(first, action="save"))
    db.refresh(first)
    response = post(f"/fournisseur/declarations/{first.id}",
                    form(first, **{field: value, "comments": "Tapé à l'instant"}))
    assert response.status_code == 422
    assert message in response.text.replace("\u202f", " ").replace("\xa0", " ")
    assert f'aria-describedby="{field}-error"' in response.text
    # What was typed stays, in the French format (an amount with its cents).
    assert "Tapé à l" in response.text and f'value="{shown}"' in response.text
    db.expire_all()
    assert first.status == Status.draft
    assert report_of(db, first.id).total_purchases == 1_000_000


def test_a_part_needs_the_total(client, db, login, post, w):
    first = w.declarations[0]
    login(w.holder)
    response = post(f"/fournisseur/declarations/{first.id}",
                    {"version": first.version, "action": "save", "sme_purchases": "10"})
    assert response.status_code == 422
    assert "Indiquez aussi le total des achats" in response.text.replace("&#39;", "'")


def test_a_market_contract_has_no_concession_section(client, db, login, w):
    market = factories.make_contract(db, w.buyer, w.holder.organisation)
    login(w.buyer)
    assert "Rapport annuel du concessionnaire" not in client.get(
        f"/acheteur/contrats/{market.id}").text
