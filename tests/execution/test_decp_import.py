"""`portal import-decp` on the real published files (tests/reference_data.py) and on small
hand-written ones: counts, the rejection report, a second import, bad files, foreign holders."""

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from execution.decp.models import DecpImport, DecpRejection, ImportStatus
from portal.cli import app
from portal.models import AuditEvent, Contract, ContractModification, Organisation, OrgKind
from tests.execution.decp_recount import recount
from tests.reference_data import DECP_2019_REAL, DECP_2024_REAL, reference

runner = CliRunner()
NNBSP = "\u202f"
AIFE = "data.gouv.fr_aife.json"
PES = "data.gouv.fr_pes.json"
CROIX = "decp_21590163800019_2019-01-01_2021-12-31.json"
EMP = "e-marchespublics.json"
MPI = "marches-publics.info.json"
MEGALIS = "decp-59920013600241-2024-07-09-01.json"

# (created, updated, unchanged, rejected) of a first import into an empty register. Checked by
# hand with tests/execution/decp_recount.py, the rules written again over the raw JSON without
# the import's code (the test below also compares the two), and the totals with
#   python -c "import json,sys; print(len(json.load(open(sys.argv[1]))['marches']))" FILE
# (4 530, 1 148, 159, 470, 4 509: 10 816 records in the 2019 format; 5 in the 2024 one, under
# marches.marche). AIFE: 2 508 of its marchés have no dateNotification; PES: 12 CPV 00000000-1
# or 11111111-1, 4 CPV 2003 codes of division 74, 2 « TEST… » objets; Croix: 33 records without
# id, 22 without CPV.
EXPECTED = {
    AIFE: (1809, 0, 7, 2714), PES: (1123, 0, 1, 24), CROIX: (97, 0, 1, 61),
    EMP: (439, 0, 2, 29), MPI: (4391, 0, 0, 118), MEGALIS: (5, 0, 0, 0),
}


def path_of(name):
    folder = DECP_2024_REAL if name == MEGALIS else DECP_2019_REAL
    return reference(folder / name)


def summary_line(created, updated, unchanged, rejected) -> str:
    def n(value):
        return f"{value:,}".replace(",", NNBSP)
    return (f"créés {n(created)}, mis à jour {n(updated)}, inchangés {n(unchanged)}, "
            f"rejetés {n(rejected)}\n")


def run(*args):
    return runner.invoke(app, ["import-decp", *map(str, args)])


def last_job(db) -> DecpImport:
    db.expire_all()
    return db.scalars(select(DecpImport).order_by(DecpImport.id.desc())).first()


def rejections(db, job) -> list[tuple]:
    return db.execute(select(DecpRejection.position, DecpRejection.record_id,
                             DecpRejection.field, DecpRejection.value, DecpRejection.reason)
                      .where(DecpRejection.import_id == job.id)).all()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_real_file_imports_with_the_counts_checked_by_hand_then_changes_nothing(db, name):
    created, updated, unchanged, rejected = EXPECTED[name]
    assert recount(path_of(name)) == {"created": created, "unchanged": unchanged,
                                      "rejected": rejected}
    first = run(path_of(name))
    assert first.exit_code == 0, first.output
    assert first.output == summary_line(*EXPECTED[name])
    assert db.scalar(select(func.count()).select_from(Contract)) == created
    versions = db.scalar(select(func.sum(Contract.version)))
    audits = db.scalar(select(func.count()).select_from(AuditEvent))

    second = run(path_of(name))
    assert second.exit_code == 0, second.output
    assert second.output == summary_line(0, 0, created + unchanged, rejected)
    db.expire_all()
    assert db.scalar(select(func.sum(Contract.version))) == versions
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_the_report_names_each_bad_record_of_the_real_feeds(db):
    assert run(path_of(AIFE)).exit_code == 0
    report = rejections(db, last_job(db))
    assert (1812, "2015006519521300", "codeCPV", "12345678",
            "enregistrement de test (code CPV fictif)") in report  # « Le marche du siecle »
    assert (1816, "20191tHwXKuDeP00", "acheteur.nom", "TEST APC",
            "enregistrement de test") in report
    assert (200, "2018M16ctUSbdE00", "codeCPV", "74230000",
            "code CPV inconnu (la division 74 n'existe pas)") in report
    assert (123, "2018onJgZ2BPEG00", "dateNotification", "",
            "date de notification manquante") in report
    assert len({row[0] for row in report}) == 2714

    assert run(path_of(MPI)).exit_code == 0
    report = rejections(db, last_job(db))
    assert (123, "2018008000", "titulaires[1].id", "50024529800026",
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte).") in report
    assert (293, "201919005a00", "titulaires[2].id", "301984563000678",
            "Le SIRET doit comporter exactement 14 chiffres.") in report

    assert run(path_of(CROIX)).exit_code == 0
    report = rejections(db, last_job(db))
    duplicate = [row for row in report if row[1] == "202117F000000000"]
    assert duplicate == [(2, "202117F000000000", "id", "202117F000000000",
                          "identifiant déjà utilisé dans ce fichier par l'enregistrement n° 1, "
                          "de contenu différent : seul le premier est importé"),
                         (4, "202117F000000000", "titulaires", "", "aucun titulaire")]


