"""The DECP import pages: a buyer sends its file, follows the background job and reads the
report; bad files come back on the form; only the buyer's people and administrators see it."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from execution.decp.job import fail_stale
from execution.decp.models import DecpImport, ImportStatus
from portal import clock
from portal.models import Contract, OrgKind, Role
from tests import factories
from tests.execution.test_decp_import import market
from tests.reference_data import DECP_2019_REAL, reference

URL = "/donnees-ouvertes/import-decp"


def buyer_of(db, siret="21440109300015"):
    organisation = factories.make_org(db, OrgKind.buyer, name="Ville d'Exemple", siret=siret)
    return factories.make_user(db, Role.buyer, organisation=organisation)


def send(post, content: bytes, name="decp.json", query=""):
    return post(URL + query, files={"fichier": (name, content, "application/json")})


def feed(*records) -> bytes:
    return json.dumps({"marches": list(records)}).encode()


def test_a_buyer_imports_its_file_and_follows_the_job_to_its_report(client, db, login, post):
    login(buyer_of(db))
    page = client.get(URL)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "Aucun import" in page.text
    bad = market(ident="M-2", codeCPV="74230000")
    response = send(post, feed(market(), bad))
    assert response.status_code == 303
    job = db.scalars(select(DecpImport)).one()
    assert response.headers["location"] == f"{URL}/{job.id}"
    # The test client runs the background task before answering.
    page = client.get(response.headers["location"])
    assert "État : terminé — 2 enregistrements lus" in page.text
    assert "créés 1, mis à jour 0, inchangés 0, rejetés 1" in page.text
    assert "code CPV inconnu (la division 74 n&#39;existe pas)" in page.text
    assert 'hx-trigger="every 2s"' not in page.text  # finished: no more polling
    assert db.scalar(select(func.count()).select_from(Contract)) == 1
    csv = client.get(f"{URL}/{job.id}/rapport.csv")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.text.splitlines()[1] == "2;M-2;codeCPV;74230000;code CPV inconnu (la division " \
                                       "74 n'existe pas)"
    history = client.get(URL).text
    assert f'href="{URL}/{job.id}"' in history and "decp.json" in history


def test_the_buyers_page_rejects_another_buyers_records(client, db, login, post):
    login(buyer_of(db))
    response = send(post, feed(market(), market(ident="M-9", buyer="21590163800019")))
    page = client.get(response.headers["location"]).text
    assert "créés 1, mis à jour 0, inchangés 0, rejetés 1" in page
    assert "contrat d&#39;un autre acheteur : ce fichier est importé pour le SIRET " \
           "21440109300015" in page


def test_a_real_feed_through_the_page(client, db, login, post):
    login(buyer_of(db, siret="21590163800019"))
    content = reference(DECP_2019_REAL / "decp_21590163800019_2019-01-01_2021-12-31.json")
    response = send(post, content.read_bytes(), name="croix.json")
    page = client.get(response.headers["location"])
    assert "créés 97, mis à jour 0, inchangés 1, rejetés 61" in page.text
    assert "Page 1 sur 2" in page.text  # 62 report lines, 50 a page
    second = client.get(response.headers["location"] + "?page=2").text
    assert "69300109100091810330" in second and "Page 2 sur 2" in second


def test_random_bytes_and_json_that_is_not_decp_come_back_on_the_form(client, db, login, post):
    login(buyer_of(db))
    for content, message in (
            (bytes(range(256)) * 4, "Ce fichier n&#39;est pas un fichier JSON lisible"),
            (b'{"contrats": []}', "Ce fichier JSON ne contient pas de données essentielles"),
            (b"", "Le fichier envoyé est vide.")):
        response = send(post, content, name="donnees.json")
        assert response.status_code == 422
        assert message in response.text
        assert 'name="fichier"' in response.text and 'aria-invalid="true"' in response.text
    assert db.scalar(select(func.count()).select_from(DecpImport)) == 0
    assert post(URL, {}).status_code == 422


def test_only_the_buyers_people_and_administrators_see_an_import(client, db, login, post):
    owner = buyer_of(db)
    login(owner)
    location = send(post, feed(market())).headers["location"]
    client.cookies.clear()
    login(factories.make_user(db, Role.buyer))
    assert client.get(location).status_code == 404
    assert client.get(location + "/rapport.csv").status_code == 404
    client.cookies.clear()
    login(factories.make_user(db, Role.supplier))
    assert client.get(location).status_code == 404
    assert client.get(URL).status_code == 403
    client.cookies.clear()
    login(factories.make_user(db, Role.admin))
    assert client.get(location).status_code == 200
    assert client.get(f"{URL}?acheteur={owner.organisation_id}").status_code == 200


def test_an_administrator_imports_for_the_buyer_it_chose(client, db, login, post):
    owner = buyer_of(db)
    login(factories.make_user(db, Role.admin))
    assert "Choisissez l'organisation acheteuse" in client.get(URL).text
    response = send(post, feed(market()), query=f"?acheteur={owner.organisation_id}")
    assert response.headers["location"].endswith(f"?acheteur={owner.organisation_id}")
    job = db.scalars(select(DecpImport)).one()
    assert job.buyer_org_id == owner.organisation_id and job.status == ImportStatus.done


def test_a_running_import_is_polled_and_a_dead_one_is_shown_then_marked_failed(client, db,
                                                                               login):
    owner = buyer_of(db)
    clock.freeze(datetime(2026, 3, 2, 10, tzinfo=UTC))
    job = DecpImport(buyer_org_id=owner.organisation_id, filename="gros.json",
                     status=ImportStatus.running, records_read=1500,
                     progressed_at=clock.now())
    db.add(job)
    db.commit()
    login(owner)
    fragment = client.get(f"{URL}/{job.id}", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="import_status"')
    assert 'hx-trigger="every 2s"' in fragment.text and "1 500 enregistrements lus" in \
        fragment.text.replace("\u202f", " ")
    clock.freeze(datetime(2026, 3, 2, 11, tzinfo=UTC))
    page = client.get(f"{URL}/{job.id}").text
    assert "L'import s'est interrompu" in page and 'hx-trigger' not in page
    db.expire_all()
    assert job.status == ImportStatus.running  # a page only reads
    assert fail_stale(db) == "1 import DECP interrompu marqué en échec"
    db.expire_all()
    assert job.status == ImportStatus.failed
    clock.freeze(datetime(2026, 3, 2, 11, tzinfo=UTC) + timedelta(minutes=1))
    assert fail_stale(db) == "0 import DECP interrompu marqué en échec"
