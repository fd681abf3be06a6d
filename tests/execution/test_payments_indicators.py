"""The payment indicators on crafted invoices, by hand: mean and median delay, share paid within
the legal maximum, interest and fees due against paid, in total, by holder size and by buyer;
and the invoice lists' SQL statements, the same at two sizes."""

from datetime import UTC, datetime

import pytest

from execution.payments import service as invoices
from execution.payments.schemas import InvoiceForm
from portal import clock
from portal.models import OrgKind, OrgSize, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution.payments_world import payments_world
from tests.scale import page_statements


@pytest.fixture
def w(db):
    world = payments_world(db)
    big = factories.make_org(db, OrgKind.supplier, size=OrgSize.ge, name="Grand Groupe")
    world.big_contract = factories.make_contract(db, world.buyer, big, reference="M-GE")
    yield world
    clock.freeze(None)


def enter(db, w, contract, number, received, amount, paid=None, **extra):
    invoices.create(db, actor=w.buyer, contract=contract, data=InvoiceForm(
        number=number, received_on=received, amount_incl_vat=amount, paid_on=paid, **extra))
    db.commit()


def crafted(db, w):
    """Received in 2024 (the clock says 1 June 2025):
    A (TPE) 2/9 → 30/9: 28 days, on time.
    B (TPE) 2/9 → 22/10, 15 days suspended: 35 days, 5 late, 2 000 × 12.25 % × 5 / 365 = 3,36 €.
    C (GE) 1/10 → 30/11: 60 days, 30 late, 3 650 × 12.25 % × 30 / 365 = 36,75 €, interest
      and fee paid.
    Mean (28 + 35 + 60) / 3 = 41,0 j; median 35,0 j; on time 1 / 3 = 33,3 %; interest due
    3,36 + 36,75 = 40,11 €, paid 36,75 €; fees due 2 × 40 = 80 €, paid 40 €.
    TPE: 28 and 35 → mean and median 31,5 j, 50 % on time, 3,36 € and 40 € due, nothing
    paid."""
    enter(db, w, w.contract, "A", "2024-09-02", "1500", "2024-09-30")
    enter(db, w, w.contract, "B", "2024-09-02", "2000", "2024-10-22", suspended_days=15,
          suspension_reason="Pièce manquante")
    enter(db, w, w.big_contract, "C", "2024-10-01", "3650", "2024-11-30",
          interest_paid_eur="36.75", fee_paid=True)
    # Another year and an unconfirmed declaration do not count.
    enter(db, w, w.contract, "D-2023", "2023-05-10", "10000", "2023-07-20")


def test_payment_indicators_by_hand(client, db, login, w):
    crafted(db, w)
    login(w.buyer)
    response = client.get("/indicateurs/paiements?annee=2024")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Délai moyen de paiement 41,0 j Délai médian 35,0 j Part des factures payées dans " \
        "le délai légal 33,3 % Délai moyen pour les TPE et PME 31,5 j" in text
    assert "Toutes les factures 3 41,0 j 35,0 j 33,3 % 40,11 € 36,75 € 80,00 € 40,00 €" in text
    assert "TPE 2 31,5 j 31,5 j 50,0 % 3,36 € 0,00 € 40,00 € 0,00 €" in text
    assert "Grande entreprise 1 60,0 j 60,0 j 0,0 % 36,75 € 36,75 € 40,00 € 40,00 €" in text
    assert text.index("TPE 2") < text.index("Grande entreprise 1")