def test_the_rapport_option_writes_the_report_as_csv(db, tmp_path):
    target = tmp_path / "rejets.csv"
    result = run(path_of(PES), "--rapport", target)
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "N° d'enregistrement;Identifiant;Champ;Valeur;Raison"
    assert "233;2019PES0100;objet;TEST PES;enregistrement de test" in lines
    assert len(lines) == 1 + 24


def test_the_messy_croix_file_reads_strings_spellings_and_spaced_keys(db):
    assert run(path_of(CROIX)).exit_code == 0
    buyer = db.scalar(select(Organisation).where(Organisation.siret == "21590163800019"))
    assert buyer.name == "Ville de Croix (59)" and buyer.kind == OrgKind.buyer
    # « Accord-cadre » (2019 nature) is a technique of a « Marché » in 2024; « Révisable » a
    # price type; « Code Postal » the 2024 « Code postal » (the place's « nom  » key dropped).
    first = db.scalar(select(Contract).where(Contract.reference == "202117F000000000"))
    assert first.buyer_org_id == buyer.id
    assert first.decp_facts["lieuExecution"] == {"code": "59170", "typeCode": "Code postal"}
    assert first.decp_facts["nature"] == "Marché"
    assert first.decp_facts["techniques"] == {"technique": ["Accord-cadre"]}
    assert first.decp_facts["typesPrix"] == {"typePrix": ["Définitif révisable"]}
    assert str(first.amount_excl_vat) == "30000.00" and first.duration_months == 36
    assert (first.starts_on.isoformat(), first.ends_on.isoformat()) == ("2021-12-11",
                                                                          "2024-12-10")
    assert first.holder.name == "DECOPUB" and first.holder.siret == "81809944200019"


def test_a_foreign_holder_is_kept_with_its_identifier_and_no_siret(db):
    assert run(path_of(AIFE)).exit_code == 0
    contract = db.scalar(select(Contract).where(Contract.reference == "2018Uszxi5NFxg00"))
    holder = contract.holder
    assert (holder.siret, holder.foreign_id_kind, holder.foreign_id) == (
        None, "TVA", "NL805843954B01")
    assert holder.name == "ANT NEURO BV" and holder.identifier == "TVA NL805843954B01"


def test_the_2024_file_gives_considerations_facts_and_placeholder_holder_names(db):
    assert run(path_of(MEGALIS), "--buyer", "59920013600241").exit_code == 0
    contract = db.scalar(select(Contract).where(Contract.reference == "H9O2024T0000256"))
    assert contract.nature == "works" and contract.cpv_code == "45111100"
    assert not (contract.social_clause or contract.environmental_clause or contract.reserved)
    assert contract.decp_facts["ccag"] == "Travaux"
    assert contract.decp_facts["typesPrix"] == {"typePrix": ["Définitif révisable"]}
    assert contract.decp_facts["formePrix"] == "Forfaitaire"
    assert contract.holder.name == "Entreprise SIRET 32933888305269"
    job = last_job(db)
    assert job.buyer.siret == "59920013600241"


