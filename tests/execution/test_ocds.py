"""The OCDS export: valid against the official schema and the extensions it declares,
identifiers as the ministry's DECP → OCDS conversion builds them, execution as milestones and
documents, the buyer's contracts only; its download and its command."""

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest

from execution.opendata import ocds
from execution.review import service as review
from portal import clock
from portal.commitments import InsertionHoursParams
from portal.models import ContractModification, Organisation, OrgKind, Role
from supplier import service as filing
from supplier.models import Declaration
from supplier.report_schemas import CsrDeclarationIn
from tests import factories
from tests.execution.ocds_schema import errors
from tests.pdfs import PDF
from tests.reference_data import OCDS, reference
from tests.scale import counting

DECP_RAMA = OCDS / "decp-rama-decp2ocds/tests"
TODAY = datetime(2025, 7, 20, 8, tzinfo=UTC)


def _kind(declarations, kind):
    return [d for d in declarations if d.commitment.kind == kind]


def _file_csr(db, declaration, holder, name):
    data = CsrDeclarationIn(version=declaration.version, headcount=40)
    data._upload = SimpleNamespace(filename=name, file=BytesIO(PDF))
    filing.submit(db, declaration.id, data, user=holder)
    db.commit()


@pytest.fixture
def buyer_world(db):
    """A buyer with a market (insertion with a penalty, CSR report, a foreign co-holder, one
    modification) and a concession, on 20 July 2025; another buyer with a contract."""
    clock.freeze(TODAY)
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Métropole de Test"))
    holder = factories.make_user(db, Role.supplier)
    foreign = Organisation(name="Bau GmbH", siret=None, foreign_id_kind="TVA",
                           foreign_id="DE123456789", kind=OrgKind.supplier)
    db.add(foreign)
    db.commit()
    market = factories.make_contract(
        db, buyer, holder.organisation, reference="2024-MARCHE-7", object="Voirie",
        cpv_code="45233141-9", amount_excl_vat=Decimal("150000"), notified_on=date(2023, 12, 1),
        starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31), social_clause=True,
        reserved=True, reserved_basis="L2113-12", environmental_criterion=True, csr_report=True,
        co_holder_ids=[foreign.id],
        insertion=InsertionHoursParams(target_hours=Decimal("1000"),
                                       penalty_per_missing_hour=Decimal("50")))
    market.initial_amount, market.duration_months = Decimal("120000"), 18
    market.decp_facts = {"procedure": "Appel d'offres ouvert",
                         "datePublicationDonnees": "2024-01-10"}
    db.add(ContractModification(contract_id=market.id, sequence=1, notified_on=date(2025, 3, 1),
                                published_on=date(2025, 3, 5), subject="Travaux supplémentaires",
                                amount=Decimal("150000"), duration_months=24))
    concession = factories.make_contract(
        db, buyer, holder.organisation, reference="DSP-2025", kind="concession",
        nature="services", object="Restauration", insertion=None, concession_report=True,
        starts_on=date(2025, 1, 1), ends_on=date(2029, 12, 31))
    other = factories.make_user(db, Role.buyer)
    foreign_contract = factories.make_contract(db, other, holder.organisation,
                                               reference="AUTRE-ACHETEUR")
    db.commit()
    declarations = factories.declarations(db, market)
    insertion = _kind(declarations, "insertion_hours")
    csr = _kind(declarations, "csr_report")
    # 2024 insertion periods validated; the CSR report of 2024 validated; the rest left.
    for declaration in insertion[:4]:
        factories.submit(db, declaration, holder)
        review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
    _file_csr(db, csr[0], holder, "rse-2024.pdf")
    review.validate(db, csr[0].id, reviewer=buyer, version=csr[0].version)
    db.commit()
    return SimpleNamespace(buyer=buyer, holder=holder, other=other, market=market,
                           concession=concession, foreign=foreign,
                           foreign_contract=foreign_contract, insertion=insertion, csr=csr)


def _package(db, buyer_org) -> dict:
    db.expire_all()
    return ocds.release_package(db, buyer_org).data


def _releases(package, ocid_part):
    return [r for r in package["releases"] if ocid_part in r["ocid"]]


# --- Valid against the official schema --------------------------------------------------------

