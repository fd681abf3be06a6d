"""Contract registers that page and search: the buyer's and the holder's lists, and the API."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from execution import closing
from execution.review import service as review
from portal import clock
from portal.commitments import InsertionHoursParams
from portal.models import Role
from tests import factories
from tests.conftest import visible_text


def rows(html: str) -> int:
    """Contract rows of a list page (each links to its contract)."""
    return html.count('<td><a href="/acheteur/contrats/')


@pytest.fixture
def register(db, world):
    """The world's buyer with 55 more contracts (56 in all), and another buyer's contract."""
    for n in range(55):
        factories.make_contract(db, world.buyer, world.holder.organisation,
                                reference=f"REG-{n:03d}", object=f"Lot numéro {n}")
    other = factories.make_user(db, Role.buyer)
    factories.make_contract(db, other, world.holder.organisation, reference="REG-AUTRE")
    return world


def test_the_buyer_register_shows_fifty_contracts_a_page_with_the_total(client, login,
                                                                         register):
    login(register.buyer)
    first = client.get("/acheteur/contrats")
    assert "56 contrats." in visible_text(first.text)
    assert rows(first.text) == 50
    assert 'href="/acheteur/contrats?page=2"' in first.text
    second = client.get("/acheteur/contrats?page=2")
    assert rows(second.text) == 6 and "Page 2 sur 2" in visible_text(second.text)
    # Another buyer's contract is never listed, on any page.
    assert "REG-AUTRE" not in first.text + second.text
    # A page past the end shows the last one; nonsense shows the first.
    assert rows(client.get("/acheteur/contrats?page=999").text) == 6
    assert rows(client.get("/acheteur/contrats?page=abc").text) == 50


def test_search_finds_a_contract_by_reference_object_holder_name_or_siret(client, db, login,
                                                                         register):
    named = factories.make_org(db, name="Menuiseries Dupont-Leroy")
    contract = factories.make_contract(db, register.buyer, named, reference="MENU-2025",
                                       object="Fenêtres du collège Jean Moulin")
    login(register.buyer)
    siret = named.siret
    for search in ("menu-2025", "Jean Moulin", "dupont", siret,
                   f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"):
        page = client.get("/acheteur/contrats", params={"q": search})
        assert rows(page.text) == 1 and "MENU-2025" in page.text, search
        assert "1 contrat correspondant à votre recherche" in visible_text(page.text)
    nothing = client.get("/acheteur/contrats", params={"q": "100%_introuvable"})
    assert rows(nothing.text) == 0
    assert "Aucun contrat ne correspond à votre recherche." in nothing.text
    assert contract.id


def test_filters_by_state_year_kind_commitment_and_behind(client, db, login, world):
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    buyer, holder = world.buyer, world.holder.organisation
    factories.make_contract(db, buyer, holder, reference="PASSE", starts_on=date(2022, 1, 1),
                            ends_on=date(2023, 12, 31))
    factories.make_contract(db, buyer, holder, reference="FUTUR", starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 12, 31))
    factories.make_contract(db, buyer, holder, reference="SANS-HEURES", insertion=None)
    closed = factories.make_contract(db, buyer, holder, reference="CLOS")
    closing.close_contract(db, closed.id, buyer=buyer, version=closed.version)
    ahead = factories.make_contract(db, buyer, holder, reference="EN-AVANCE",
                                    insertion=InsertionHoursParams(target_hours=Decimal("100")))
    first = factories.declarations(db, ahead)[0]
    factories.submit(db, first, world.holder, factories.line(hours=Decimal("80")))
    review.validate(db, first.id, reviewer=buyer, version=first.version)
    db.commit()
    login(buyer)

    def listed(**params) -> set[str]:
        text = client.get("/acheteur/contrats", params=params).text
        return {ref for ref in ("PASSE", "FUTUR", "SANS-HEURES", "CLOS", "EN-AVANCE",
                                world.contract.reference) if f">{ref}<" in text}

    assert listed(state="ended") == {"PASSE", "CLOS"}
    assert listed(state="upcoming") == {"FUTUR"}
    assert listed(state="closed") == {"CLOS"}
    assert listed(state="current") == {"SANS-HEURES", "EN-AVANCE", world.contract.reference}
    assert listed(year="2023") == {"PASSE"}
    assert listed(year="2026") == {"FUTUR"}
    assert "SANS-HEURES" not in listed(commitment="insertion_hours")
    # On 20 July nothing is validated on the world's contract: behind. 80 of 100 hours is
    # ahead of the 55 expected; the closed and past contracts missed their target, not behind.
    assert listed(behind="1") == {world.contract.reference}
    assert listed(kind="concession") == set()
    # A hand-edited value outside the list is ignored rather than refused.
    assert len(listed(state="nimporte", year="1")) == 6


def test_htmx_swaps_only_the_results(client, login, register):
    login(register.buyer)
    response = client.get("/acheteur/contrats?q=REG-00", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="results">')
    assert rows(response.text) == 10


def test_the_holder_register_lists_its_contracts_of_every_buyer_only(client, db, login, world):
    other_buyer = factories.make_user(db, Role.buyer)
    factories.make_contract(db, other_buyer, world.holder.organisation, reference="AILLEURS")
    stranger = factories.make_org(db)
    factories.make_contract(db, world.buyer, stranger, reference="PAS-A-MOI")
    login(world.holder)
    page = client.get("/fournisseur/contrats")
    assert "AILLEURS" in page.text and world.contract.reference in page.text
    assert "PAS-A-MOI" not in page.text and "2 contrats." in visible_text(page.text)
    assert "AILLEURS" in client.get("/fournisseur/contrats?q=ailleurs").text
    assert world.contract.reference not in client.get("/fournisseur/contrats?q=ailleurs").text
    # A buyer's agent has no holder register.
    client.cookies.clear()
    login(world.buyer)
    assert client.get("/fournisseur/contrats").status_code == 403


def test_the_api_pages_and_filters_contracts(api, register):
    buyer = api(register.buyer)
    page = buyer.get("/api/v1/contracts", params={"per_page": 20, "page": 3}).json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (56, 3, 20, 16)
    found = buyer.get("/api/v1/contracts", params={"q": "numéro 54"}).json()
    assert [c["reference"] for c in found["items"]] == ["REG-054"] and found["total"] == 1
    holder = api(register.holder).get("/api/v1/contracts", params={"per_page": 200}).json()
    assert holder["total"] == 57  # the holder sees its contracts of both buyers
    for bad in ({"per_page": 0}, {"per_page": 1000}, {"page": "abc"}, {"state": "bientôt"},
                {"year": "deux mille"}, {"commitment": "rien"}):
        response = buyer.get("/api/v1/contracts", params=bad)
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/json")


def test_openapi_documents_the_paging_and_the_total(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/v1/contracts", "/api/v1/declarations"):
        listing = schema["paths"][path]["get"]
        assert {"page", "per_page", "q", "state"} <= {p["name"] for p in listing["parameters"]}
        answer = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]
        assert page["required"] == ["items", "total", "page", "per_page"], path
