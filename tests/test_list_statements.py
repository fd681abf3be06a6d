"""Every list and home page sends as many SQL statements with 2 contracts as with 7: what a
page shows is loaded with its list, never row by row (no N+1 query, no lazy load in a template).

Seven contracts fill the home pages' five first rows, so a row-by-row load would show."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from execution.review import service as review
from portal import clock
from portal.facilitators import FacilitatorAssignment
from portal.models import OrgKind, Role
from tests import factories
from tests.scale import counting, page_statements

BUYER_PAGES = ["/acheteur/contrats/{contract}", "/acheteur", "/acheteur/contrats",
               "/acheteur/contrats?behind=1",
               "/acheteur/contrats?q=c-&state=current&year=2025&commitment=insertion_hours",
               "/acheteur/declarations", "/acheteur/declarations?state=all",
               "/acheteur/declarations?state=overdue",
               "/acheteur/declarations?state=overdue&q=organisation",
               "/indicateurs/completude?annee=2025&periode=2025-S1",
               "/indicateurs/completude?annee=2025&q=organisation"]
HOLDER_PAGES = ["/fournisseur/contrats/{contract}", "/fournisseur", "/fournisseur/contrats",
                "/fournisseur/contrats?behind=1",
                "/fournisseur/declarations", "/fournisseur/declarations?state=all",
                "/fournisseur/declarations?state=returned"]
FACILITATOR_PAGES = ["/facilitateur", "/facilitateur?state=all&avis=none&q=c-",
                     "/facilitateur/suivi", "/facilitateur/suivi?q=organisation",
                     "/facilitateur/suivi?par=entreprise",
                     "/facilitateur/indicateurs?annee=2025"]
API_LISTS = ["/api/v1/contracts", "/api/v1/contracts?behind=true",
             "/api/v1/declarations", "/api/v1/declarations?state=to_review"]


def contracts_of(db, size: int) -> SimpleNamespace:
    """A buyer and a holder with ``size`` contracts, each with a returned first quarter and a
    submitted second one, nothing validated: every contract is behind on 20 July 2025. A
    facilitator follows each contract (one assignment each)."""
    buyer, holder = factories.make_user(db, Role.buyer), factories.make_user(db, Role.supplier)
    facilitator = factories.make_user(db, Role.facilitator,
                                      factories.make_org(db, OrgKind.facilitator))
    admin = factories.make_user(db, Role.admin)
    contracts = []
    for n in range(size):
        # The first contract's page lists its periods: 4 quarters, or 12 months when large.
        frequency = "monthly" if n == 0 and size > 2 else "quarterly"
        contract = factories.make_contract(db, buyer, holder.organisation, frequency=frequency)
        contracts.append(contract)
        first, second = factories.declarations(db, contract)[:2]
        factories.submit(db, first, holder)
        review.return_to_holder(db, first.id, reviewer=buyer, version=first.version,
                                comment="À compléter")
        factories.submit(db, second, holder)
        db.add(FacilitatorAssignment(facilitator_org_id=facilitator.organisation_id,
                                     buyer_org_id=buyer.organisation_id, contract_id=contract.id))
    db.commit()
    return SimpleNamespace(buyer=buyer, holder=holder, facilitator=facilitator, admin=admin,
                           contract=contracts[0], contracts=contracts)


@pytest.fixture
def two_sizes(db):
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    return contracts_of(db, 2), contracts_of(db, 7)


def counts(client, engine, db, login, world, role, urls) -> dict[str, int]:
    client.cookies.clear()
    login(getattr(world, role))
    return {url: len(page_statements(client, engine, url.format(contract=world.contract.id),
                                     db))
            for url in urls}


@pytest.mark.parametrize(("role", "urls"), [("buyer", BUYER_PAGES), ("holder", HOLDER_PAGES)])
def test_list_and_home_pages_cost_the_same_statements_at_two_sizes(client, engine, db, login,
                                                                  two_sizes, role, urls):
    small, large = two_sizes
    few = counts(client, engine, db, login, small, role, urls)
    many = counts(client, engine, db, login, large, role, urls)
    assert few == many
    # The pages really show the rows: the large world's are full.
    assert client.get(urls[2]).text.count("<tr>") >= 7
    contract_page = client.get(urls[0].format(contract=large.contract.id)).text
    assert contract_page.count("/declarations/") >= 12


def test_facilitator_and_assignment_pages_cost_the_same_statements_at_two_sizes(
        client, engine, db, login, two_sizes):
    small, large = two_sizes
    pages = {"facilitator": FACILITATOR_PAGES,
             "admin": ["/admin/facilitateurs", "/admin/facilitateurs?q=organisation"],
             "buyer": ["/acheteur/facilitateurs"]}
    for role, urls in pages.items():
        assert (counts(client, engine, db, login, small, role, urls)
                == counts(client, engine, db, login, large, role, urls)), role
    # The large world's lists are full: 14 declarations filed or returned, 7 contracts.
    login(large.facilitator)
    assert client.get("/facilitateur").text.count("/facilitateur/declarations/") == 14
    assert client.get("/facilitateur/suivi").text.count("<tr>") >= 8
    login(large.admin)
    assert client.get("/admin/facilitateurs").text.count("/retirer") >= 7


def test_the_facilitator_survey_list_costs_the_same_statements_at_two_sizes(
        client, engine, db, login, two_sizes):
    """Every contract's end-of-contract survey launched: the facilitator evaluates each."""
    from surveys.models import LaunchReason
    from surveys.service import launch_campaign

    urls = ["/facilitateur/enquetes", "/facilitateur/enquetes?vue=deposees",
            "/facilitateur/enquetes?q=c-"]
    for world in two_sizes:
        for contract in world.contracts:
            launch_campaign(db, contract, reason=LaunchReason.manual, by=world.buyer)
    db.commit()
    small, large = two_sizes
    assert (counts(client, engine, db, login, small, "facilitator", urls)
            == counts(client, engine, db, login, large, "facilitator", urls))
    assert client.get(urls[0]).text.count('href="/facilitateur/enquetes/') == 7