def write(tmp_path, data, name="decp.json"):
    target = tmp_path / name
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def market(ident="M-1", buyer="21440109300015", **fields):
    return {"id": ident, "acheteur": {"id": buyer, "nom": "Ville d'Exemple"},
            "nature": "Marché", "objet": "Nettoyage des locaux", "codeCPV": "90910000-9",
            "procedure": "Procédure adaptée", "dureeMois": 12,
            "dateNotification": "2024-01-01", "montant": "12 345,67",
            "titulaires": [{"typeIdentifiant": "SIRET", "id": "81809944200019"}],
            "modifications": [], **fields}


def test_a_later_name_replaces_a_placeholder_but_never_a_real_name(db, tmp_path):
    assert run(write(tmp_path, {"marches": [market()]})).exit_code == 0
    holder = db.scalar(select(Organisation).where(Organisation.siret == "81809944200019"))
    assert holder.name == "Entreprise SIRET 81809944200019"
    named = market(titulaires=[{"typeIdentifiant": "Siret", "id": "81809944200019",
                                "denominationSociale": "DECOPUB"}])
    assert run(write(tmp_path, {"marches": [named]})).output == summary_line(0, 1, 0, 0)
    db.expire_all()
    assert holder.name == "DECOPUB"
    assert run(write(tmp_path, {"marches": [market()]})).exit_code == 0
    db.expire_all()
    assert holder.name == "DECOPUB"


def test_modifications_set_the_amount_and_end_and_keep_the_first_publication(db, tmp_path):
    record = market(modifications=[
        {"objetModification": "Avenant 2", "dateNotificationModification": "2024-09-01",
         "montant": 20000, "datePublicationDonneesModification": "2024-09-05"},
        {"modification": {"id": 1, "dureeMois": "18", "dateNotificationModification":
                          "2024-06-01", "titulaires": [{"titulaire": {
                              "typeIdentifiant": "TVA_INTRACOMMUNAUTAIRE",
                              "id": "BE0404484484"}}]}}])
    assert run(write(tmp_path, [record])).output == summary_line(1, 0, 0, 0)
    contract = db.scalar(select(Contract).where(Contract.reference == "M-1"))
    assert (str(contract.initial_amount), contract.duration_months) == ("12345.67", 12)
    assert str(contract.amount_excl_vat) == "20000.00"
    assert contract.ends_on.isoformat() == "2025-06-30"  # 18 months from 1 January 2024
    rows = db.scalars(select(ContractModification).where(
        ContractModification.contract_id == contract.id)
        .order_by(ContractModification.sequence)).all()
    assert [(m.sequence, m.duration_months, m.subject) for m in rows] == [
        (1, 18, None), (2, None, "Avenant 2")]
    assert rows[0].holders == [{"typeIdentifiant": "TVA", "id": "BE0404484484"}]


def test_an_update_is_audited_and_bumps_the_version_but_keeps_status_and_frequency(db, tmp_path):
    assert run(write(tmp_path, [market()])).exit_code == 0
    contract = db.scalar(select(Contract).where(Contract.reference == "M-1"))
    contract.frequency = "monthly"
    db.commit()
    version = contract.version
    changed = market(objet="Nettoyage des locaux et des vitres")
    assert run(write(tmp_path, [changed])).output == summary_line(0, 1, 0, 0)
    db.expire_all()
    assert contract.object == "Nettoyage des locaux et des vitres"
    assert contract.version == version + 1
    assert (contract.frequency, contract.status) == ("monthly", "active")
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity == "contract",
                                                         AuditEvent.entity_id == contract.id)
                         .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]


