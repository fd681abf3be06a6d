"""After importing every real DECP file into one register, the buyer's pages send as many SQL
statements for a buyer with a handful of contracts as for the largest one: what an import
writes (modifications, co-holders, foreign holders, DECP facts) is never loaded row by row."""

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from portal.cli import app
from portal.models import Contract, ContractParty, Organisation, Role
from tests import factories
from tests.conftest import rolled_back_session
from tests.execution.test_decp_import import AIFE, CROIX, EMP, MEGALIS, MPI, PES, path_of
from tests.scale import page_statements

PAGES = ["/acheteur/contrats/{contract}", "/acheteur", "/acheteur/contrats",
         "/acheteur/contrats?state=ended", "/acheteur/declarations",
         "/indicateurs?annee=2019", "/donnees-ouvertes/import-decp"]


@pytest.fixture(scope="module")
def db(engine):
    """One register for the module: the imports take a few seconds each."""
    with rolled_back_session(engine) as session:
        yield session


def _import(name):
    result = CliRunner().invoke(app, ["import-decp", str(path_of(name))])
    assert result.exit_code == 0, result.output


def _buyer_world(db, siret):
    """A buyer agent of the imported organisation, and its contract with the most parties."""
    organisation = db.scalar(select(Organisation).where(Organisation.siret == siret))
    user = factories.make_user(db, Role.buyer, organisation=organisation)
    contract_id = db.scalar(
        select(Contract.id).join(ContractParty).where(Contract.buyer_org_id == organisation.id)
        .group_by(Contract.id).order_by(func.count().desc(), Contract.id).limit(1))
    count = db.scalar(select(func.count()).select_from(Contract)
                      .where(Contract.buyer_org_id == organisation.id))
    return user, contract_id, count


@pytest.fixture(scope="module")
def worlds(db):
    _import(MEGALIS)
    small = _buyer_world(db, "59920013600241")
    for name in (CROIX, AIFE, PES, EMP, MPI):
        _import(name)
    largest = db.scalar(select(Organisation.siret).join(
        Contract, Contract.buyer_org_id == Organisation.id).group_by(Organisation.siret)
        .order_by(func.count().desc()).limit(1))
    large = _buyer_world(db, largest)
    db.commit()
    return small, large


def _counts(client, engine, db, login, world) -> dict[str, int]:
    user, contract_id, _count = world
    client.cookies.clear()
    login(user)
    return {url: len(page_statements(client, engine, url.format(contract=contract_id), db))
            for url in PAGES}


def test_buyer_pages_cost_the_same_statements_for_a_small_and_the_largest_buyer(
        client, engine, db, login, worlds):
    small, large = worlds
    assert small[2] == 5 and large[2] > 100  # the sizes really differ
    assert _counts(client, engine, db, login, small) == _counts(client, engine, db, login,
                                                                large)
    # The largest buyer's list is full (logged in last), its contract page shows its holders.
    assert client.get("/acheteur/contrats").text.count("<tr>") >= 50
    assert db.scalar(select(func.count()).select_from(Contract)) > 7000