def test_the_package_validates_against_ocds_1_1_5_and_its_extensions(db, buyer_world):
    package = _package(db, buyer_world.buyer.organisation)
    assert errors(package) == []
    assert set(package["extensions"]) == {ocds.SUSTAINABILITY, ocds.CONTRACT_TERMS}
    assert package["publisher"] == {"name": "Métropole de Test", "scheme": "FR-RCS",
                                    "uid": buyer_world.buyer.organisation.siret}
    json.dumps(package)  # plain JSON, nothing Python-only left


def test_a_broken_package_fails_the_same_check(db, buyer_world):
    package = _package(db, buyer_world.buyer.organisation)
    no_ocid = copy.deepcopy(package)
    del no_ocid["releases"][0]["ocid"]
    assert any("'ocid' is a required property" in e for e in errors(no_ocid))
    bad_status = copy.deepcopy(package)
    execution = next(r for r in bad_status["releases"] if r["tag"] == ["implementation"])
    execution["contracts"][0]["implementation"]["milestones"][0]["status"] = "late"
    assert any("milestones/0/status" in e for e in errors(bad_status))
    bad_date = copy.deepcopy(package)
    bad_date["publishedDate"] = "20/07/2025"
    assert any("publishedDate" in e for e in errors(bad_date))
    # Only the patched schema knows the extensions' rules: the patch is really applied.
    empty = copy.deepcopy(package)
    empty["releases"][0]["tender"]["sustainability"] = []
    assert any("sustainability" in e for e in errors(empty))


# --- Identifiers: the ministry's conversion as the oracle -------------------------------------

@pytest.mark.parametrize("case", ["001_marche_simple", "003_pas_de_num_sequence_dans_id"])
def test_identifiers_match_the_ministry_conversion(db, case):
    """A real DECP record stored as the DECP import stores it gives the ocid, release, party,
    award, contract and item ids of decp-rama's expected output."""
    record = json.loads(reference(DECP_RAMA / f"source/{case}.json").read_text())["marches"][0]
    expected = json.loads(reference(DECP_RAMA / f"expectedResult/{case}.json").read_text())
    expected = expected["releases"][0]
    buyer_org = factories.make_org(db, OrgKind.buyer, name=record["acheteur"]["nom"],
                                   siret=record["acheteur"]["id"])
    buyer = factories.make_user(db, Role.buyer, buyer_org)
    titulaire = record["titulaires"][0]
    holder = factories.make_org(db, name=titulaire["denominationSociale"], siret=titulaire["id"])
    notified = date.fromisoformat(record["dateNotification"])
    contract = factories.make_contract(
        db, buyer, holder, reference=record["id"], object=record["objet"],
        cpv_code=record["codeCPV"], amount_excl_vat=Decimal(record["montant"]),
        notified_on=notified, starts_on=notified, ends_on=date(2022, 3, 2), insertion=None)
    contract.initial_amount, contract.duration_months = Decimal(record["montant"]), \
        record["dureeMois"]
    contract.decp_facts = {"procedure": record["procedure"],
                           "datePublicationDonnees": record["datePublicationDonnees"]}
    db.commit()

    release = _package(db, buyer_org)["releases"][0]
    assert (release["ocid"], release["id"]) == (expected["ocid"], expected["id"])
    assert release["buyer"] == expected["buyer"]
    assert [(p["id"], p["roles"], p["identifier"]) for p in release["parties"]] == [
        (p["id"], p["roles"], p["identifier"]) for p in expected["parties"]]
    award, expected_award = release["awards"][0], expected["awards"][0]
    for key in ("id", "status", "value", "suppliers", "items", "description"):
        assert award[key] == expected_award[key], key
    signed, expected_contract = release["contracts"][0], expected["contracts"][0]
    for key in ("id", "awardID", "value", "items", "description"):
        assert signed[key] == expected_contract[key], key
    assert release["date"][:10] == expected["date"][:10]


def test_the_modification_sequence_leaves_the_ocid_and_each_modification_is_a_release(db):
    """decp-rama: « 288500010000132018MA181101 » with one modification has the ocid
    « ocds-78apv2-288500010000132018MA1811 » and the release « …-01 »."""
    from execution.opendata import ocds_ids as ids

    assert ids.ocid("28850001000013", "2018MA181101", 1) == \
        "ocds-78apv2-288500010000132018MA1811"
    assert ids.ocid("83455372900015", "2018k6l-bLQ56r01", 2) == \
        "ocds-78apv2-834553729000152018k6l-bLQ56r01"
    assert ids.release_id("ocds-78apv2-288500010000132018MA1811", 1) == \
        "ocds-78apv2-288500010000132018MA1811-01"


