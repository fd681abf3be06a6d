"""`portal backup FILE` and `portal restore FILE`: a SQLite round trip on a database of its own
(the test database stays untouched), and the PostgreSQL commands, never with the password."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db as portal_db
from portal import identity
from portal.migrate import upgrade
from portal.models import Organisation, OrgKind
from portal.settings import get_settings
from tests.factories import valid_siret


@pytest.fixture
def sqlite_portal(tmp_path, monkeypatch):
    """A migrated SQLite database of the portal, configured as the one `portal` works on."""
    url = f"sqlite:///{tmp_path / 'portail.db'}"
    engine = portal_db.make_engine(url)
    with engine.begin() as connection:
        upgrade(connection=connection, url=url)
    monkeypatch.setattr(get_settings(), "database_url", url)
    yield engine
    engine.dispose()


def names(engine) -> list[str]:
    with Session(engine) as session:
        return session.scalars(select(Organisation.name).order_by(Organisation.name)).all()


def add_organisation(engine, name: str, seed: int) -> None:
    with Session(engine) as session, session.begin():
        identity.create_organisation(session, name=name, siret=valid_siret(seed),
                                     kind=OrgKind.supplier)


def test_backup_then_restore_brings_the_data_back(sqlite_portal, tmp_path, portal_command):
    add_organisation(sqlite_portal, "Avant la sauvegarde", 1)
    backup = tmp_path / "sauvegarde.db"

    code, out, err = portal_command("backup", str(backup))
    assert (code, err) == (0, "")
    assert f"Base sauvegardée dans {backup}." in out
    assert "sauvegardez aussi le dossier" in out  # uploads are files, not rows

    add_organisation(sqlite_portal, "Après la sauvegarde", 2)
    with Session(sqlite_portal) as session, session.begin():
        session.delete(session.scalar(select(Organisation).where(
            Organisation.name == "Avant la sauvegarde")))
    assert names(sqlite_portal) == ["Après la sauvegarde"]

    code, out, err = portal_command("restore", str(backup))
    assert (code, err) == (0, "")
    assert f"Base restaurée depuis {backup}." in out
    assert names(sqlite_portal) == ["Avant la sauvegarde"]  # seen by the open engine too


def test_a_second_backup_replaces_the_first(sqlite_portal, tmp_path, portal_command):
    backup = tmp_path / "sauvegarde.db"
    assert portal_command("backup", str(backup))[0] == 0
    add_organisation(sqlite_portal, "Nouvelle", 3)
    assert portal_command("backup", str(backup))[0] == 0
    add_organisation(sqlite_portal, "Encore", 4)
    assert portal_command("restore", str(backup))[0] == 0
    assert names(sqlite_portal) == ["Nouvelle"]
    assert [p.name for p in tmp_path.iterdir() if "partiel" in p.name] == []


@pytest.mark.parametrize(("content", "reason"), [
    (b"MZ" + b"\x00" * 4000, "n'est pas une base SQLite lisible"),
    (None, "n'est pas une sauvegarde du portail"),
])
def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(
        sqlite_portal, tmp_path, portal_command, content, reason):
    add_organisation(sqlite_portal, "Gardée", 5)
    source = tmp_path / "autre.db"
    if content is None:  # a sound SQLite database, but not the portal's
        import sqlite3
        with sqlite3.connect(source) as other:
            other.execute("CREATE TABLE notes (texte TEXT)")
    else:
        source.write_bytes(content)
    code, out, err = portal_command("restore", str(source))
    assert code == 1
    assert f"Erreur : « {source} » {reason}" in err and "la base n'a pas été modifiée" in err
    assert "Traceback" not in err
    assert names(sqlite_portal) == ["Gardée"]


def test_missing_files_and_folders_get_a_french_error(sqlite_portal, tmp_path, portal_command):
    code, _, err = portal_command("restore", str(tmp_path / "absente.db"))
    assert code == 1 and "n'existe pas" in err
    code, _, err = portal_command("backup", str(tmp_path / "nulle-part" / "s.db"))
    assert code == 1 and f"le dossier « {tmp_path / 'nulle-part'} » n'existe pas" in err


def test_postgresql_gets_the_commands_without_the_password(monkeypatch, tmp_path,
                                                           portal_command):
    monkeypatch.setattr(get_settings(), "database_url",
                        "postgresql+psycopg://portail:s3cr%C3%A8t@db.exemple.fr:5433/portail"
                        "?sslmode=require")
    file = tmp_path / "portail.dump"
    code, out, _ = portal_command("backup", str(file))
    assert code == 2  # nothing was backed up: a script must not believe otherwise
    assert "s3cr" not in out
    url = "'postgresql://portail@db.exemple.fr:5433/portail?sslmode=require'"
    assert f"pg_dump -Fc --dbname={url} --file={file}" in out
    assert "portal n'a rien fait" in out and "~/.pgpass" in out
    code, out, _ = portal_command("restore", str(file))
    assert code == 2
    assert f"pg_restore --clean --if-exists --no-owner --dbname={url} {file}" in out
    assert "Arrêtez le portail" in out
    assert "s3cr" not in out
