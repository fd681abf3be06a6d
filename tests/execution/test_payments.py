"""Payment delays through HTTP: invoices entered by the buyer, their delay, the late-payment
interest (ECB rate of the half-year in which it started to run + 8 points) and the 40 € fee, on
hand-computed invoices; the holder's declaration and the buyer's confirmation; who sees what."""

from datetime import UTC, datetime

import pytest

from portal import clock
from portal.models import Role
from tests import factories
from tests.conftest import visible_text
from tests.execution.payments_world import add, invoice, invoice_form, page_text, payments_world


@pytest.fixture
def w(db):
    yield payments_world(db)
    clock.freeze(None)


def test_an_invoice_paid_within_30_days_owes_nothing(client, db, login, post, w):
    login(w.buyer)
    # Received 2 September 2024, paid 30 September: 28 days ≤ 30, no interest, no fee.
    add(post, w.invoices, invoice_form("F-ONTIME", "2024-09-02", "1 500,00", "2024-09-30"))
    text = page_text(client, w.invoices)
    assert "F-ONTIME 02/09/2024 1 500,00 € 30/09/2024 28 j — — —" in text


def test_a_delay_across_1_july_keeps_the_rate_of_the_half_year_it_started_in(
        client, db, login, post, w):
    login(w.buyer)
    # Received 10 May 2023, paid 20 July 2023: 21 + 30 + 20 = 71 days, 41 beyond 30. The 30
    # days expire on 9 June: the interest runs from 10 June 2023, in the 1st half-year, whose
    # ECB rate on 1 January was 2.50 %: 10.50 %, kept after 1 July (the 2nd half-year's 4.00 %
    # would give 12 %). 10 000 × 10.50 % × 41 / 365 = 43 050 / 365 = 117.945… → 117,95 €.
    add(post, w.invoices, invoice_form("F-JULY", "2023-05-10", "10000", "2023-07-20"))
    text = page_text(client, f"/acheteur/factures/{invoice(db, 'F-JULY').id}")
    assert "71 j 41 j 117,95 € (10,50 %) 40,00 €" in text
    assert "Les intérêts commencent à courir le 10/06/2023" in text


def test_suspended_days_shorten_the_delay(client, db, login, post, w):
    login(w.buyer)
    # Received 2 September 2024, paid 22 October: 28 + 22 = 50 days, less 15 suspended = 35,
    # 5 beyond 30. The interest runs from 2/9 + 15 + 31 = 18 October 2024 (2nd half-year:
    # 4.25 % + 8 = 12.25 %): 2 000 × 12.25 % × 5 / 365 = 1 225 / 365 = 3.356… → 3,36 €.
    add(post, w.invoices, invoice_form(
        "F-SUSP", "2024-09-02", "2000", "2024-10-22", suspended_days="15",
        suspension_reason="Attestation manquante demandée le 5/9"))
    # The same dates with 15 days suspended on a 40-day delay: 25 days, on time.
    add(post, w.invoices, invoice_form("F-SUSP-OK", "2024-09-02", "2000", "2024-10-12",
                                       suspended_days="15", suspension_reason="Pièce manquante"))
    text = page_text(client, w.invoices)
    assert "F-SUSP 02/09/2024 2 000,00 € 22/10/2024 35 j 5 j 3,36 € (12,25 %) 40,00 €" \
        in text
    assert "F-SUSP-OK 02/09/2024 2 000,00 € 12/10/2024 25 j — — —" in text


def test_an_unpaid_invoice_ages_with_the_clock(client, db, login, post, w):
    login(w.buyer)
    clock.freeze(datetime(2024, 11, 20, 9, tzinfo=UTC))
    # Received 1 October 2024, unpaid on 20 November: 30 + 20 = 50 days, 20 late; from
    # 1 November 2024 (12.25 %): 3 650 × 12.25 % × 20 / 365 = 24,50 €.
    add(post, w.invoices, invoice_form("F-AGING", "2024-10-01", "3650"))
    url = f"/fournisseur/factures/{invoice(db, 'F-AGING').id}"
    client.cookies.clear()
    login(w.holder)
    assert "50 j (non payée) 20 j 24,50 € (12,25 %) 40,00 €" in page_text(client, url)
    # Ten days later: 60 days, 30 late, 3 650 × 12.25 % × 30 / 365 = 36,75 €.
    clock.freeze(datetime(2024, 11, 30, 9, tzinfo=UTC))
    client.cookies.clear()  # the session expired meanwhile
    login(w.holder)
    assert "60 j (non payée) 30 j 36,75 € (12,25 %) 40,00 €" in page_text(client, url)