def test_the_administrator_sees_every_buyer(client, db, login, w):
    crafted(db, w)
    other = factories.make_user(db, Role.buyer, factories.make_org(db, OrgKind.buyer,
                                                                   name="Zeta Ville"))
    holder = factories.make_org(db, OrgKind.supplier, size=OrgSize.pme)
    contract = factories.make_contract(db, other, holder, reference="Z-1")
    # 1/3/2024 → 11/4/2024: 31 + 10 = 41 days, late, rate of 1st half 2024 not entered.
    invoices.create(db, actor=other, contract=contract, data=InvoiceForm(
        number="Z", received_on="2024-03-01", amount_incl_vat="100", paid_on="2024-04-11"))
    db.commit()
    login(factories.make_user(db, Role.admin))
    text = visible_text(client.get("/indicateurs/paiements?annee=2024").text)
    assert "Zeta Ville 1 41,0 j 41,0 j 0,0 % 0,00 € (+ 1 facture dont le taux BCE n'est pas " \
        "saisi) 0,00 € 40,00 € 0,00 €" in text
    assert f"{w.buyer.organisation.name} 3 41,0 j 35,0 j 33,3 %" in text


def test_who_reads_the_payment_indicators(client, db, login, w):
    login(w.holder)
    assert client.get("/indicateurs/paiements").status_code == 403
    client.cookies.clear()
    login(w.buyer)
    other = factories.make_org(db, OrgKind.buyer)
    assert client.get(f"/indicateurs/paiements?acheteur={other.id}").status_code == 403
    assert "Aucune facture confirmée reçue en 2025." in visible_text(
        client.get("/indicateurs/paiements").text)


def test_an_unpaid_invoice_within_the_delay_is_not_yet_counted(client, db, login, w):
    # Received 20 May 2025, unpaid on 1 June: 12 days, within 30. Whether it will be paid on
    # time is not known yet, so neither the share nor the mean and median count it (« — »).
    enter(db, w, w.contract, "E", "2025-05-20", "100")
    login(w.buyer)
    text = visible_text(client.get("/indicateurs/paiements?annee=2025").text)
    assert "Toutes les factures 1 — — — 0,00 €" in text
    assert "Les délais moyen et médian et la part payée dans le délai légal portent sur les " \
        "mêmes factures" in text
    # Paid 10/5 after receipt 2/4: 38 days, late (settled). Unpaid since 1/4: 61 days, late
    # (settled). Unpaid since 20/5: 12 days, not settled. Mean (38 + 61) / 2 = 49,5 j, median
    # of the two settled ones 49,5 j (it would be 38 with the unsettled 12 counted).
    enter(db, w, w.contract, "F", "2025-04-02", "100", "2025-05-10")
    enter(db, w, w.contract, "G", "2025-04-01", "100")
    text = visible_text(client.get("/indicateurs/paiements?annee=2025").text)
    assert "Toutes les factures 3 49,5 j 49,5 j 0,0 %" in text


def _invoices(db, w, count: int, offset: int):
    for n in range(count):
        enter(db, w, w.contract if n % 2 else w.big_contract, f"S-{offset + n:03d}",
              "2024-10-01", "100", "2024-12-15" if n % 3 else None)


@pytest.mark.parametrize(("role", "url"), [
    ("buyer", "/acheteur/factures"), ("buyer", "/acheteur/factures?etat=retard&q=s-"),
    ("buyer", "/acheteur/contrats/{contract}/factures"),
    ("holder", "/fournisseur/factures"), ("holder", "/fournisseur/factures?q=s-"),
    ("buyer", "/indicateurs/paiements?annee=2024")])
def test_invoice_lists_cost_the_same_statements_at_two_sizes(client, engine, db, login, w,
                                                            role, url):
    login(getattr(w, role))
    url = url.format(contract=w.contract.id)
    _invoices(db, w, 2, 0)
    small = len(page_statements(client, engine, url, db))
    _invoices(db, w, 9, 100)
    assert len(page_statements(client, engine, url, db)) == small


def test_the_late_filter_in_sql_agrees_with_the_rules(db, w):
    """B (5 days late), C (30) and D-2023 (41) are late by the rule module; A is not."""
    crafted(db, w)
    clock.freeze(datetime(2025, 6, 1, tzinfo=UTC))
    page = invoices.buyer_list(db, w.buyer, state="retard")
    assert sorted(i.number for i in page.items) == ["B", "C", "D-2023"]