def test_api_lists_cost_the_same_statements_at_two_sizes(engine, db, api, two_sizes):
    small, large = two_sizes
    measured = []
    for world in (small, large):
        for user in (world.buyer, world.holder, world.facilitator):
            caller = api(user)
            for url in API_LISTS:
                db.expire_all()
                with counting(engine) as seen:
                    response = caller.get(url)
                assert response.status_code == 200, response.text
                measured.append((user.role, url, len(seen), response.json()["total"]))
    half = len(measured) // 2
    assert [m[:3] for m in measured[:half]] == [m[:3] for m in measured[half:]]
    # …while the large world's lists hold more: 7 contracts, 28 declarations.
    assert {m[3] for m in measured[half:] if m[1] == "/api/v1/contracts"} == {7}


def exits_of(db, size: int) -> SimpleNamespace:
    """A contract whose first quarter names ``size`` people, each with a recorded exit."""
    from supplier import exits

    buyer, holder = factories.make_user(db, Role.buyer), factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, buyer, holder.organisation)
    first = factories.declarations(db, contract)[0]
    factories.submit(db, first, holder, *(factories.line(beneficiary_ref=f"P-{n:02d}")
                                          for n in range(size)))
    for n in range(size):
        exits.record_exit(db, contract.id, user=holder, beneficiary_ref=f"P-{n:02d}",
                          outcome="training", exited_on=first.period_end)
    db.commit()
    return SimpleNamespace(holder=holder, contract=contract)


def test_the_exits_page_costs_the_same_statements_at_two_sizes(client, engine, db, login):
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    measured = []
    for size in (2, 12):
        world = exits_of(db, size)
        client.cookies.clear()
        login(world.holder)
        url = f"/fournisseur/contrats/{world.contract.id}/sorties"
        measured.append(len(page_statements(client, engine, url, db)))
        assert client.get(url).text.count('<option value="training" selected>') == size
    assert measured[0] == measured[1]
