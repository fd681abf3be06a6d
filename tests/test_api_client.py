"""A client generated from /openapi.json with openapi-python-client, as an integrator would, then
used against the application: log in, list contracts, file and submit a declaration, have it
validated, and read the refusals as the document promises them.

The generated package talks to the app through httpx's ASGI transport (its async functions), so
that its own AuthenticatedClient sends the token, on the suite's rolled-back database.
"""

import asyncio
import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from supplier.models import Declaration, Status
from tests import factories

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
PACKAGE = "portal_api_client"
BASE = "https://testserver"

# The operations by tag as a generated client names them (api/<tag>/<operation id>.py): a rename
# here breaks every integrator's code.
MODULES = {
    "identity": {"auth_token", "me_get"},
    "contracts": {"contracts_list", "contracts_get", "contracts_create", "contracts_update"},
    "declarations": {"declarations_list", "declarations_get", "declarations_save",
                     "declarations_submit", "declarations_validate", "declarations_return",
                     "declarations_reopen", "declarations_check_line",
                     "declarations_facilitator_opinion"},
    "surveys": {"surveys_list", "surveys_get", "surveys_answer"},
    "indicators": {"indicators_get"},
    "invoices": {"invoices_list", "invoices_get"},
    "mediation": {"mediation_requests_list", "mediation_requests_get"},
}


@pytest.fixture(scope="module")
def generated(app, tmp_path_factory):
    """The package generated from the app's /openapi.json; the generator must not warn about
    the document (it would leave pieces out of the client)."""
    folder = tmp_path_factory.mktemp("client")
    with TestClient(app, base_url=BASE) as client:
        (folder / "openapi.json").write_bytes(client.get("/openapi.json").content)
    # No post-generation hooks: they run ruff from PATH and format only.
    (folder / "config.yaml").write_text("post_hooks: []\n")
    result = subprocess.run(
        [GENERATOR, "generate", "--path", "openapi.json", "--config", "config.yaml",
         "--output-path", PACKAGE, "--meta", "none", "--fail-on-warning"],
        cwd=folder, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_client_has_one_module_per_tag_and_one_function_per_operation(generated):
    api = Path(generated.__file__).parent / "api"
    found = {tag.name: {path.stem for path in tag.glob("*.py") if path.stem != "__init__"}
             for tag in api.iterdir() if tag.is_dir() and tag.name != "__pycache__"}
    assert found == MODULES


def test_an_integrator_logs_in_lists_contracts_and_files_a_declaration(generated, app, db,
                                                                       world):
    auth_token = _module("api.identity.auth_token")
    me_get = _module("api.identity.me_get")
    contracts_list = _module("api.contracts.contracts_list")
    declarations = {name: _module(f"api.declarations.{name}")
                    for name in ("declarations_list", "declarations_get", "declarations_save",
                                 "declarations_submit", "declarations_validate")}
    models = _module("models")
    transport = httpx.ASGITransport(app=app)

    def anonymous():
        return generated.Client(base_url=BASE, httpx_args={"transport": transport})

    async def logged_in(user):
        answer = await auth_token.asyncio_detailed(client=anonymous(), body=models.TokenIn(
            email=user.email, password=factories.PASSWORD))
        assert answer.status_code == 200, answer.content
        return generated.AuthenticatedClient(base_url=BASE, token=answer.parsed.access_token,
                                             httpx_args={"transport": transport})

    async def journey():
        # A wrong password: the documented 401 with its French message, parsed.
        refused = await auth_token.asyncio_detailed(client=anonymous(), body=models.TokenIn(
            email=world.holder.email, password="pas le bon"))
        assert refused.status_code == 401
        assert isinstance(refused.parsed, models.ErrorOut) and refused.parsed.detail

        holder = await logged_in(world.holder)
        me = await me_get.asyncio(client=holder)
        assert (me.email, me.role, me.organisation_id) == (
            world.holder.email, "supplier", world.holder.organisation_id)

        page = await contracts_list.asyncio(client=holder, per_page=10)
        assert [c.id for c in page.items] == [world.contract.id] and page.total == 1

        todo = await declarations["declarations_list"].asyncio(
            client=holder, contract_id=world.contract.id, status=models.Status.EXPECTED)
        assert todo.total == len(world.declarations)
        first = await declarations["declarations_get"].asyncio(todo.items[0].id, client=holder)
        line = models.InsertionLineIn(
            beneficiary_ref="B-42", public_category=models.InsertionLineInPublicCategory.RSA,
            sex=models.InsertionLineInSex.F, age_band=models.InsertionLineInAgeBand.AGE_26_49,
            execution_mode=models.InsertionLineInExecutionMode.EMBAUCHE_DIRECTE, hours="37.5")
        saved = await declarations["declarations_save"].asyncio(
            first.id, client=holder,
            body=models.InsertionDeclarationIn(version=first.version, lines=[line, line]))
        assert saved.status == models.Status.DRAFT
        assert saved.content["total_hours"] == "75.00"

        # The version read before the save is stale now: the documented 409, parsed.
        stale = await declarations["declarations_submit"].asyncio_detailed(
            first.id, client=holder, body=models.VersionIn(version=first.version))
        assert stale.status_code == 409 and isinstance(stale.parsed, models.ErrorOut)
        submitted = await declarations["declarations_submit"].asyncio(
            first.id, client=holder, body=models.VersionIn(version=saved.version))
        assert submitted.status == models.Status.SUBMITTED

        # The holder may not validate its own declaration; the buyer's agent may.
        refused = await declarations["declarations_validate"].asyncio_detailed(
            first.id, client=holder, body=models.VersionIn(version=submitted.version))
        assert refused.status_code in (403, 404)
        buyer = await logged_in(world.buyer)
        validated = await declarations["declarations_validate"].asyncio(
            first.id, client=buyer, body=models.VersionIn(version=submitted.version))
        assert validated.status == models.Status.VALIDATED
        return first.id

    declaration_id = asyncio.run(journey())
    db.expire_all()
    declaration = db.get(Declaration, declaration_id)
    assert declaration.status == Status.validated
    assert [line.hours for line in declaration.insertion_lines] == [37.5, 37.5]
