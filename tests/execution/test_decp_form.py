"""The contract form's « Données essentielles (DECP) »: a buyer makes a contract typed by hand
complete for the DECP export, in French, without losing what it typed."""

from sqlalchemy import select

from execution.opendata.decp_export import export_decp
from portal.models import Contract, Role
from tests import factories
from tests.execution.decp_world import schema_errors
from tests.execution.test_contracts import FORM

DECP_FORM = {
    "decp_nature": "Marché", "decp_procedure": "Procédure adaptée",
    "decp_lieu_code": "44109", "decp_lieu_type": "Code commune",
    "decp_techniques": ["Accord-cadre"], "decp_modalites": ["Bons de commande"],
    "decp_forme_prix": "Unitaire", "decp_types_prix": ["Définitif ferme", "Provisoire"],
    "decp_ccag": "Travaux", "decp_offres": "3", "decp_innovant": "non", "decp_avance": "oui",
    "decp_groupement": "Pas de groupement", "decp_sous_traitance": "non",
    "decp_publication": "2025-02-01"}


def contract_of(db, reference):
    db.expire_all()
    return db.scalar(select(Contract).where(Contract.reference == reference))


def test_the_form_offers_the_fieldset_folded_and_without_script(client, login, world):
    login(world.buyer)
    page = client.get("/acheteur/contrats/nouveau").text
    assert '<details id="decp" class="decp">' in page
    assert "<legend>Données essentielles (DECP)</legend>" in page
    assert '<option value="Appel d&#39;offres ouvert">' in page
    assert '<optgroup label="Concession">' in page
    opened = client.get(f"/acheteur/contrats/{world.contract.id}/modifier?decp=1").text
    assert '<details id="decp" class="decp" open>' in opened