def test_a_modified_contract_has_its_awarded_and_amended_releases(db, buyer_world):
    package = _package(db, buyer_world.buyer.organisation)
    market = _releases(package, "2024-MARCHE-7")
    assert [r["tag"] for r in market] == [["award", "contract"], ["contractAmendment"],
                                          ["implementation"]]
    awarded, amended = market[0], market[1]
    assert {r["ocid"] for r in market} == {awarded["ocid"]}
    assert awarded["id"].endswith("-00") and amended["id"].endswith("-01")
    assert awarded["awards"][0]["value"] == {"amount": 120000, "currency": "EUR"}
    assert awarded["contracts"][0]["period"]["endDate"] == "2025-06-30T00:00:00Z"  # 18 months
    assert awarded["date"] == "2024-01-10T00:00:00Z"
    changed = amended["contracts"][0]
    assert changed["value"] == {"amount": 150000, "currency": "EUR"}
    assert changed["period"]["endDate"] == "2025-12-31T00:00:00Z"
    assert changed["amendments"][0]["rationale"] == "Travaux supplémentaires"
    assert amended["date"] == "2025-03-05T00:00:00Z"


def test_parties_name_the_buyer_the_holder_and_a_foreign_co_holder_by_its_scheme(
        db, buyer_world):
    release = _package(db, buyer_world.buyer.organisation)["releases"][0]
    holder = buyer_world.holder.organisation
    assert [(p["id"], p["roles"]) for p in release["parties"]] == [
        (f"FR-RCS-{buyer_world.buyer.organisation.siret}-buyer", ["buyer"]),
        (f"FR-RCS-{holder.siret}-supplier", ["supplier"]),
        ("DECP-TVA-DE123456789-supplier", ["supplier"])]
    assert release["parties"][2]["identifier"] == {
        "scheme": "DECP-TVA", "id": "DE123456789", "legalName": "Bau GmbH"}
    assert [s["id"] for s in release["awards"][0]["suppliers"]] == [
        f"FR-RCS-{holder.siret}-supplier", "DECP-TVA-DE123456789-supplier"]


# --- Considerations ---------------------------------------------------------------------------

def test_considerations_through_the_sustainability_and_contract_terms_extensions(
        db, buyer_world):
    package = _package(db, buyer_world.buyer.organisation)
    tender = _releases(package, "2024-MARCHE-7")[0]["tender"]
    assert tender["hasSustainability"] is True
    assert [(s["goal"], s["strategies"]) for s in tender["sustainability"]] == [
        ("social.disadvantagedEmploymentOpportunities", ["contractPerformanceConditions"]),
        ("social", ["reservedParticipation"]),
        ("environmental", ["awardCriteria"])]
    assert tender["procurementMethodDetails"] == "Appel d'offres ouvert"
    assert tender["mainProcurementCategory"] == "works"
    terms = tender["contractTerms"]
    assert "1\u202f000,00\xa0h d'insertion" in terms["performanceTerms"]
    assert "rapport RSE annuel" in terms["performanceTerms"]
    assert terms["rewardsAndPenalties"] == ("Pénalité de 50,00\xa0€ HT par heure d'insertion "
                                            "manquante.")
    assert "otherRequirements" not in tender  # the portal does not know who it is reserved to
    concession = _releases(package, "DSP-2025")[0]["tender"]
    assert concession["hasSustainability"] is False
    assert concession["procurementMethodDetails"] == "Concession"


# --- Execution --------------------------------------------------------------------------------

def _milestones(package, reference_):
    execution = _releases(package, reference_)[-1]
    assert execution["tag"] == ["implementation"]
    return execution["contracts"][0]["implementation"]


