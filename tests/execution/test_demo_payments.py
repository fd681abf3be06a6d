"""The payment-delay demo: the métropole's invoices, some late with the interest of the 2nd
half-year 2024, one whose half-year rate is not entered, one awaiting confirmation; loading
twice changes nothing."""

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.payments.models import Invoice
from portal.models import User
from tests import factories
from tests.conftest import visible_text


def test_the_metropole_has_invoices_some_late_once(client, db, login):
    demo.load_demo(db, password=factories.PASSWORD)
    demo.load_demo(db)
    assert db.scalar(select(func.count(Invoice.id))) == 7
    db.commit()
    login(db.scalar(select(User).where(User.email == "claire.martin@loire-estuaire.example.fr")))
    page = visible_text(client.get("/acheteur/factures?etat=retard").text)
    # 7/10 → 2/12/2024: 56 days, 26 late from 7/11/2024 at 12.25 %:
    # 212 300 × 12.25 % × 26 / 365 = 1 852.535… → 1 852,54 €, paid with the fee.
    assert "FA-2024-1105" in page and "1 852,54 € (12,25 %)" in page
    assert "taux BCE du 1er semestre 2025 non saisi" in page
    assert "TV-2025-09" in visible_text(client.get("/acheteur/factures?etat=a-confirmer").text)