def test_a_missing_rate_is_said_not_invented(client, db, login, post, w):
    login(w.buyer)
    # Received 6 January 2025, paid 7 March: 25 + 28 + 7 = 60 days, 30 late, from 6 February
    # 2025: the rate of the 1st half-year 2025 is not entered (domain.md: unconfirmed).
    add(post, w.invoices, invoice_form("F-NORATE", "2025-01-06", "5000", "2025-03-07"))
    text = page_text(client, f"/acheteur/factures/{invoice(db, 'F-NORATE').id}")
    assert "60 j 30 j taux BCE du 1er semestre 2025 non saisi 40,00 €" in text


def test_an_administrator_enters_the_missing_rate(client, db, login, post, w):
    login(w.buyer)
    add(post, w.invoices, invoice_form("F-NORATE", "2025-01-06", "5000", "2025-03-07"))
    client.cookies.clear()
    login(factories.make_user(db, Role.admin))
    assert post("/admin/taux-bce", data={"half_year": "2025-S1", "rate": "abc"}
                ).status_code == 422
    assert post("/admin/taux-bce", data={"half_year": "2025-S1", "rate": "2,90"}
                ).status_code == 303
    assert "1er semestre 2025 2,90 % 10,90 %" in page_text(client, "/admin/taux-bce")
    client.cookies.clear()
    login(w.buyer)
    # 5 000 × 10.90 % × 30 / 365 = 16 350 / 365 = 44.794… → 44,79 €.
    text = page_text(client, f"/acheteur/factures/{invoice(db, 'F-NORATE').id}")
    assert "60 j 30 j 44,79 € (10,90 %) 40,00 €" in text


def test_the_rate_table_is_seeded_with_the_confirmed_rates_only(client, db, login):
    login(factories.make_user(db, Role.admin))
    text = page_text(client, "/admin/taux-bce")
    for line in ("2e semestre 2024 4,25 % 12,25 %", "2e semestre 2023 4,00 % 12,00 %",
                 "1er semestre 2023 2,50 % 10,50 %", "2e semestre 2022 0,00 % 8,00 %"):
        assert line in text
    assert "1er semestre 2024" not in text


def test_marking_paid_with_interest_and_fee_paid_and_a_stale_form(client, db, login, post, w):
    login(w.buyer)
    add(post, w.invoices, invoice_form("F-PAY", "2024-10-01", "3650"))
    paid = invoice(db, "F-PAY")
    form = invoice_form("F-PAY", "2024-10-01", "3 650,00", "2024-11-30",
                        interest_paid_eur="36,75", fee_paid="on", version=str(paid.version))
    assert post(f"/acheteur/factures/{paid.id}", data=form).status_code == 303
    text = page_text(client, f"/acheteur/factures/{paid.id}")
    assert "Intérêts : oui (36,75 €), indemnité : oui" in text
    # The same form again: the invoice changed since it was read.
    stale = post(f"/acheteur/factures/{paid.id}", data={**form, "paid_on": "2024-12-01"})
    assert stale.status_code == 409
    assert "modifiée entre-temps" in visible_text(stale.text)
    assert invoice(db, "F-PAY").paid_on.isoformat() == "2024-11-30"


def test_bad_input_is_refused_in_french_and_kept(client, db, login, post, w):
    login(w.buyer)
    response = post(w.invoices, data=invoice_form(
        "F-BAD", "2024-10-01", "douze", "2024-09-01"))
    assert response.status_code == 422
    assert 'value="douze"' in response.text and 'value="F-BAD"' in response.text
    add(post, w.invoices, invoice_form("F-DUP", "2024-10-01", "100"))
    response = post(w.invoices, data=invoice_form(
        "F-DUP", "2024-10-02", "100"))
    assert response.status_code == 422
    assert "Une facture porte déjà ce numéro sur ce contrat." in visible_text(response.text)
    response = post(w.invoices, data=invoice_form(
        "F-EARLY", "2024-10-01", "100", "2024-09-01"))
    assert "La date de paiement précède la date de réception." in visible_text(response.text)


def test_the_holder_declares_an_unpaid_invoice_and_the_buyer_confirms_it(
        client, db, login, post, w):
    login(w.holder)
    response = post("/fournisseur/factures/declarer", data={
        "contract_id": str(w.contract.id), **invoice_form("T-77", "2025-03-03", "800")})
    assert response.status_code == 303
    declared = invoice(db, "T-77")
    assert (declared.status, declared.source) == ("pending", "holder")
    assert "Facture déclarée : l'acheteur doit la confirmer." in page_text(
        client, response.headers["location"])
    client.cookies.clear()
    login(w.buyer)
    assert "T-77" in page_text(client, "/acheteur/factures?etat=a-confirmer")
    confirm = f"/acheteur/factures/{declared.id}/confirmer"
    assert post(confirm, data={"version": str(declared.version)}).status_code == 303
    assert invoice(db, "T-77").status == "confirmed"
    # Confirmed already: a second click (the same page) is refused.
    assert post(confirm, data={"version": str(invoice(db, "T-77").version)}).status_code == 409


