"""Backing up and restoring the database (`portal backup FILE`, `portal restore FILE`).

SQLite: the online backup API (sqlite3 `Connection.backup`), a consistent copy even while the
portal is running and writing. PostgreSQL: its own tools do it better than we could (custom
format, parallel restore), so the portal prints the commands for the configured database,
without the password (read by libpq from ~/.pgpass or PGPASSWORD)."""

import os
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from portal.errors import Invalid

DOCUMENTS_NOTE = ("Les documents déposés ne sont pas dans la base : sauvegardez aussi le dossier "
                  "« {documents} ».")


def dialect(url: str) -> str:
    return make_url(url).get_backend_name()


def sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise Invalid("la base SQLite configurée est en mémoire : il n'y a rien à sauvegarder.")
    return Path(database)


def backup_sqlite(url: str, target: Path) -> None:
    """Copies the live database into `target`; an older backup there is replaced only once the
    new one is complete."""
    source = sqlite_file(url)
    if not source.is_file():
        raise Invalid(f"la base « {source} » n'existe pas : lancez d'abord « portal migrate ».")
    if target.exists() and target.resolve() == source.resolve():
        raise Invalid("le fichier de sauvegarde ne peut pas être la base elle-même.")
    if not target.parent.is_dir():
        raise Invalid(f"le dossier « {target.parent} » n'existe pas.")
    partial = target.with_name(f".{target.name}.partiel")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            # One self-contained file, whatever the journal mode of the live database.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise Invalid(f"la sauvegarde dans « {target} » a échoué ({_reason(error)}).") from None


def restore_sqlite(url: str, source: Path) -> None:
    """Replaces the content of the configured database by the backup `source`, through the same
    API: connections the portal keeps open see the restored data."""
    target = sqlite_file(url)
    if not source.is_file():
        raise Invalid(f"le fichier « {source} » n'existe pas.")
    _check_backup(source)
    try:
        with closing(sqlite3.connect(source)) as backup, closing(sqlite3.connect(target)) as live:
            backup.backup(live)
    except (sqlite3.Error, OSError) as error:
        raise Invalid(f"la restauration depuis « {source} » a échoué ({_reason(error)}) ; "
                      "la base n'a pas été modifiée.") from None


def _check_backup(path: Path) -> None:
    """Refuses anything but a sound database of the portal, before the live one is touched."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup:
            sound = backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            portal = backup.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    "AND name = 'alembic_version'").fetchone() is not None
    except sqlite3.Error:
        sound = portal = False
    if not sound:
        raise Invalid(f"« {path} » n'est pas une base SQLite lisible (fichier endommagé ou "
                      "d'un autre format) ; la base n'a pas été modifiée.")
    if not portal:
        raise Invalid(f"« {path} » n'est pas une sauvegarde du portail (aucune version de "
                      "schéma) ; la base n'a pas été modifiée.")


def _reason(error: Exception) -> str:
    reasons = {PermissionError: "l'écriture n'y est pas permise",
               IsADirectoryError: "c'est un dossier", FileNotFoundError: "dossier introuvable"}
    return reasons.get(type(error), "erreur d'accès au fichier")


def postgresql_commands(url: str, file: Path) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for `url` and `file`, with no password in them."""
    parts = make_url(url)
    # Built from the parts, not by `set(password=None)`, which keeps the password.
    libpq_url = URL.create("postgresql", username=parts.username, host=parts.host,
                           port=parts.port, database=parts.database, query=parts.query)
    dbname = shlex.quote(libpq_url.render_as_string(hide_password=False))
    path = shlex.quote(str(file))
    return (f"pg_dump -Fc --dbname={dbname} --file={path}",
            f"pg_restore --clean --if-exists --no-owner --dbname={dbname} {path}")