def test_milestones_follow_the_declarations_status(db, buyer_world):
    w = buyer_world
    late = w.insertion[4]  # first quarter of 2025, never filed
    assert late.due_on < TODAY.date()
    future = w.insertion[-1]
    filed = w.insertion[5]
    factories.submit(db, filed, w.holder)
    implementation = _milestones(_package(db, w.buyer.organisation), "2024-MARCHE-7")
    by_id = {m["id"].rsplit("-", 1)[1]: m for m in implementation["milestones"]}
    assert len(by_id) == len(w.insertion) + len(w.csr)
    met = by_id[str(w.insertion[0].id)]
    assert (met["status"], met["type"], met["code"]) == ("met", "reporting", "insertion_hours")
    assert met["title"] == "Heures d'insertion : 1er trimestre 2024"
    db.refresh(w.insertion[0])
    assert met["dateMet"] == w.insertion[0].reviewed_at.replace(tzinfo=None).isoformat(
        timespec="seconds") + "Z"
    assert by_id[str(late.id)]["status"] == "notMet" and "dateMet" not in by_id[str(late.id)]
    assert by_id[str(late.id)]["dueDate"] == f"{late.due_on.isoformat()}T00:00:00Z"
    assert by_id[str(late.id)]["dateModified"] == "2025-07-20T08:00:00Z"
    assert by_id[str(future.id)]["status"] == "scheduled"
    # Filed, waiting for the buyer's review: not evaluated yet, even past its due date.
    assert by_id[str(filed.id)]["status"] == "scheduled"


def test_documents_only_for_validated_reports(db, buyer_world):
    w = buyer_world
    # The 2025 CSR report, filed but not yet validated, is not listed.
    clock.freeze(datetime(2026, 1, 15, 8, tzinfo=UTC))
    _file_csr(db, w.csr[1], w.holder, "rse-2025.pdf")
    implementation = _milestones(_package(db, w.buyer.organisation), "2024-MARCHE-7")
    [document] = implementation["documents"]
    assert document["title"] == "Rapport RSE 2024 : rse-2024.pdf"
    assert document["documentType"] == "physicalProgressReport"
    assert document["format"] == "application/pdf"
    assert document["url"].endswith(f"/documents/{document['id'].rsplit('-', 1)[1]}")
    review.validate(db, w.csr[1].id, reviewer=w.buyer, version=w.csr[1].version)
    db.commit()
    implementation = _milestones(_package(db, w.buyer.organisation), "2024-MARCHE-7")
    assert [d["title"] for d in implementation["documents"]] == [
        "Rapport RSE 2024 : rse-2024.pdf", "Rapport RSE 2025 : rse-2025.pdf"]


def test_another_buyers_contracts_are_absent(db, buyer_world):
    package = _package(db, buyer_world.buyer.organisation)
    text = json.dumps(package)
    assert "AUTRE-ACHETEUR" not in text
    assert {r["ocid"].split(buyer_world.buyer.organisation.siret)[1] for r in package[
        "releases"]} == {"2024-MARCHE-7", "DSP-2025"}
    other = _package(db, buyer_world.other.organisation)
    assert "AUTRE-ACHETEUR" in json.dumps(other) and "2024-MARCHE-7" not in json.dumps(other)


def test_the_export_reads_as_many_statements_for_many_contracts_as_for_few(db, engine):
    """The same reads whatever the number of contracts and declarations (no N+1)."""
    clock.freeze(TODAY)
    measures = []
    for size in (2, 9):
        buyer = factories.make_user(db, Role.buyer)
        holder = factories.make_user(db, Role.supplier)
        for _ in range(size):
            contract = factories.make_contract(db, buyer, holder.organisation, csr_report=True,
                                               starts_on=date(2024, 1, 1),
                                               co_holder_ids=[factories.make_org(db).id])
            first = factories.declarations(db, contract)[0]
            factories.submit(db, first, holder)
            review.validate(db, first.id, reviewer=buyer, version=first.version)
        db.commit()
        db.expire_all()
        with counting(engine) as seen:
            package = ocds.release_package(db, buyer.organisation)
        assert package.contracts == size
        measures.append(len(seen))
    # Seven reads (contracts, parties, commitments, modifications, declarations, the two
    # kinds of report documents), the savepoint and the expired buyer reloaded by the test.
    assert measures[0] == measures[1] <= 9, measures


def test_a_buyer_without_contracts_has_nothing_to_publish(db):
    buyer = factories.make_user(db, Role.buyer)
    with pytest.raises(Exception, match="aucun contrat à publier"):
        ocds.release_package(db, buyer.organisation)


# --- Download -------------------------------------------------------------------------------