def test_the_buyer_rejects_a_declared_invoice(client, db, login, post, w):
    login(w.holder)
    post("/fournisseur/factures/declarer", data={
        "contract_id": str(w.contract.id), **invoice_form("T-78", "2025-03-03", "800")})
    declared = invoice(db, "T-78")
    client.cookies.clear()
    login(w.buyer)
    stale = post(f"/acheteur/factures/{declared.id}/rejeter", data={"version": "99"})
    assert stale.status_code == 409
    assert post(f"/acheteur/factures/{declared.id}/rejeter",
                data={"version": str(declared.version)}).status_code == 303
    assert invoice(db, "T-78").status == "rejected"
    assert "Aucune facture." in page_text(client, "/acheteur/factures")


def test_only_the_holder_declares_on_its_own_contracts(client, db, login, post, w):
    other = factories.make_user(db, Role.supplier)
    login(other)
    response = post("/fournisseur/factures/declarer", data={
        "contract_id": str(w.contract.id), **invoice_form("X-1", "2025-03-03", "800")})
    assert response.status_code == 404
    assert invoice(db, "X-1") is None


def test_a_supplier_never_sees_another_suppliers_invoices(client, db, login, post, w, api):
    login(w.buyer)
    add(post, w.invoices, invoice_form("F-SECRET", "2024-10-01", "3650"))
    secret = invoice(db, "F-SECRET")
    other = factories.make_user(db, Role.supplier)
    client.cookies.clear()
    login(other)
    assert "F-SECRET" not in client.get("/fournisseur/factures").text
    assert "Aucune facture ne correspond à « F-SECRET »" in page_text(
        client, "/fournisseur/factures?q=F-SECRET")
    assert client.get(f"/fournisseur/factures/{secret.id}").status_code == 404
    assert client.get(f"/acheteur/factures/{secret.id}").status_code == 403
    other_api = api(other)
    assert other_api.get(f"/api/v1/invoices/{secret.id}").status_code == 404
    assert other_api.get("/api/v1/invoices").json()["total"] == 0
    # Its own holder sees it, across buyers, with what is due.
    client.cookies.clear()
    login(w.holder)
    assert "F-SECRET" in page_text(client, "/fournisseur/factures?q=secret")
    body = api(w.holder).get("/api/v1/invoices").json()
    assert [i["number"] for i in body["items"]] == ["F-SECRET"]


def test_another_buyer_and_a_supplier_cannot_enter_invoices(client, db, login, post, w):
    other_buyer = factories.make_user(db, Role.buyer)
    login(other_buyer)
    url = w.invoices
    assert client.get(url).status_code == 404
    assert post(url, data=invoice_form("F-X", "2024-10-01", "1")).status_code == 404
    client.cookies.clear()
    login(w.holder)
    assert post(url, data=invoice_form("F-X", "2024-10-01", "1")).status_code == 403
    assert invoice(db, "F-X") is None


def test_the_api_gives_each_side_its_invoices_with_the_figures(client, db, login, post, w, api):
    login(w.buyer)
    add(post, w.invoices, invoice_form("F-API", "2023-05-10", "10000", "2023-07-20"))
    found = api(w.buyer).get("/api/v1/invoices?per_page=5").json()
    assert found["total"] == 1 and found["per_page"] == 5
    item = found["items"][0]
    assert (item["delay_days"], item["late_days"], item["interest_due_eur"],
            item["fee_due_eur"], item["interest_rate"]) == (71, 41, "117.95", "40.00", "10.50")
    assert api(w.buyer).get("/api/v1/invoices/999999").status_code == 404
    assert api(w.buyer).get("/api/v1/invoices?per_page=0").status_code == 422


def test_buyer_list_filters_late_and_unpaid(client, db, login, post, w):
    login(w.buyer)
    add(post, w.invoices, invoice_form("F-ONTIME", "2024-09-02", "1500", "2024-09-30"))
    add(post, w.invoices, invoice_form("F-LATE", "2023-05-10", "10000", "2023-07-20"))
    add(post, w.invoices, invoice_form("F-OPEN", "2025-05-20", "100"))
    client.get("/acheteur")  # reads the flash message that names the last invoice
    late = page_text(client, "/acheteur/factures?etat=retard")
    assert "F-LATE" in late and "F-ONTIME" not in late and "F-OPEN" not in late
    unpaid = page_text(client, "/acheteur/factures?etat=impayees")
    assert "F-OPEN" in unpaid and "F-LATE" not in unpaid
    assert "F-ONTIME" in page_text(client, "/acheteur/factures?q=ontime")
