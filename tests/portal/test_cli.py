"""The `portal` command, run against the test database (new_session() joins the test's
transaction once the `db` fixture is set up)."""


import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from execution.demo.load import DEFAULT_PASSWORD, USERS
from portal import identity
from portal.cli import app
from portal.errors import Invalid
from portal.models import Contract, Organisation, Role, User
from supplier.models import Declaration, InsertionLine

runner = CliRunner()
NEW_PASSWORD = "un-autre-mot-de-passe"


def run(*args: str):
    return runner.invoke(app, list(args))


def counts(db) -> dict[str, int]:
    db.expire_all()
    return {model.__name__: db.scalar(select(func.count()).select_from(model))
            for model in (User, Organisation, Contract, Declaration, InsertionLine)}


def create_user_args(**options: str) -> list[str]:
    values = {"email": "agent@ville-exemple.fr", "role": "buyer", "siret": "21440109300015",
              "password": NEW_PASSWORD, "name": "Agnès Durand",
              "organisation-name": "Ville d'Exemple"} | options
    return ["user", "create", *(f"--{key}={value}" for key, value in values.items())]


def test_demo_prints_every_demo_login_and_the_password(db):
    result = run("demo")
    assert result.exit_code == 0, result.output
    for email, *_ in USERS:
        assert email in result.output
    assert f"Mot de passe de tous ces comptes : {DEFAULT_PASSWORD}" in result.output
    assert identity.authenticate(db, USERS[0][0], DEFAULT_PASSWORD).email == USERS[0][0]


def test_demo_twice_creates_nothing_more(db):
    assert run("demo").exit_code == 0
    loaded = counts(db)
    # The demo users, plus the département's agent of execution/demo/reports.py and the
    # métropole's mediator of execution/demo/mediation.py.
    assert loaded["User"] == len(USERS) + 2
    assert loaded["Contract"] > 0 and loaded["InsertionLine"] > 0
    second = run("demo")
    assert second.exit_code == 0, second.output
    assert counts(db) == loaded
    assert "Comptes de démonstration" in second.output


def test_demo_password_option_sets_the_password_of_the_demo_accounts(db):
    result = run("demo", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert f"Mot de passe de tous ces comptes : {NEW_PASSWORD}" in result.output
    supplier_email = next(email for email, _, role, _ in USERS if role == Role.supplier)
    assert identity.authenticate(db, supplier_email, NEW_PASSWORD).email == supplier_email
    with pytest.raises(Invalid):
        identity.authenticate(db, supplier_email, DEFAULT_PASSWORD)


def test_demo_password_option_changes_the_password_of_already_loaded_accounts(db):
    assert run("demo").exit_code == 0
    assert run("demo", "--password", NEW_PASSWORD).exit_code == 0
    assert identity.authenticate(db, USERS[0][0], NEW_PASSWORD)


def test_demo_refuses_a_short_password(db, portal_command):
    code, out, err = portal_command("demo", "--password", "court")
    assert code == 1
    assert err == ("Erreur : Le compte n'a pas pu être créé. "
                   "Le mot de passe doit comporter au moins 12 caractères.\n")
    assert counts(db)["User"] == 0


def test_demo_refuses_a_short_password_once_loaded_too(db, portal_command):
    assert run("demo").exit_code == 0
    code, _, err = portal_command("demo", "--password", "court")
    assert code == 1
    assert err == "Erreur : Le mot de passe doit comporter au moins 12 caractères.\n"
    with pytest.raises(Exception, match="incorrect"):
        identity.authenticate(db, USERS[0][0], "court")


def test_user_create_with_a_new_organisation_creates_both(db):
    result = run(*create_user_args())
    assert result.exit_code == 0, result.output
    assert result.output == "Compte créé : agent@ville-exemple.fr (buyer, Ville d'Exemple).\n"
    organisation = identity.find_organisation_by_siret(db, "21440109300015")
    assert organisation is not None and organisation.name == "Ville d'Exemple"
    user = identity.authenticate(db, "Agent@Ville-Exemple.fr", NEW_PASSWORD)
    assert user.role == Role.buyer and user.organisation_id == organisation.id


def test_user_create_joins_an_existing_organisation(db):
    assert run(*create_user_args()).exit_code == 0
    result = run(*create_user_args(email="collegue@ville-exemple.fr", **{"organisation-name": ""}))
    assert result.exit_code == 0, result.output
    assert counts(db)["Organisation"] == 1 and counts(db)["User"] == 2


def test_user_create_asks_the_password_twice_when_not_given(db):
    args = [arg for arg in create_user_args() if not arg.startswith("--password")]
    result = runner.invoke(app, args, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert identity.authenticate(db, "agent@ville-exemple.fr", NEW_PASSWORD)


def test_user_create_without_organisation_name_for_an_unknown_siret_explains_what_to_do(db):
    result = run(*create_user_args(**{"organisation-name": ""}))
    assert result.exit_code == 1
    assert result.stderr == ("Erreur : aucune organisation n'a ce SIRET ; indiquez "
                             "--organisation-name pour la créer.\n")
    assert counts(db)["User"] == 0


def test_user_create_with_an_unknown_role_is_refused(db):
    result = run(*create_user_args(role="superviseur"))
    assert result.exit_code == 1
    assert result.stderr == "Erreur : le rôle doit être admin, buyer, supplier ou facilitator.\n"


def test_invalid_siret_ends_with_one_french_line_and_no_traceback(db, portal_command):
    # The exact stderr is one line: no traceback.
    code, _, err = portal_command(*create_user_args(siret="21440109300016"))
    assert code == 1
    assert err == ("Erreur : L'organisation n'a pas pu être enregistrée. "
                   "Ce SIRET n'est pas valide (clé de contrôle incorrecte).\n")
    assert counts(db)["Organisation"] == 0


def test_short_password_ends_with_one_french_line_and_creates_nothing(db, portal_command):
    code, out, err = portal_command(*create_user_args(password="court"))
    assert code == 1
    assert err == ("Erreur : Le compte n'a pas pu être créé. "
                   "Le mot de passe doit comporter au moins 12 caractères.\n")
    assert out == ""
    # The organisation created just before the refused account is rolled back with it.
    assert identity.find_organisation_by_siret(db, "21440109300015") is None
    assert counts(db)["User"] == 0


def test_success_through_the_console_script_exits_with_zero(db, portal_command):
    code, out, err = portal_command(*create_user_args())
    assert (code, err) == (0, "")
    assert out.startswith("Compte créé : agent@ville-exemple.fr")


def test_jobs_list_and_run(db, portal_command):
    listing = run("jobs", "list")
    assert listing.exit_code == 0
    assert "remind_due" in listing.output and "deliver_mail" in listing.output
    ran = run("jobs", "run", "remind_due")
    assert ran.exit_code == 0 and ran.output.startswith("remind_due : ")
    code, _, err = portal_command("jobs", "run", "inconnue")
    assert code == 1
    assert err == "Erreur : tâche inconnue « inconnue » ; voir « portal jobs list ».\n"