def test_the_buyer_option_rejects_another_buyers_records(db, tmp_path):
    other = market(ident="M-2", buyer="21590163800019")
    result = run(write(tmp_path, {"marches": [market(), other]}), "--buyer", "21440109300015")
    assert result.output == summary_line(1, 0, 0, 1)
    assert rejections(db, last_job(db)) == [(
        2, "M-2", "acheteur.id", "21590163800019",
        "contrat d'un autre acheteur : ce fichier est importé pour le SIRET 21440109300015")]


def test_a_2024_wrapped_file_with_a_concession(db, tmp_path):
    concession = {"id": "C-1", "autoriteConcedante": {"id": "21440109300015"},
                  "nature": "DELEGATION DE SERVICE PUBLIC", "objet": "Restauration",
                  "procedure": "Procédure négociée ouverte", "dureeMois": 60,
                  "dateSignature": "2024-03-01", "dateDebutExecution": "2024-04-01",
                  "datePublicationDonnees": "2024-03-10", "valeurGlobale": 1500000,
                  "montantSubventionPublique": 0,
                  "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "HORS_UE",
                                                            "id": "CH-123"}}],
                  "considerationsSociales": {"considerationSociale": ["Concession réservée"]},
                  "considerationsEnvironnementales": {
                      "considerationEnvironnementale": ["Critère environnemental"]}}
    data = {"marches": {"marche": [market()], "contrat-concession": [concession]}}
    assert run(write(tmp_path, data)).output == summary_line(2, 0, 0, 0)
    contract = db.scalar(select(Contract).where(Contract.reference == "C-1"))
    assert (contract.kind, contract.nature) == ("concession", "services")
    assert contract.starts_on.isoformat() == "2024-04-01"
    assert contract.reserved and contract.environmental_criterion
    assert not contract.social_clause
    assert contract.decp_facts["nature"] == "Délégation de service public"
    assert contract.holder.identifier == "HORS-UE CH-123"


@pytest.mark.parametrize(("content", "message"), [
    (bytes(range(256)) * 8, "Erreur : Ce fichier n'est pas un fichier JSON lisible : envoyez "
                            "le fichier des données essentielles (DECP) au format JSON, tel "
                            "que publié.\n"),
    (b'{"data": [{"name": "x"}]}', "Erreur : Ce fichier JSON ne contient pas de données "
                                   "essentielles (DECP) : on y attend une liste « marches » "
                                   "(format 2019 ou 2024) ou une liste de marchés et de "
                                   "concessions.\n"),
    (b'[{"name": "x"}]', "Erreur : Ce fichier JSON ne contient pas de données essentielles "
                         "(DECP) : on y attend une liste « marches » (format 2019 ou 2024) ou "
                         "une liste de marchés et de concessions.\n"),
])
def test_a_file_that_is_not_decp_is_refused_in_one_line(db, tmp_path, portal_command, content,
                                                        message):
    target = tmp_path / "f.json"
    target.write_bytes(content)
    code, out, err = portal_command("import-decp", str(target))
    assert (code, out, err) == (1, "", message)
    assert db.scalar(select(func.count()).select_from(Contract)) == 0


def test_a_missing_file_or_a_wrong_buyer_siret_is_refused(db, tmp_path, portal_command):
    assert portal_command("import-decp", str(tmp_path / "absent.json")) == (
        1, "", f"Erreur : fichier introuvable : {tmp_path / 'absent.json'}\n")
    target = write(tmp_path, [market()])
    assert portal_command("import-decp", str(target), "--buyer", "123") == (
        1, "", "Erreur : --buyer : Le SIRET doit comporter exactement 14 chiffres.\n")


def test_a_truncated_file_fails_after_keeping_the_batches_read(db, tmp_path, portal_command):
    text = json.dumps({"marches": [market(ident=f"M-{n}") for n in range(600)]})
    target = tmp_path / "tronque.json"
    target.write_text(text[:-300])
    code, _out, err = portal_command("import-decp", str(target))
    assert code == 1
    assert err.startswith("Erreur : Ce fichier n'est pas un fichier JSON lisible (après "
                          "l'enregistrement n° 5")
    job = last_job(db)
    assert job.status == ImportStatus.failed
    assert db.scalar(select(func.count()).select_from(Contract)) == 500  # the first batch
