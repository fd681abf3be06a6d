"""Declaration lists that page and search: the buyer's review queue and every state, the
holder's to-do list, overdue and returned filings, and the same through the API."""

from datetime import UTC, datetime

import pytest

from execution.review import service as review
from portal import clock
from portal.models import Role
from tests import factories
from tests.conftest import visible_text


def links(html: str, prefix: str) -> int:
    return html.count(f'<a href="{prefix}/declarations/')


@pytest.fixture
def queue(db, world):
    """On 20 July 2025: 12 contracts of the world's buyer with their first quarter submitted
    (the world's own first quarter is returned), and a contract of another buyer, submitted."""
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    holder = world.holder
    for n in range(12):
        contract = factories.make_contract(db, world.buyer, holder.organisation,
                                           reference=f"FILE-{n:02d}")
        factories.submit(db, factories.declarations(db, contract)[0], holder)
    first = world.declarations[0]
    factories.submit(db, first, holder)
    review.return_to_holder(db, first.id, reviewer=world.buyer, version=first.version,
                            comment="Il manque les heures de mars")
    other = factories.make_user(db, Role.buyer)
    elsewhere = factories.make_contract(db, other, holder.organisation, reference="AUTRE-ACH")
    factories.submit(db, factories.declarations(db, elsewhere)[0], holder)
    db.commit()
    return world


def test_the_review_queue_lists_submitted_declarations_of_the_buyer_only(client, login, queue):
    login(queue.buyer)
    page = client.get("/acheteur/declarations")
    text = visible_text(page.text)
    assert "12 déclarations." in text and links(page.text, "/acheteur") == 12
    assert "AUTRE-ACH" not in page.text and "FILE-07" in page.text
    # Every state: 13 contracts × 4 quarters.
    assert "52 déclarations." in visible_text(client.get("/acheteur/declarations?state=all").text)
    overdue = client.get("/acheteur/declarations?state=overdue").text
    # Q2 (due 15 July) is late everywhere; the world's returned Q1 is late too.
    assert "14 déclarations." in visible_text(overdue)
    found = client.get("/acheteur/declarations", params={"q": "file-03"}).text
    assert links(found, "/acheteur") == 1


def test_the_review_queue_pages(client, db, login, queue):
    for n in range(45):
        contract = factories.make_contract(db, queue.buyer, queue.holder.organisation,
                                           reference=f"MORE-{n:02d}")
        factories.submit(db, factories.declarations(db, contract)[0], queue.holder)
    login(queue.buyer)
    first = client.get("/acheteur/declarations")
    assert "57 déclarations." in visible_text(first.text)
    assert links(first.text, "/acheteur") == 50
    assert 'href="/acheteur/declarations?state=to_review&amp;page=2"' in first.text
    assert links(client.get("/acheteur/declarations?state=to_review&page=2").text,
                 "/acheteur") == 7
    # The home page shows the count and the first five, with a link to the rest.
    home = client.get("/acheteur")
    assert "Déclarations à examiner (57)" in visible_text(home.text)
    assert links(home.text, "/acheteur") == 5
    assert "Voir les 57 déclarations à examiner" in visible_text(home.text)


def test_the_holder_sees_what_to_file_and_what_was_returned(client, login, queue):
    login(queue.holder)
    todo = client.get("/fournisseur/declarations")
    # Q2 of the 14 contracts is late (due 15 July), and so is the returned Q1 of the world's;
    # Q3 is not due within 30 days.
    assert "15 déclarations." in visible_text(todo.text)
    returned = client.get("/fournisseur/declarations?state=returned").text
    assert "1 déclaration." in visible_text(returned)
    assert "« Il manque les heures de mars »" in visible_text(returned)
    home = visible_text(client.get("/fournisseur").text)
    assert "À déclarer dans les 30 jours ou en retard (15)" in home
    assert "Voir les 15 déclarations à faire" in home
    assert "Renvoyées par l'acheteur (1)" in home.replace("&#39;", "'")
    # Both buyers' declarations are the holder's: the other buyer's one is listed too.
    assert "AUTRE-ACH" in client.get("/fournisseur/declarations?state=to_review").text


def test_another_supplier_lists_none_of_them(client, db, login, queue):
    login(factories.make_user(db, Role.supplier))
    page = client.get("/fournisseur/declarations?state=all")
    assert "0 déclaration." in visible_text(page.text)
    assert links(page.text, "/fournisseur") == 0


def test_the_api_lists_declarations_page_by_page_without_their_content(api, queue):
    buyer = api(queue.buyer)
    listed = buyer.get("/api/v1/declarations",
                       params={"state": "to_review", "per_page": 5, "page": 3}).json()
    assert (listed["total"], listed["page"], len(listed["items"])) == (12, 3, 2)
    assert all(d["status"] == "submitted" and "content" not in d for d in listed["items"])
    one = buyer.get(f"/api/v1/declarations/{listed['items'][0]['id']}").json()
    assert one["content"]["lines"]  # the content is in the declaration's own address
    returned = api(queue.holder).get("/api/v1/declarations", params={"state": "returned"})
    assert [d["review_comment"] for d in returned.json()["items"]] == [
        "Il manque les heures de mars"]
    for bad in ({"state": "bientôt"}, {"per_page": "0"}, {"contract_id": "x"}):
        response = buyer.get("/api/v1/declarations", params=bad)
        assert response.status_code == 422, bad
        assert "application/json" in response.headers["content-type"]
