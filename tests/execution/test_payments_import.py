"""`portal import-invoices FILE --buyer SIRET`: a messy accounting export (Latin-1, semicolons,
« 12 345,67 », French and ISO dates, stray spaces), bad lines reported by number in French, good
lines imported, the same file again imports nothing twice."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from execution.payments.models import Invoice
from portal import clock
from tests.execution.payments_world import payments_world

MESSY = (
    "Marché ; N° facture ;Date réception;Montant TTC;Date paiement;Jours suspendus;Motif\n"
    " M-2024-001 ;FA-001; 02/09/2024 ; 12 345,67 ;30/09/2024;;\n"
    "m-2024-001;FA-002;2023-05-10;10000.00;20/07/2023;0;\n"
    "M-2024-001;FA-003;31/02/2024;100;;;\n"
    "M-INCONNU;FA-004;02/09/2024;100;;;\n"
    "M-2024-001;FA-005;02/09/2024;douze euros;;;\n"
    "M-2024-001;FA-006;02/09/2024;100;01/09/2024;;\n"
    "\n"
    "M-2024-001;FA-007;02/09/2024;2 000;22/10/2024;15;Pièce manquante\n"
)


@pytest.fixture
def w(db):
    yield payments_world(db)
    clock.freeze(None)


def numbers(db) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(Invoice.number).order_by(Invoice.number)))


def test_a_messy_latin1_export_is_imported_line_by_line(db, tmp_path, portal_command, w):
    export = tmp_path / "factures.csv"
    export.write_bytes(MESSY.encode("latin-1"))
    siret = w.buyer.organisation.siret
    code, out, err = portal_command("import-invoices", str(export), "--buyer", siret)
    assert code == 0, err
    assert out.splitlines() == [
        "Ligne 4 rejetée : date de réception « 31/02/2024 » : cette date n'existe pas",
        "Ligne 5 rejetée : aucun marché de l'acheteur n'a la référence « M-INCONNU »",
        "Ligne 6 rejetée : montant « douze euros » : ce n'est pas un montant",
        "Ligne 7 rejetée : La date de paiement précède la date de réception.",
        "Factures importées : 3, déjà présentes : 0, lignes rejetées : 4.",
    ]
    assert numbers(db) == ["FA-001", "FA-002", "FA-007"]
    first = db.scalar(select(Invoice).where(Invoice.number == "FA-001"))
    assert (first.amount_incl_vat, first.source, first.status) == (
        Decimal("12345.67"), "import", "confirmed")
    seventh = db.scalar(select(Invoice).where(Invoice.number == "FA-007"))
    assert (seventh.suspended_days, seventh.suspension_reason) == (15, "Pièce manquante")
    # The same file again: nothing twice.
    code, out, _ = portal_command("import-invoices", str(export), "--buyer", siret)
    assert out.splitlines()[-1] == ("Factures importées : 0, déjà présentes : 3, lignes "
                                    "rejetées : 4.")
    assert numbers(db) == ["FA-001", "FA-002", "FA-007"]


def test_utf8_with_bom_and_commas(db, tmp_path, portal_command, w):
    export = tmp_path / "factures.csv"
    export.write_bytes(("Marché,Facture,Date réception,Montant\n"
                        "M-2024-001,FB-1,2024-09-02,\"1 500,00\"\n").encode("utf-8-sig"))
    code, out, _ = portal_command("import-invoices", str(export), "--buyer",
                                  w.buyer.organisation.siret)
    assert (code, out.splitlines()[-1]) == (
        0, "Factures importées : 1, déjà présentes : 0, lignes rejetées : 0.")
    assert numbers(db) == ["FB-1"]


def test_a_file_that_cannot_be_imported_says_why(db, tmp_path, portal_command, w):
    export = tmp_path / "factures.csv"
    export.write_text("Fournisseur;Total\nA;1\n")
    siret = w.buyer.organisation.siret
    assert portal_command("import-invoices", str(export), "--buyer", siret)[:2] == (
        1, "")
    code, _out, err = portal_command("import-invoices", str(export), "--buyer", siret)
    assert "Colonnes manquantes dans l'en-tête : « marche », « facture »" in err
    code, _out, err = portal_command("import-invoices", str(tmp_path / "absent.csv"),
                                     "--buyer", siret)
    assert code == 1 and "fichier introuvable" in err
    code, _out, err = portal_command("import-invoices", str(export), "--buyer", "123")
    assert code == 1 and "--buyer" in err
