"""`portal import-invoices FILE --buyer SIRET`: a messy accounting export (Latin-1, semicolons,
« 12 345,67 », French and ISO dates, stray spaces), bad lines reported by number in French, good
lines imported, the same file again imports nothing twice, a newer export updates what changed."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from execution.payments import service as invoices
from execution.payments.models import Invoice
from execution.payments.schemas import InvoiceForm
from portal import clock
from portal.models import AuditEvent, OrgKind, Role
from tests import factories
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
        "Factures importées : 3, mises à jour : 0, déjà présentes : 0, lignes rejetées : 4.",
    ]
    assert numbers(db) == ["FA-001", "FA-002", "FA-007"]
    first = db.scalar(select(Invoice).where(Invoice.number == "FA-001"))
    assert (first.amount_incl_vat, first.source, first.status) == (
        Decimal("12345.67"), "import", "confirmed")
    seventh = db.scalar(select(Invoice).where(Invoice.number == "FA-007"))
    assert (seventh.suspended_days, seventh.suspension_reason) == (15, "Pièce manquante")
    # The same file again: nothing twice.
    code, out, _ = portal_command("import-invoices", str(export), "--buyer", siret)
    assert out.splitlines()[-1] == ("Factures importées : 0, mises à jour : 0, déjà "
                                    "présentes : 3, lignes rejetées : 4.")
    assert numbers(db) == ["FA-001", "FA-002", "FA-007"]


def test_utf8_with_bom_and_commas(db, tmp_path, portal_command, w):
    export = tmp_path / "factures.csv"
    export.write_bytes(("Marché,Facture,Date réception,Montant\n"
                        "M-2024-001,FB-1,2024-09-02,\"1 500,00\"\n").encode("utf-8-sig"))
    code, out, _ = portal_command("import-invoices", str(export), "--buyer",
                                  w.buyer.organisation.siret)
    assert (code, out.splitlines()[-1]) == (
        0, "Factures importées : 1, mises à jour : 0, déjà présentes : 0, lignes rejetées : 0.")
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


def _import(portal_command, tmp_path, w, text: str) -> list[str]:
    export = tmp_path / "factures.csv"
    export.write_text(text)
    code, out, err = portal_command("import-invoices", str(export), "--buyer",
                                    w.buyer.organisation.siret)
    assert code == 0, err
    return out.splitlines()


def test_a_newer_export_updates_what_changed(db, tmp_path, portal_command, w):
    header = "Marché;Facture;Date réception;Montant TTC;Date paiement;Jours suspendus\n"
    assert _import(portal_command, tmp_path, w, header + "M-2024-001;U-1;02/09/2024;1000;;\n"
                   "M-2024-001;U-2;02/09/2024;500;30/09/2024;\n")[-1] == (
        "Factures importées : 2, mises à jour : 0, déjà présentes : 0, lignes rejetées : 0.")
    first = db.scalar(select(Invoice).where(Invoice.number == "U-1"))
    version = first.version
    # Exported again once paid, with a suspension; U-2 unchanged.
    out = _import(portal_command, tmp_path, w, header + "M-2024-001;U-1;02/09/2024;1000;"
                  "22/10/2024;15\nM-2024-001;U-2;02/09/2024;500;30/09/2024;\n")
    assert out == ["Factures importées : 0, mises à jour : 1, déjà présentes : 1, "
                   "lignes rejetées : 0."]
    db.expire_all()
    first = db.get(Invoice, first.id)
    assert (first.paid_on.isoformat(), first.suspended_days, first.version) == (
        "2024-10-22", 15, version + 1)
    assert db.scalar(select(AuditEvent.comment).where(
        AuditEvent.entity == "invoice", AuditEvent.entity_id == first.id,
        AuditEvent.action == "update")) == "import U-1"
    # An older export without the payment date does not undo it; a new amount is applied.
    out = _import(portal_command, tmp_path, w, header + "M-2024-001;U-1;02/09/2024;1 100;;15\n")
    assert out[-1].startswith("Factures importées : 0, mises à jour : 1,")
    db.expire_all()
    assert (str(db.get(Invoice, first.id).amount_incl_vat),
            db.get(Invoice, first.id).paid_on.isoformat()) == ("1100.00", "2024-10-22")


def test_an_update_is_checked_like_an_entry(db, tmp_path, portal_command, w):
    header = "Marché;Facture;Date réception;Montant TTC;Date paiement;Jours suspendus\n"
    _import(portal_command, tmp_path, w, header + "M-2024-001;U-1;02/05/2025;1000;;\n")
    # The clock says 1 June 2025.
    out = _import(portal_command, tmp_path, w, header +
                  "M-2024-001;U-1;02/05/2025;1000;02/06/2025;\n"
                  "M-2024-001;U-3;02/05/2025;1000;12/05/2025;11\n")
    assert out == [
        "Ligne 2 rejetée : La date de paiement est dans le futur.",
        "Ligne 3 rejetée : Les jours de suspension (11) dépassent les 10 jours écoulés de la "
        "réception au paiement.",
        "Factures importées : 0, mises à jour : 0, déjà présentes : 0, lignes rejetées : 2."]
    db.expire_all()
    assert db.scalar(select(Invoice.paid_on).where(Invoice.number == "U-1")) is None


def test_an_invoice_the_buyer_rejected_is_left_as_it_is(db, tmp_path, portal_command, w):
    declared = invoices.declare(db, actor=w.holder, contract_id=w.contract.id, data=InvoiceForm(
        number="T-1", received_on="2025-03-03", amount_incl_vat="800"))
    invoices.decide(db, actor=w.buyer, invoice_id=declared.id, version=declared.version,
                    confirm=False)
    db.commit()
    out = _import(portal_command, tmp_path, w, "Marché;Facture;Date réception;Montant TTC;"
                  "Date paiement\nM-2024-001;T-1;03/03/2025;800;30/04/2025\n")
    assert out[0] == "Ligne 2 rejetée : facture T-1 rejetée sur le portail : non modifiée"
    db.expire_all()
    assert (db.get(Invoice, declared.id).status, db.get(Invoice, declared.id).paid_on) == (
        "rejected", None)


def test_a_co_holders_invoice_is_imported_by_its_siret(db, tmp_path, portal_command, w):
    co = factories.make_org(db, OrgKind.supplier)
    contract = factories.make_contract(db, w.buyer, w.holder.organisation, reference="M-CO",
                                       co_holder_ids=[co.id])
    stranger = factories.make_user(db, Role.supplier).organisation
    out = _import(portal_command, tmp_path, w, "Marché;Facture;Date réception;Montant TTC;"
                  f"siret_titulaire\nM-CO;C-1;03/03/2025;800;{co.siret}\n"
                  "M-CO;C-2;03/03/2025;800;\n"
                  f"M-CO;C-3;03/03/2025;800;{stranger.siret}\n")
    assert out == ["Ligne 4 rejetée : Choisissez le titulaire ou un cotitulaire de ce contrat.",
                   "Factures importées : 2, mises à jour : 0, déjà présentes : 0, "
                   "lignes rejetées : 1."]
    db.expire_all()
    found = dict(db.execute(select(Invoice.number, Invoice.supplier_org_id).where(
        Invoice.contract_id == contract.id)).all())
    assert found == {"C-1": co.id, "C-2": w.holder.organisation_id}
