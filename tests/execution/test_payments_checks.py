"""Payment delays through HTTP, the finer points: the rate of the half-year in which the interest
starts (not the one of receipt), a half cent rounded up alike on the invoice page and in the
indicators, impossible dates and suspensions refused, and invoices of a co-holder."""

import pytest

from portal import clock
from portal.models import OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution.payments_world import add, invoice, invoice_form, page_text, payments_world


@pytest.fixture
def w(db):
    yield payments_world(db)
    clock.freeze(None)


def test_received_in_h1_with_interest_starting_in_h2_takes_h2s_rate(client, db, login, post, w):
    login(w.buyer)
    # Received 15 June 2023, paid 31 July 2023: 15 + 31 = 46 days, 16 beyond 30. The 30 days
    # expire on 15 July: the interest runs from 16 July 2023, in the 2nd half-year, whose ECB
    # rate on 1 July was 4.00 %: 12.00 % (not the 1st half-year's 10.50 %, when it was
    # received). 10 000 × 12.00 % × 16 / 365 = 19 200 / 365 = 52.602… → 52,60 €.
    add(post, w.invoices,
        invoice_form("F-H2", "2023-06-15", "10000", "2023-07-31"))
    text = page_text(client, f"/acheteur/factures/{invoice(db, 'F-H2').id}")
    assert "46 j 16 j 52,60 € (12,00 %) 40,00 €" in text
    assert "Les intérêts commencent à courir le 16/07/2023" in text


def test_a_half_cent_is_rounded_up_on_the_page_and_in_the_indicators(client, db, login, post, w):
    login(w.buyer)
    # Received 2 September 2024, paid 3 October: 28 + 3 = 31 days, 1 late, from 3 October 2024
    # (2nd half-year: 4.25 % + 8 = 12.25 %): 730 × 12.25 % × 1 / 365 = 0.245 € → 0,25 €
    # (half up, the accounting convention; half to even would say 0,24 €).
    add(post, w.invoices,
        invoice_form("F-HALF", "2024-09-02", "730", "2024-10-03"))
    text = page_text(client, f"/acheteur/factures/{invoice(db, 'F-HALF').id}")
    assert "31 j 1 j 0,25 € (12,25 %) 40,00 €" in text
    text = page_text(client, "/indicateurs/paiements?annee=2024")
    assert "Toutes les factures 1 31,0 j 31,0 j 0,0 % 0,25 € 0,00 € 40,00 €" in text


def test_impossible_dates_and_suspensions_are_refused_and_kept(client, db, login, post, w):
    login(w.buyer)
    url = w.invoices
    # The clock says 1 June 2025: a payment on 2 June has not happened yet.
    response = post(url, data=invoice_form("F-FUT", "2025-05-02", "100", "2025-06-02"))
    assert response.status_code == 422
    assert "La date de paiement est dans le futur." in visible_text(response.text)
    assert 'value="2025-06-02"' in response.text and 'value="F-FUT"' in response.text
    # 10 days from receipt to payment, 11 suspended: the delay would be negative.
    response = post(url, data=invoice_form("F-SUSP", "2025-05-02", "100", "2025-05-12",
                                           suspended_days="11"))
    assert response.status_code == 422
    assert ("Les jours de suspension (11) dépassent les 10 jours écoulés de la réception au "
            "paiement." in visible_text(response.text))
    assert 'value="11"' in response.text
    # Unpaid since 22 May: 10 days to today.
    response = post(url, data=invoice_form("F-OPEN", "2025-05-22", "100",
                                           suspended_days="11"))
    assert "écoulés de la réception à aujourd" in visible_text(response.text)
    assert invoice(db, "F-FUT") is None and invoice(db, "F-SUSP") is None
    # Exactly the days elapsed: a delay of 0, accepted.
    add(post, url, invoice_form("F-ZERO", "2025-05-02", "100", "2025-05-12",
                                suspended_days="10"))
    # The edit form says the same.
    zero = invoice(db, "F-ZERO")
    response = post(f"/acheteur/factures/{zero.id}", data=invoice_form(
        "F-ZERO", "2025-05-02", "100", "2026-01-01", version=str(zero.version)))
    assert response.status_code == 422
    assert "La date de paiement est dans le futur." in visible_text(response.text)


def test_a_co_holders_invoice_is_seen_by_the_co_holder_not_the_holder(
        client, db, login, post, w, api):
    co_user = factories.make_user(db, Role.supplier, factories.make_org(
        db, OrgKind.supplier, name="Cotitulaire SARL"))
    contract = factories.make_contract(db, w.buyer, w.holder.organisation, reference="M-CO",
                                       co_holder_ids=[co_user.organisation_id])
    login(w.buyer)
    url = f"/acheteur/contrats/{contract.id}/factures"
    form_page = client.get(url).text
    assert 'name="supplier_org_id"' in form_page and "Cotitulaire SARL" in form_page
    # Another organisation is not an awardee of the contract: refused on the field.
    outsider = factories.make_org(db, OrgKind.supplier)
    response = post(url, data=invoice_form("F-OUT", "2025-05-02", "100",
                                           supplier_org_id=str(outsider.id)))
    assert response.status_code == 422
    assert "Choisissez le titulaire ou un cotitulaire de ce contrat." in visible_text(
        response.text)
    add(post, url, invoice_form("F-CO", "2025-05-02", "100",
                                supplier_org_id=str(co_user.organisation_id)))
    add(post, url, invoice_form("F-MAIN", "2025-05-03", "200"))  # default: the holder
    # The contract's list names who invoiced once there are co-holders.
    assert "F-CO Cotitulaire SARL 02/05/2025" in page_text(client, url)
    assert invoice(db, "F-CO").supplier_org_id == co_user.organisation_id
    assert invoice(db, "F-MAIN").supplier_org_id == w.holder.organisation_id
    co = invoice(db, "F-CO")
    client.cookies.clear()
    login(co_user)
    text = page_text(client, "/fournisseur/factures")
    assert "F-CO" in text and "F-MAIN" not in text
    assert client.get(f"/fournisseur/factures/{co.id}").status_code == 200
    assert [i["number"] for i in api(co_user).get("/api/v1/invoices").json()["items"]] == [
        "F-CO"]
    client.cookies.clear()
    login(w.holder)
    text = page_text(client, "/fournisseur/factures")
    assert "F-MAIN" in text and "F-CO" not in text
    assert client.get(f"/fournisseur/factures/{co.id}").status_code == 404
    assert api(w.holder).get(f"/api/v1/invoices/{co.id}").status_code == 404
