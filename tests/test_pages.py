"""Every page of the demo opens for the people it is meant for."""

import re

import pytest
from sqlalchemy import select

from execution.demo.load import DEFAULT_PASSWORD, load_demo
from portal.models import Organisation, OrgKind, User
from tests.conftest import csrf_token
from tests.htmx import HTML, parse


@pytest.fixture
def demo(db):
    load_demo(db)
    db.commit()


@pytest.mark.parametrize(("email", "at_least"), [
    ("claire.martin@loire-estuaire.example.fr", 30),
    ("direction@batir-ouest.example.fr", 20),
    ("rse@proprete-atlantique.example.fr", 10),
    ("admin@loire-estuaire.example.fr", 1),
    ("lucas.fontaine@loire-estuaire.example.fr", 5),
])
def test_every_link_of_the_demo_opens(client, db, demo, email, at_least):
    response = client.post("/connexion", data={"email": email, "password": DEFAULT_PASSWORD,
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 303
    seen, queue = set(), [response.headers["location"]]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page = client.get(url)
        assert page.status_code == 200, url
        if url.endswith(".pdf"):  # reports and attestations
            assert page.content.startswith(b"%PDF-"), url
            continue
        assert '<html lang="fr">' in page.text and "<h1" in page.text
        _tables_scroll_in_named_regions(page.text, url)
        for link in re.findall(r'href="(/(?:acheteur|fournisseur|admin)[^"#?]*)"', page.text):
            queue.append(link)
    assert len(seen) >= at_least


def _tables_scroll_in_named_regions(html: str, url: str) -> None:
    """Every table of the page in a region that scrolls on a narrow screen, named by the
    table's caption (templates/_tables.html); no id twice, since regions name their caption
    by id."""
    root = parse(html)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))
    parents = {child: parent for parent in root.iter() for child in parent}
    for table in root.iter(f"{HTML}table"):
        region, caption = parents[table], table.find(f"{HTML}caption")
        assert "table-scroll" in (region.get("class") or "").split(), url
        assert region.get("role") == "region", url
        names = (region.get("aria-labelledby") or "").split()
        assert caption is not None and names and names[-1] == caption.get("id"), url
        assert all(len([e for e in root.iter() if e.get("id") == name]) == 1 for name in names)


def test_the_demo_has_a_gestionnaire_per_supplier_and_a_pending_request(client, db, demo):
    suppliers = db.scalars(select(Organisation).where(Organisation.kind == OrgKind.supplier))
    for organisation in suppliers:
        managers = db.scalars(select(User.email).where(
            User.organisation_id == organisation.id, User.is_manager)).all()
        people = db.scalars(select(User.id).where(User.organisation_id == organisation.id)).all()
        assert managers or not people, organisation.name
    client.post("/connexion", data={"email": "direction@batir-ouest.example.fr",
                                    "password": DEFAULT_PASSWORD,
                                    "csrf_token": csrf_token(client)})
    page = client.get("/organisation").text
    assert "lucie.moreau@batir-ouest.example.fr" in page and "Accepter" in page
