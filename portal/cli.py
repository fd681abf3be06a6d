"""The `portal` command: serve, migrate, demo data, users, jobs, reports, backup."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from portal.errors import PortalError

app = typer.Typer(help="Portail des achats responsables.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
user_app = typer.Typer(help="Comptes utilisateurs.", no_args_is_help=True)
app.add_typer(user_app, name="user")
jobs_app = typer.Typer(help="Tâches planifiées.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
report_app = typer.Typer(help="Rapports PDF.", no_args_is_help=True)
app.add_typer(report_app, name="report")


def fail(message: str) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(code=1)


@app.command()
def serve(host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port d'écoute.")] = 8000,
          workers: Annotated[int, typer.Option(help="Processus (production).")] = 1) -> None:
    """Sert le portail (http://HOST:PORT)."""
    import uvicorn

    typer.echo(f"Portail servi sur http://{host}:{port} — Ctrl+C pour arrêter.")
    uvicorn.run("portal.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True)


@app.command()
def migrate() -> None:
    """Crée ou met à jour le schéma de la base de données."""
    from portal.db import new_session
    from portal.migrate import upgrade
    from surveys.bank import seed_missing_banks

    upgrade()
    # Buyer organisations created before their banks came with them (surveys.models), or
    # loaded in bulk, get the default questions here rather than when a page reads them.
    with new_session() as db, db.begin():
        seed_missing_banks(db)
    typer.echo("Base de données à jour.")


@app.command()
def demo(password: Annotated[str | None, typer.Option(
        help="Mot de passe de tous les comptes de démonstration.")] = None) -> None:
    """Charge les données de démonstration (sans effet si elles sont déjà là) et affiche les
    comptes."""
    from execution.demo.load import DEFAULT_PASSWORD, load_demo
    from portal.db import new_session

    with new_session() as db, db.begin():
        logins = load_demo(db, password=password)
    typer.echo("Comptes de démonstration :")
    for email, role, organisation in logins:
        typer.echo(f"  {email:<52} {role:<28} {organisation}")
    typer.echo(f"Mot de passe de tous ces comptes : {password or DEFAULT_PASSWORD}")


@app.command()
def scheduler() -> None:
    """Lance le planificateur (processus dédié, production) ; un second est sans effet."""
    import logging

    from portal.scheduler import run_forever

    # The operator reads what each job did and which scheduler holds the lock (INFO), and
    # APScheduler's own lines only when something goes wrong.
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    typer.echo("Planificateur démarré — Ctrl+C pour arrêter.")
    run_forever()


@jobs_app.command("list")
def jobs_list() -> None:
    """Liste les tâches planifiées."""
    from portal.scheduler import JOBS

    for job in JOBS:
        typer.echo(f"{job.name:<26} {job.description}")


@jobs_app.command("run")
def jobs_run(name: Annotated[str, typer.Argument(help="Nom de la tâche (voir jobs list).")]
             ) -> None:
    """Exécute une tâche une fois (opérateurs, cron) ; sans effet si elle a déjà tout fait."""
    from portal.scheduler import JOBS_BY_NAME, run_job

    if name not in JOBS_BY_NAME:
        fail(f"tâche inconnue « {name} » ; voir « portal jobs list ».")
    typer.echo(f"{name} : {run_job(name)}")


@app.command()
def indicators(
    year: Annotated[int, typer.Option(help="Année civile.")],
    semester: Annotated[int | None, typer.Option(
        help="Semestre (1 ou 2) ; par défaut : l'année entière.")] = None,
    quarter: Annotated[int | None, typer.Option(
        help="Trimestre (1 à 4) ; par défaut : l'année entière.")] = None,
    buyer: Annotated[str | None, typer.Option(
        help="SIRET de l'acheteur (par défaut : tous les acheteurs).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (celle de l'API).")] = False,
) -> None:
    """Affiche les indicateurs SPASER d'une année, d'un semestre ou d'un trimestre, avec leur
    mode de calcul."""
    from execution.indicators.config import FIRST_YEAR, LAST_YEAR
    from execution.indicators.format import command_output
    from portal.db import new_session
    from portal.reporting_period import BadPeriod, period_of

    if not FIRST_YEAR <= year <= LAST_YEAR:
        fail(f"l'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
    try:
        period = period_of(year, semester=semester, quarter=quarter)
    except BadPeriod as error:
        fail(str(error)[:1].lower() + str(error)[1:])
    with new_session() as db, db.begin():
        typer.echo(command_output(db, period=period, buyer_siret=buyer, as_json=as_json))


@report_app.command("annual")
def report_annual(
    year: Annotated[int, typer.Option(help="Année civile du rapport.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier PDF à écrire.")],
    buyer: Annotated[str | None, typer.Option(
        help="SIRET de l'organisation acheteuse (toutes les organisations sinon).")] = None,
) -> None:
    """Écrit le rapport annuel SPASER (PDF) d'une organisation acheteuse ou de toutes."""
    from execution.reports import annual as reports
    from portal.db import new_session
    from portal.template_globals import install_template_globals

    install_template_globals()

    with new_session() as db, db.begin():
        organisation = reports.buyer_by_siret(db, buyer) if buyer else None
        content = reports.annual_report_pdf(db, year=reports.check_year(year),
                                            organisation=organisation)
    write_output(output, content)
    scope = organisation.name if organisation else "toutes les organisations acheteuses"
    typer.echo(f"Rapport annuel {year} ({scope}) écrit dans {output}.")


@app.command("import-decp")
def import_decp(
    file: Annotated[Path, typer.Argument(help="Fichier DECP (JSON, format 2019 ou 2024).")],
    buyer: Annotated[str | None, typer.Option(
        help="SIRET de l'acheteur : les contrats d'autres acheteurs sont rejetés.")] = None,
    rapport: Annotated[Path | None, typer.Option(
        help="Fichier CSV où écrire les enregistrements rejetés et leurs raisons.")] = None,
) -> None:
    """Importe des données essentielles (DECP) : crée ou met à jour acheteurs, titulaires et
    contrats ; affiche « créés N, mis à jour N, inchangés N, rejetés N »."""
    from execution.decp.command import check_command, import_file
    from execution.decp.job import summary
    from execution.decp.reading import UnreadableFile
    from execution.decp.report import report_csv
    from portal.db import new_session

    try:
        siret = check_command(file, buyer)
    except UnreadableFile as error:
        fail(error.message)
    size = max(file.stat().st_size, 1)
    with new_session(writes=True) as db:
        if sys.stdout.isatty():
            with typer.progressbar(length=size, label="Import", file=sys.stdout) as bar:
                done = [0]

                def advance(_records: int, read: int) -> None:
                    bar.update(min(read, size) - done[0])
                    done[0] = min(read, size)

                job = import_file(db, file, buyer=siret, progress=advance)
        else:
            job = import_file(db, file, buyer=siret)
        if job.error:
            fail(job.error)
        if rapport is not None:
            write_output(rapport, report_csv(db, job.id).encode())
    typer.echo(summary(job))


@app.command("import-invoices")
def import_invoices(
    file: Annotated[Path, typer.Argument(help="Export CSV des factures de la comptabilité.")],
    buyer: Annotated[str, typer.Option(help="SIRET de l'acheteur dont les marchés sont "
                                             "facturés.")],
) -> None:
    """Importe des factures (délais de paiement) : chaque ligne rejetée est signalée avec son
    numéro et sa raison ; un nouvel import du même fichier ne crée pas de doublon."""
    from execution.payments.importing import UnreadableFile, import_invoices, read_file
    from portal.db import new_session

    try:
        raw = read_file(file)
        with new_session(writes=True) as db:
            result = import_invoices(db, raw, buyer_siret=buyer)
            db.commit()
    except UnreadableFile as error:
        fail(error.message)
    for line, reason in result.rejected:
        typer.echo(f"Ligne {line} rejetée : {reason}")
    typer.echo(result.summary)


def write_output(output: Path, content: bytes) -> None:
    """Writes an exported file, or fails with the reason in French."""
    try:
        output.write_bytes(content)
    except OSError as error:
        reasons = {FileNotFoundError: "son dossier n'existe pas",
                   PermissionError: "l'écriture n'y est pas permise",
                   IsADirectoryError: "c'est un dossier"}
        fail(f"impossible d'écrire « {output} » : {reasons.get(type(error), 'erreur système')}.")


@app.command("export-decp")
def export_decp(
    buyer: Annotated[str, typer.Option(help="SIRET de l'organisation acheteuse.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier JSON à écrire.")],
    year: Annotated[str | None, typer.Option(
        help="Année de notification (de signature pour une concession) ; toutes sinon.")] = None,
) -> None:
    """Écrit les contrats complets d'un acheteur au format DECP 2024 (schéma v2.0.3) et liste
    les contrats incomplets, non exportés."""
    from execution.opendata import decp_export
    from execution.reports.annual import buyer_by_siret
    from portal.db import new_session

    chosen_year = decp_export.check_year(year)
    with new_session() as db, db.begin():
        organisation = buyer_by_siret(db, buyer)
        export = decp_export.export_decp(db, organisation, year=chosen_year)
    write_output(output, export.json_bytes())
    typer.echo(f"{export.summary} ({output}).")
    if export.incomplete:
        typer.echo("Contrats incomplets (non exportés) :", err=True)
        for item in export.incomplete:
            typer.echo(f"  {item.reference} : {', '.join(item.missing)}", err=True)


@app.command("export-ocds")
def export_ocds(
    buyer: Annotated[str, typer.Option(help="SIRET de l'organisation acheteuse.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier JSON à écrire.")],
) -> None:
    """Écrit les contrats d'une organisation acheteuse et leur exécution au format OCDS 1.1
    (paquet de publications, JSON)."""
    from execution.opendata import ocds
    from execution.reports.annual import buyer_by_siret
    from portal.db import new_session
    from portal.formatting import plural

    with new_session() as db, db.begin():
        organisation = buyer_by_siret(db, buyer)
        package = ocds.release_package(db, organisation)
        content = ocds.package_json(package)
    write_output(output, content)
    typer.echo(f"OCDS {organisation.name} : {plural(package.contracts, 'contrat')}, "
               f"{plural(package.releases, 'publication')}, écrit dans {output}.")


@app.command("export-agec")
def export_agec(
    year: Annotated[int, typer.Option(help="Année civile déclarée.")],
    buyer: Annotated[str, typer.Option(help="SIRET de l'organisation acheteuse.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier CSV à écrire.")],
) -> None:
    """Écrit le fichier de déclaration AGEC d'une année (schéma data.gouv.fr), à partir des
    totaux saisis par l'acheteur."""
    from execution.agec import declaration_file
    from execution.reports.annual import buyer_by_siret
    from portal.db import new_session
    from portal.formatting import plural

    with new_session() as db, db.begin():
        organisation = buyer_by_siret(db, buyer)
        rows = declaration_file.declaration_rows(db, organisation, year)
    write_output(output, declaration_file.document(rows).encode("utf-8"))
    typer.echo(f"Déclaration AGEC {year} de {organisation.name} écrite dans {output} : "
               f"{plural(len(rows), 'catégorie')}.")


def _database_tool(action: str, file: Path) -> None:
    """`portal backup` / `portal restore`: SQLite done here, PostgreSQL commands printed."""
    from portal import backup
    from portal.documents import storage_dir
    from portal.settings import get_settings

    url = get_settings().database_url
    kind = backup.dialect(url)
    if kind == "postgresql":
        dump, restore_command = backup.postgresql_commands(url, file)
        typer.echo("Base PostgreSQL : la sauvegarde et la restauration se font avec les outils "
                   "de PostgreSQL ; portal n'a rien fait. Le mot de passe n'est pas affiché : "
                   "libpq le lit dans ~/.pgpass ou la variable PGPASSWORD.")
        typer.echo(f"  {dump if action == 'backup' else restore_command}")
        if action == "restore":
            typer.echo("Arrêtez le portail et le planificateur avant, lancez « portal migrate » "
                       "après.")
        typer.echo(backup.DOCUMENTS_NOTE.format(documents=storage_dir()))
        # Not 0: a script calling `portal backup` must not believe a backup was made.
        raise typer.Exit(code=2)
    if kind != "sqlite":
        fail(f"la sauvegarde d'une base {kind} n'est pas prise en charge.")
    if action == "backup":
        backup.backup_sqlite(url, file)
        typer.echo(f"Base sauvegardée dans {file}.")
    else:
        backup.restore_sqlite(url, file)
        typer.echo(f"Base restaurée depuis {file}. Lancez « portal migrate » si le portail a "
                   "été mis à jour depuis cette sauvegarde.")
    typer.echo(backup.DOCUMENTS_NOTE.format(documents=storage_dir()))


@app.command("backup")
def backup_command(file: Annotated[Path, typer.Argument(help="Fichier de sauvegarde à écrire.")]
                   ) -> None:
    """Sauvegarde la base (SQLite : copie cohérente, portail en marche ; PostgreSQL : affiche
    la commande pg_dump)."""
    _database_tool("backup", file)


@app.command("restore")
def restore_command(file: Annotated[Path, typer.Argument(help="Sauvegarde à restaurer.")]
                    ) -> None:
    """Remplace le contenu de la base par une sauvegarde (PostgreSQL : affiche la commande
    pg_restore)."""
    _database_tool("restore", file)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Adresse e-mail (identifiant).")],
    role: Annotated[str, typer.Option(help="admin, buyer, supplier ou facilitator.")],
    siret: Annotated[str, typer.Option(help="SIRET de l'organisation.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
    name: Annotated[str, typer.Option(help="Nom affiché.")] = "",
    organisation_name: Annotated[str | None, typer.Option(
        help="Raison sociale, pour créer l'organisation si elle n'existe pas.")] = None,
) -> None:
    """Crée un compte (et son organisation si --organisation-name est donné)."""
    import surveys.models  # noqa: F401  (a buyer organisation is created with its question banks)
    from portal import identity
    from portal.db import new_session
    from portal.models import KIND_OF_ROLE, Role

    if role not in {r.value for r in Role}:
        fail("le rôle doit être admin, buyer, supplier ou facilitator.")
    with new_session() as db, db.begin():
        organisation = identity.find_organisation_by_siret(db, siret)
        if organisation is None:
            if not organisation_name:
                fail("aucune organisation n'a ce SIRET ; indiquez --organisation-name pour la "
                     "créer.")
            kind = KIND_OF_ROLE[Role(role)]
            organisation = identity.create_organisation(db, name=organisation_name, siret=siret,
                                                        kind=kind)
        user = identity.create_user(db, email=email, full_name=name, role=Role(role),
                                    organisation=organisation, password=password)
        typer.echo(f"Compte créé : {user.email} ({role}, {organisation.name}).")


def main() -> None:
    try:
        app()
    except PortalError as error:
        details = "; ".join(error.field_errors.values())
        typer.echo(f"Erreur : {error.message}{' ' + details if details else ''}", err=True)
        sys.exit(1)
    except SQLAlchemyError as error:
        typer.echo("Erreur : la base de données est inaccessible ou pas à jour (lancez "
                   f"« portal migrate ») : {type(error).__name__}.", err=True)
        sys.exit(1)