def test_a_buyer_completes_a_contract_and_it_is_exported(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, **DECP_FORM})
    assert response.status_code == 303, response.text
    contract = contract_of(db, "2025-TRX-042")
    assert contract.decp_facts == {
        "nature": "Marché", "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "44109", "typeCode": "Code commune"},
        "formePrix": "Unitaire", "typesPrix": {"typePrix": ["Définitif ferme", "Provisoire"]},
        "techniques": {"technique": ["Accord-cadre"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande"]}, "ccag": "Travaux",
        "offresRecues": 3, "marcheInnovant": False, "attributionAvance": True,
        "typeGroupementOperateurs": "Pas de groupement", "sousTraitanceDeclaree": False,
        "datePublicationDonnees": "2025-02-01"}
    export = export_decp(db, contract.buyer)
    assert [r["id"] for r in export.document["marches"]["marche"]] == ["2025-TRX-042"]
    assert schema_errors(export.json_bytes()) == []
    page = client.get(f"/acheteur/contrats/{contract.id}").text.replace("&#39;", "'")
    assert "Ce contrat est complet : il figure dans le fichier DECP" in page
    assert "Procédure adaptée" in page and "44109 (Code commune)" in page


def test_an_unknown_value_is_refused_in_french_and_what_was_typed_stays(client, db, login,
                                                                         post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id, **DECP_FORM,
        "decp_procedure": "Procédure inventée", "decp_techniques": ["Sans objet", "Troc"],
        "decp_offres": "deux"})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    assert '<details id="decp" class="decp" open>' in text
    assert 'id="decp_procedure-error">Choisissez une valeur de la liste.' in text
    assert 'id="decp_techniques-error">Choisissez une valeur de la liste.' in text
    assert "Saisissez un nombre entier d'au moins 1." in text
    assert '<a href="#decp_procedure">Procédure de passation</a>' in text
    # What was typed is still there: the other facts, and the contract's own fields.
    assert 'value="44109"' in text and 'value="Bons de commande" checked' in text
    assert 'value="Sans objet" checked' in text and 'value="deux"' in text
    assert "Rénovation du gymnase Jean-Moulin" in text
    assert contract_of(db, "2025-TRX-042") is None


def test_a_procedure_of_the_other_kind_is_refused(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {
        **FORM, "holder_id": world.holder.organisation_id,
        "decp_procedure": "Procédure négociée ouverte", "decp_nature": "Concession de service"})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    assert "Choisissez une procédure d'un marché public." in text
    assert "Choisissez une nature d'un marché public." in text


def test_editing_keeps_the_facts_the_form_does_not_show(client, db, login, post, world):
    contract = world.contract
    contract.decp_facts = {"procedure": "Appel d'offres ouvert", "idAccordCadre": "AC-2023-1",
                           "tauxAvance": 0.05}
    db.commit()
    login(world.buyer)
    page = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert '<option value="Appel d&#39;offres ouvert" selected>' in page
    values = {"reference": contract.reference, "object": contract.object, "kind": "market",
              "nature": "works", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
              "frequency": "quarterly", "holder_id": world.holder.organisation_id,
              "has_insertion": "on", "insertion_target_hours": "1000",
              "version": contract.version, "decp_procedure": "Procédure adaptée",
              "decp_ccag": "Pas de CCAG"}
    assert post(f"/acheteur/contrats/{contract.id}/modifier", values).status_code == 303
    assert contract_of(db, contract.reference).decp_facts == {
        "procedure": "Procédure adaptée", "ccag": "Pas de CCAG", "idAccordCadre": "AC-2023-1",
        "tauxAvance": 0.05}
    # Emptied on the form: unknown again.
    values.update(version=contract_of(db, contract.reference).version, decp_ccag="")
    assert post(f"/acheteur/contrats/{contract.id}/modifier", values).status_code == 303
    assert "ccag" not in contract_of(db, contract.reference).decp_facts


def test_another_buyer_cannot_change_the_facts(client, db, login, post, world):
    login(factories.make_user(db, Role.buyer))
    assert client.get(f"/acheteur/contrats/{world.contract.id}/modifier").status_code == 404
    response = post(f"/acheteur/contrats/{world.contract.id}/modifier", {
        **FORM, "holder_id": world.holder.organisation_id, **DECP_FORM,
        "version": world.contract.version})
    assert response.status_code == 404
    assert contract_of(db, world.contract.reference).decp_facts == {}


def test_the_contract_page_says_what_the_export_lacks(client, db, login, world):
    login(world.buyer)
    page = client.get(f"/acheteur/contrats/{world.contract.id}").text.replace("&#39;", "'")
    assert "ne figure pas</strong> dans le fichier DECP" in page
    assert "procédure de passation" in page
    assert f"/acheteur/contrats/{world.contract.id}/modifier?decp=1#decp" in page


def test_the_api_takes_the_facts_too(api, db, world):
    body = {"reference": "API-DECP", "object": "Maintenance", "nature": "services",
            "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "holder_id": world.holder.organisation_id,
            "decp": {"procedure": "Procédure adaptée", "techniques": {"technique": ["Sans objet"]},
                     "lieuExecution": {"code": "44", "typeCode": "Code département"}}}
    client = api(world.buyer)
    assert client.post("/api/v1/contracts", json=body).status_code == 201
    assert contract_of(db, "API-DECP").decp_facts == {
        "procedure": "Procédure adaptée", "techniques": {"technique": ["Sans objet"]},
        "lieuExecution": {"code": "44", "typeCode": "Code département"}}
    refused = client.post("/api/v1/contracts", json={
        **body, "reference": "API-DECP-2", "decp": {"ccag": "Aucun"}})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"decp.ccag": "Choisissez une valeur de la liste."}


def test_the_api_refuses_malformed_lists_in_french(api, world):
    body = {"reference": "API-MAL", "object": "Maintenance", "nature": "services",
            "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "holder_id": world.holder.organisation_id,
            "decp": {"modalitesExecution": {"modaliteExecution": [{}]}, "offresRecues": True}}
    refused = api(world.buyer).post("/api/v1/contracts", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "decp.modalitesExecution.modaliteExecution.0": "Choisissez une valeur de la liste.",
        "decp.offresRecues": "Saisissez un nombre entier."}
