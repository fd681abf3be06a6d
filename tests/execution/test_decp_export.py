"""The DECP 2024 export: what a buyer publishes is valid against the official v2.0.3 schema, and
a contract lacking a fact is listed with what it lacks rather than published with a guess."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from execution.opendata.decp_export import export_decp, months_between
from portal.decp_facts import DecpFactsIn
from portal.models import Contract, Organisation, Role
from tests import factories
from tests.execution.decp_world import (
    MARKET_FACTS,
    complete_concession,
    complete_market,
    foreign_holder,
    modify,
    schema_errors,
)


@pytest.fixture
def buyer(db):
    return factories.make_user(db, Role.buyer)


@pytest.fixture
def holder(db):
    return factories.make_org(db)


def only(export, reference):
    records = export.document["marches"]["marche"] + \
        export.document["marches"]["contrat-concession"]
    return next(r for r in records if r["id"] == reference)


def test_a_complete_market_is_exported_valid_with_its_facts(db, buyer, holder):
    complete_market(db, buyer, holder, reference="2025-TRX-042", social_clause=True,
                    environmental_criterion=True)
    export = export_decp(db, buyer.organisation)
    assert schema_errors(export.json_bytes()) == []
    assert (export.exported, export.incomplete) == (1, [])
    record = only(export, "2025-TRX-042")
    assert record["acheteur"] == {"id": buyer.organisation.siret}
    assert record["titulaires"] == [{"titulaire": {"typeIdentifiant": "SIRET",
                                                   "id": holder.siret}}]
    assert record["procedure"] == "Appel d'offres ouvert"
    assert record["lieuExecution"] == {"code": "44109", "typeCode": "Code commune"}
    assert record["dateNotification"] == "2025-01-20"
    assert record["datePublicationDonnees"] == "2025-02-03"
    # 1 January – 31 December, never modified: twelve months, the amount as it stands.
    assert record["dureeMois"] == 12
    assert record["considerationsSociales"] == {"considerationSociale": ["Clause sociale"]}
    assert record["considerationsEnvironnementales"] == {
        "considerationEnvironnementale": ["Critère environnemental"]}
    assert "modifications" not in record  # minItems 1: no empty list
    # The amount is a JSON number written as the amount: no float artefact, no string.
    assert '"montant": 1250000.5,' in export.json_bytes().decode()


def test_a_concession_is_exported_valid(db, buyer, holder):
    complete_concession(db, buyer, holder, reference="DSP-2025-01", reserved=True,
                       reserved_basis="L2113-15")
    export = export_decp(db, buyer.organisation)
    assert schema_errors(export.json_bytes()) == []
    assert export.document["marches"]["marche"] == []
    record = only(export, "DSP-2025-01")
    assert record["autoriteConcedante"] == {"id": buyer.organisation.siret}
    assert record["concessionnaires"] == [{"concessionnaire": {"typeIdentifiant": "SIRET",
                                                               "id": holder.siret}}]
    assert (record["nature"], record["dateSignature"], record["dateDebutExecution"]) == (
        "Délégation de service public", "2024-10-02", "2025-01-01")
    assert (record["valeurGlobale"], record["montantSubventionPublique"]) == (18000000, 0)
    assert record["dureeMois"] == 84
    assert record["considerationsSociales"] == {"considerationSociale": ["Concession réservée"]}


def test_modifications_and_co_holders_are_exported_valid(db, buyer, holder):
    co_holder = factories.make_org(db)
    contract = complete_market(db, buyer, holder, reference="2025-MOD", co_holder_ids=[
        co_holder.id])
    # As first published (the import keeps them); the current amount follows the modification.
    contract.initial_amount, contract.duration_months = Decimal("1250000.50"), 12
    contract.amount_excl_vat = Decimal("1390000.10")
    db.commit()
    modify(db, contract, 1)
    modify(db, contract, 2, amount=None, duration_months=None, subject="Nouveau co-traitant",
           holders=[{"typeIdentifiant": "SIRET", "id": holder.siret},
                    {"typeIdentifiant": "TVA", "id": "DE123456789"}])
    export = export_decp(db, buyer.organisation)
    assert schema_errors(export.json_bytes()) == []
    record = only(export, "2025-MOD")
    assert [t["titulaire"]["id"] for t in record["titulaires"]] == [holder.siret, co_holder.siret]
    assert (record["montant"], record["dureeMois"]) == (1250000.5, 12)
    assert record["modifications"] == [
        {"modification": {"id": 1, "dateNotificationModification": "2025-06-02",
                          "datePublicationDonneesModification": "2025-06-10", "dureeMois": 14,
                          "montant": 1390000.1}},
        {"modification": {"id": 2, "dateNotificationModification": "2025-06-02",
                          "datePublicationDonneesModification": "2025-06-10",
                          "titulaires": [
                              {"titulaire": {"typeIdentifiant": "SIRET", "id": holder.siret}},
                              {"titulaire": {"typeIdentifiant": "TVA", "id": "DE123456789"}}]}}]


def test_a_foreign_holder_is_exported_by_its_identifier(db, buyer):
    abroad = foreign_holder(db)
    complete_market(db, buyer, abroad, reference="2025-BE")
    export = export_decp(db, buyer.organisation)
    assert schema_errors(export.json_bytes()) == []
    assert only(export, "2025-BE")["titulaires"] == [
        {"titulaire": {"typeIdentifiant": "TVA", "id": "BE0123456789"}}]


def test_a_contract_typed_by_hand_is_listed_with_what_it_lacks_not_exported(db, buyer, holder):
    complete_market(db, buyer, holder, reference="COMPLET")
    typed = factories.make_contract(db, buyer, holder, reference="SAISI-MAIN",
                                    amount_excl_vat=Decimal("80000"))
    export = export_decp(db, buyer.organisation)
    assert schema_errors(export.json_bytes()) == []
    assert [r["id"] for r in export.document["marches"]["marche"]] == ["COMPLET"]
    [left] = export.incomplete
    assert (left.contract_id, left.reference) == (typed.id, "SAISI-MAIN")
    assert left.missing == [
        "nature (DECP)", "code CPV", "procédure de passation", "lieu d'exécution",
        "date de notification", "date de publication des données", "forme du prix",
        "types de prix", "techniques d'achat", "modalités d'exécution", "marché innovant",
        "CCAG de référence", "nombre d'offres reçues", "attribution d'une avance",
        "type de groupement", "sous-traitance déclarée"]
    assert export.summary == "1 contrat exporté, 1 incomplet non exporté"


def test_long_reference_small_amount_and_no_holder_are_reasons(db, buyer, holder):
    long_ref = complete_market(db, buyer, holder, reference="2025-REFERENCE-TROP-LONGUE")
    small = complete_market(db, buyer, holder, reference="PETIT",
                            amount_excl_vat=Decimal("0.50"))
    nobody = complete_market(db, buyer, holder, reference="SANS-TITULAIRE")
    nobody.parties.clear()
    db.commit()
    export = export_decp(db, buyer.organisation)
    reasons = {i.reference: i.missing for i in export.incomplete}
    assert reasons == {
        long_ref.reference: ["identifiant de plus de 16 caractères "
                             "(« 2025-REFERENCE-TROP-LONGUE »)"],
        small.reference: ["montant inférieur à 1 €"],
        nobody.reference: ["aucun titulaire"]}
    assert export.exported == 0
    assert schema_errors(export.json_bytes()) == []  # an empty file is still a valid one


def test_a_modification_without_its_dates_keeps_the_contract_out(db, buyer, holder):
    contract = complete_market(db, buyer, holder, reference="MOD-SANS-DATE")
    contract.initial_amount, contract.duration_months = Decimal("1000"), 12
    db.commit()
    modify(db, contract, 1, published_on=None)
    [left] = export_decp(db, buyer.organisation).incomplete
    assert left.missing == ["modification n° 1 : date de publication des données"]


def test_a_fact_out_of_the_format_is_a_reason_never_copied(db, buyer, holder):
    """An imported value the 2024 lists do not know (old spelling) must not reach the file."""
    contract = complete_market(db, buyer, holder, reference="VIEUX")
    contract.decp_facts = {**contract.decp_facts, "procedure": "Procédure négociée",
                           "techniques": {"technique": []}}
    db.commit()
    [left] = export_decp(db, buyer.organisation).incomplete
    assert left.missing == ["procédure de passation (valeur non conforme au format)",
                            "techniques d'achat (valeur non conforme au format)"]


def test_the_year_keeps_the_contracts_notified_that_year_and_one_buyer_only(db, buyer, holder):
    complete_market(db, buyer, holder, reference="N-2025")
    complete_market(db, buyer, holder, reference="N-2024", notified_on=date(2024, 12, 31))
    other = factories.make_user(db, Role.buyer)
    complete_market(db, other, holder, reference="AUTRE")
    exported = export_decp(db, buyer.organisation, year=2024).document["marches"]["marche"]
    assert [r["id"] for r in exported] == ["N-2024"]
    every = export_decp(db, buyer.organisation).document["marches"]["marche"]
    assert [r["id"] for r in every] == ["N-2024", "N-2025"]


def test_months_between_counts_a_begun_month():
    assert months_between(date(2025, 1, 1), date(2025, 12, 31)) == 12
    assert months_between(date(2025, 2, 15), date(2025, 12, 31)) == 11
    assert months_between(date(2025, 3, 1), date(2025, 3, 1)) == 1


# --- The download ---------------------------------------------------------------------------

def test_a_buyer_downloads_its_file(client, db, login, buyer, holder):
    complete_market(db, buyer, holder, reference="TELECHARGE")
    factories.make_contract(db, buyer, holder, reference="INCOMPLET")
    login(buyer)
    response = client.get("/donnees-ouvertes/decp.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "attachment" in response.headers["content-disposition"]
    assert schema_errors(response.content) == []
    assert [r["id"] for r in response.json()["marches"]["marche"]] == ["TELECHARGE"]
    assert response.headers["x-contrats-incomplets"] == "1"
    empty = client.get("/donnees-ouvertes/decp.json?annee=2019").json()
    assert empty == {"marches": {"marche": [], "contrat-concession": []}}


def test_a_bad_year_is_explained(client, db, login, buyer):
    login(buyer)
    response = client.get("/donnees-ouvertes/decp.json?annee=deux-mille")
    assert response.status_code == 422
    assert "L'année doit être un nombre entre 1990 et 2100" in response.text.replace("&#39;", "'")


def test_another_buyer_is_refused(client, db, login, buyer, holder):
    complete_market(db, buyer, holder, reference="A-MOI")
    intruder = login(factories.make_user(db, Role.buyer))
    response = client.get(f"/donnees-ouvertes/decp.json?acheteur={buyer.organisation_id}")
    assert response.status_code == 403
    assert "A-MOI" not in response.text
    own = client.get("/donnees-ouvertes/decp.json").json()
    assert own["marches"]["marche"] == [] and intruder.organisation_id != buyer.organisation_id


def test_a_supplier_is_refused(client, db, login, buyer, holder):
    supplier = factories.make_user(db, Role.supplier, organisation=holder)
    login(supplier)
    assert client.get("/donnees-ouvertes/decp.json").status_code == 403


def test_an_administrator_chooses_the_buyer(client, db, login, buyer, holder):
    complete_market(db, buyer, holder, reference="POUR-ADMIN")
    login(factories.make_user(db, Role.admin, organisation=buyer.organisation))
    unchosen = client.get("/donnees-ouvertes/decp.json")
    assert (unchosen.status_code, unchosen.headers["location"]) == (303, "/donnees-ouvertes")
    response = client.get(f"/donnees-ouvertes/decp.json?acheteur={buyer.organisation_id}")
    assert response.status_code == 200 and schema_errors(response.content) == []
    assert [r["id"] for r in response.json()["marches"]["marche"]] == ["POUR-ADMIN"]


def test_the_hub_lists_the_incomplete_contracts_by_pages(client, db, login, buyer, holder):
    complete_market(db, buyer, holder, reference="OK-1")
    for n in range(52):
        factories.make_contract(db, buyer, holder, reference=f"INC-{n:02d}", insertion=None,
                                notified_on=date(2025, 3, 1))
    login(buyer)
    page = client.get("/donnees-ouvertes").text.replace("&#39;", "'")
    assert "1 contrat exporté, 52 incomplets non exportés" in page
    assert "INC-00" in page and "INC-49" in page and "INC-50" not in page
    assert "procédure de passation" in page and "Page 1 sur 2" in page
    assert 'href="/donnees-ouvertes?decp_page=2#decp-incomplets"' in page
    second = client.get("/donnees-ouvertes?decp_page=2").text
    assert "INC-50" in second and "INC-51" in second and "INC-00" not in second
    last = db.scalar(select(Contract.id).where(Contract.reference == "INC-51"))
    assert f"/acheteur/contrats/{last}/modifier?decp=1#decp" in second
    bad = client.get("/donnees-ouvertes?annee=abc").text.replace("&#39;", "'")
    assert "L'année doit être un nombre entre 1990 et 2100" in bad


# --- The command ----------------------------------------------------------------------------

def test_the_command_writes_the_file_and_lists_the_incomplete(db, portal_command, tmp_path,
                                                              buyer, holder):
    complete_market(db, buyer, holder, reference="CLI-1")
    complete_concession(db, buyer, holder, reference="CLI-DSP")
    factories.make_contract(db, buyer, holder, reference="CLI-INCOMPLET",
                            decp=DecpFactsIn(procedure="Procédure adaptée"))
    output = tmp_path / "decp.json"
    code, out, err = portal_command("export-decp", "--buyer", buyer.organisation.siret,
                                    "-o", str(output))
    assert code == 0, err
    assert out == f"2 contrats exportés, 1 incomplet non exporté ({output}).\n"
    assert err.startswith("Contrats incomplets (non exportés) :\n  CLI-INCOMPLET : nature (DECP), "
                          "code CPV, lieu d'exécution,")
    assert schema_errors(output.read_bytes()) == []
    document = json.loads(output.read_bytes())
    assert [r["id"] for r in document["marches"]["contrat-concession"]] == ["CLI-DSP"]


def test_the_command_takes_a_year(db, portal_command, tmp_path, buyer, holder):
    complete_market(db, buyer, holder, reference="CLI-2025")
    output = tmp_path / "decp-2024.json"
    code, out, _ = portal_command("export-decp", "--buyer", buyer.organisation.siret,
                                  "--year", "2024", "-o", str(output))
    assert (code, out) == (0, f"0 contrat exporté, 0 incomplet non exporté ({output}).\n")
    assert json.loads(output.read_bytes())["marches"]["marche"] == []


@pytest.mark.parametrize(("args", "message"), [
    (("--buyer", "21440109300015"),
     "Erreur : aucune organisation acheteuse n'a le SIRET « 21440109300015 ».\n"),
    (("--buyer", "SIRET", "--year", "vingt"),
     "Erreur : L'année doit être un nombre entre 1990 et 2100 (« vingt » n'en est pas une).\n"),
    (("--buyer", "SIRET", "--year", "1800"),
     "Erreur : L'année doit être un nombre entre 1990 et 2100 (« 1800 » n'en est pas une).\n"),
])
def test_the_command_refuses_in_one_french_line(db, portal_command, tmp_path, buyer, args,
                                                message):
    args = tuple(buyer.organisation.siret if a == "SIRET" else a for a in args)
    output = tmp_path / "decp.json"
    code, out, err = portal_command("export-decp", *args, "-o", str(output))
    assert (code, out, err) == (1, "", message)
    assert not output.exists()


def test_the_command_says_when_it_cannot_write(db, portal_command, tmp_path, buyer):
    code, _, err = portal_command("export-decp", "--buyer", buyer.organisation.siret,
                                  "-o", str(tmp_path / "absent" / "decp.json"))
    assert code == 1
    assert err == (f"Erreur : impossible d'écrire « {tmp_path / 'absent' / 'decp.json'} » : "
                   "son dossier n'existe pas.\n")


def test_a_supplier_siret_is_not_a_buyer(db, portal_command, tmp_path, holder):
    code, _, err = portal_command("export-decp", "--buyer", holder.siret, "-o",
                                  str(tmp_path / "x.json"))
    assert code == 1 and "aucune organisation acheteuse" in err
    assert db.scalar(select(Organisation.id).where(Organisation.siret == holder.siret))


def test_market_facts_fixture_is_complete():
    """The fixture every export test builds on fills every fact the form offers for a market."""
    missing = {k for k, v in MARKET_FACTS.facts().items() if v is None}
    assert missing == {"montantSubventionPublique"}


def test_the_schema_check_catches_a_broken_record(db, buyer, holder):
    """The check above can fail: a record without its procedure, or with a string amount, is
    reported by the official schema."""
    complete_market(db, buyer, holder, reference="CASSE")
    document = export_decp(db, buyer.organisation).document
    record = document["marches"]["marche"][0]
    del record["procedure"]
    record["montant"] = "1250000.50"
    errors = schema_errors(document)
    assert any("'procedure' is a required property" in e for e in errors)
    assert any(e.startswith("marches/marche/0/montant") for e in errors)


def _buyer_with(db, size: int):
    """A buyer with ``size`` complete markets (co-holder, modification) and ``size`` incomplete."""
    buyer, holder, co_holder = (factories.make_user(db, Role.buyer), factories.make_org(db),
                                factories.make_org(db))
    for n in range(size):
        contract = complete_market(db, buyer, holder, reference=f"S{size}-{n}", insertion=None,
                                   co_holder_ids=[co_holder.id])
        contract.initial_amount, contract.duration_months = Decimal("1000"), 12
        modify(db, contract, 1)
        factories.make_contract(db, buyer, holder, reference=f"S{size}-INC-{n}", insertion=None)
    return buyer


def test_the_hub_and_the_download_cost_the_same_statements_at_two_sizes(client, engine, db,
                                                                        login):
    from tests.scale import page_statements

    measured = []
    for size in (2, 9):
        buyer = _buyer_with(db, size)
        client.cookies.clear()
        login(buyer)
        hub = page_statements(client, engine, "/donnees-ouvertes", db)
        download = page_statements(client, engine, "/donnees-ouvertes/decp.json", db)
        measured.append((len(hub), len(download)))
        exported = client.get("/donnees-ouvertes/decp.json").json()["marches"]["marche"]
        assert len(exported) == size and all(r["modifications"] for r in exported)
    assert measured[0] == measured[1], measured


def test_the_demo_metropole_publishes_a_valid_file_and_one_contract_to_complete(db):
    from execution.demo import decp as demo_decp
    from execution.demo.load import load_demo

    load_demo(db)
    metropole = db.scalar(select(Organisation).where(Organisation.siret == "24440012300018"))
    export = export_decp(db, metropole)
    assert schema_errors(export.json_bytes()) == []
    markets = {r["id"] for r in export.document["marches"]["marche"]}
    concessions = {r["id"] for r in export.document["marches"]["contrat-concession"]}
    assert {"LE-2024-001", "LE-2024-014", "LE-2025-007", "LE-2023-021"} <= markets
    assert concessions == {"LE-DSP-2024-01"}
    assert [i.reference for i in export.incomplete] == [demo_decp.INCOMPLETE]
    # Loading the demo again changes nothing.
    load_demo(db)
    assert export_decp(db, metropole).document == export.document