def test_a_buyer_downloads_its_own_package(client, db, login, buyer_world):
    login(buyer_world.buyer)
    hub = client.get("/donnees-ouvertes")
    assert 'href="/donnees-ouvertes/ocds.json"' in hub.text
    assert "Open Contracting Data Standard" in hub.text
    response = client.get("/donnees-ouvertes/ocds.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    package = response.json()
    assert errors(package) == []
    assert "AUTRE-ACHETEUR" not in response.text and "2024-MARCHE-7" in response.text


def test_a_buyer_cannot_download_another_buyers_package(client, db, login, buyer_world):
    login(buyer_world.other)
    response = client.get(f"/donnees-ouvertes/ocds.json?acheteur="
                          f"{buyer_world.buyer.organisation.id}")
    assert response.status_code == 403
    assert "2024-MARCHE-7" not in response.text
    own = client.get("/donnees-ouvertes/ocds.json")
    assert own.status_code == 200 and "2024-MARCHE-7" not in own.text


def test_an_administrator_chooses_the_buyer(client, db, login, buyer_world):
    admin = factories.make_user(db, Role.admin, factories.make_org(db, OrgKind.buyer))
    login(admin)
    buyer_id = buyer_world.buyer.organisation.id
    hub = client.get(f"/donnees-ouvertes?acheteur={buyer_id}")
    assert f'href="/donnees-ouvertes/ocds.json?acheteur={buyer_id}"' in hub.text
    response = client.get(f"/donnees-ouvertes/ocds.json?acheteur={buyer_id}")
    assert response.status_code == 200 and "2024-MARCHE-7" in response.text
    unchosen = client.get("/donnees-ouvertes/ocds.json", follow_redirects=False)
    assert unchosen.status_code == 303 and unchosen.headers["location"] == "/donnees-ouvertes"
    assert client.get("/donnees-ouvertes/ocds.json?acheteur=999999").status_code == 404


def test_suppliers_and_strangers_get_nothing(client, db, login, buyer_world):
    anonymous = client.get("/donnees-ouvertes/ocds.json", follow_redirects=False)
    assert anonymous.status_code in (303, 401) and "2024-MARCHE-7" not in anonymous.text
    login(buyer_world.holder)
    response = client.get("/donnees-ouvertes/ocds.json")
    assert response.status_code == 403 and "2024-MARCHE-7" not in response.text


def test_a_buyer_without_contracts_is_told_so(client, db, login):
    buyer = factories.make_user(db, Role.buyer)
    login(buyer)
    response = client.get("/donnees-ouvertes/ocds.json")
    assert response.status_code == 404
    assert "aucun contrat à publier" in response.text


# --- Command ----------------------------------------------------------------------------------

def test_the_command_writes_the_package(db, buyer_world, portal_command, tmp_path):
    output = tmp_path / "ocds.json"
    code, out, err = portal_command("export-ocds", "--buyer",
                                    buyer_world.buyer.organisation.siret, "-o", str(output))
    assert (code, err) == (0, "")
    assert out.strip() == (f"OCDS Métropole de Test : 2 contrats, 5 publications, écrit dans "
                           f"{output}.")
    package = json.loads(output.read_text(encoding="utf-8"))
    assert errors(package) == []
    assert len(package["releases"]) == 5


def test_the_command_refuses_an_unknown_buyer_and_an_unwritable_file(db, buyer_world,
                                                                     portal_command,
                                                                     tmp_path):
    code, out, err = portal_command("export-ocds", "--buyer", "12345678901234", "-o",
                                    str(tmp_path / "x.json"))
    assert code != 0 and out == ""
    assert err.strip() == ("Erreur : aucune organisation acheteuse n'a le SIRET "
                           "« 12345678901234 ».")
    assert not (tmp_path / "x.json").exists()
    code, _out, err = portal_command("export-ocds", "--buyer",
                                     buyer_world.buyer.organisation.siret, "-o",
                                     str(tmp_path / "absent" / "x.json"))
    assert code != 0
    assert err.strip().startswith("Erreur : impossible d'écrire") and len(err.splitlines()) == 1
    nobody = factories.make_user(db, Role.buyer)
    code, _out, err = portal_command("export-ocds", "--buyer", nobody.organisation.siret,
                                     "-o", str(tmp_path / "y.json"))
    assert code != 0 and "aucun contrat à publier" in err


def test_declarations_are_counted_once_per_contract(db, buyer_world):
    """Every declaration of the market is one milestone, none of the concession's is lost."""
    package = _package(db, buyer_world.buyer.organisation)
    count = db.query(Declaration).join(Declaration.commitment).filter_by(
        contract_id=buyer_world.market.id).count()
    assert len(_milestones(package, "2024-MARCHE-7")["milestones"]) == count
