"""Every page of the demo opens for the people it is meant for."""

import re

import pytest

from execution.demo import DEFAULT_PASSWORD, load_demo


@pytest.fixture
def demo(db):
    load_demo(db)
    db.commit()


@pytest.mark.parametrize(("email", "at_least"), [
    ("claire.martin@loire-estuaire.example.fr", 30),
    ("direction@batir-ouest.example.fr", 20),
    ("rse@proprete-atlantique.example.fr", 10),
    ("admin@loire-estuaire.example.fr", 1),
])
def test_every_link_of_the_demo_opens(client, db, demo, email, at_least):
    from tests.conftest import csrf_token

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
        for link in re.findall(r'href="(/(?:acheteur|fournisseur|admin)[^"#?]*)"', page.text):
            queue.append(link)
    assert len(seen) >= at_least
