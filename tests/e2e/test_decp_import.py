"""A buyer imports its DECP file from the page: the job runs in the background, the page follows
it by htmx polling, then shows the counts and the rejected record with its reason."""

import json

from playwright.sync_api import expect

METROPOLE = "24440012300018"


def record(identifier: str, holder_siret: str) -> dict:
    """A marché in the 2024 format, as the métropole publishes it."""
    return {
        "id": identifier, "acheteur": {"id": METROPOLE}, "nature": "Marché",
        "objet": f"Entretien des espaces verts, lot {identifier[-1]}", "codeCPV": "77310000",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "44", "typeCode": "Code département"},
        "dureeMois": 24, "dateNotification": "2026-02-02",
        "datePublicationDonnees": "2026-02-20", "montant": 180000, "formePrix": "Unitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": holder_siret}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]},
    }


def test_a_buyer_imports_its_decp_file_and_follows_it(person, tmp_path):
    feed = tmp_path / "decp-metropole.json"
    feed.write_text(json.dumps({"marches": {"marche": [
        record("E2E-DECP-1", "41852963200014"), record("E2E-DECP-2", "52741963400011"),
        # A holder SIRET whose check digit is wrong: rejected with its reason.
        record("E2E-DECP-3", "41852963200015")]}}), encoding="utf-8")

    buyer = person("buyer")
    page = buyer.goto("/donnees-ouvertes")
    page.get_by_role("link", name="Importer un fichier DECP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importer des données essentielles (DECP)")
    buyer.check("import DECP, formulaire")
    page.get_by_label("Fichier DECP (JSON)").set_input_files(feed)
    page.get_by_role("button", name="Importer").click()

    # The job page polls its own row until the import is over.
    expect(page.get_by_role("heading", level=1)).to_contain_text("decp-metropole.json")
    expect(page.locator("#import_status")).to_contain_text("État : terminé", timeout=30_000)
    expect(page.locator("#import_status")).to_contain_text(
        "créés 2, mis à jour 0, inchangés 0, rejetés 1")
    rejected = page.get_by_role("row").filter(has_text="E2E-DECP-3")
    expect(rejected).to_contain_text("41852963200015")
    expect(rejected).to_contain_text("SIRET")
    buyer.check("import DECP terminé")

    # The contracts are in the register.
    buyer.goto("/acheteur/contrats?q=E2E-DECP")
    expect(page.locator("#results")).to_contain_text("2 contrats")
