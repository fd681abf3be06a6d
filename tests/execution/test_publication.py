"""Published indicators: a manager of a buyer organisation publishes chosen indicators of a period;
anyone reads the frozen snapshot without logging in (page, JSON, CSV, report PDF), later filings
never move it, publishing again makes version 2 and version 1 stays readable."""

import csv
import html
import io
import json

import pytest
from sqlalchemy import select

from execution.publication.models import Publication
from execution.review import service as review
from portal.models import AuditEvent, OrgKind, Role
from tests import factories
from tests.conftest import visible_text as _visible
from tests.execution.report_world import build, pdf_text

CHOSEN = ["insertion_hours", "insertion_women_share", "social_consideration_share"]


@pytest.fixture
def w(db):
    world = build(db)  # 2025: 120 h (F) + 80 h (M) validated, 40 h still submitted
    world.buyer.is_manager = True
    world.agent = factories.make_user(db, Role.buyer, world.buyer.organisation)
    world.other = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Département Voisin-Test"))
    world.other.is_manager = True
    world.admin = factories.make_user(db, Role.admin)
    db.commit()
    world.siret = world.buyer.organisation.siret
    world.url = f"/publication/{world.siret}/2025"
    return world


def publish(post, period="2025", indicators=CHOSEN, query=""):
    return post(f"/acheteur/publication{query}", {"period": period, "indicators": indicators})


def visible_text(page: str) -> str:
    """The page's text as read: entities decoded, French non-breaking spaces made plain."""
    return html.unescape(_visible(page)).replace("\u202f", " ").replace("\xa0", " ")


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def public(client, url):
    """A public address, read without any session."""
    client.cookies.clear()
    response = client.get(url)
    return response


def test_published_indicators_are_frozen_and_versioned(client, db, login, post, w):
    login(w.buyer)
    response = publish(post)
    assert response.status_code == 303
    page = visible_text(client.get(response.headers["location"]).text)
    assert "publiés (version 1)" in page and w.url in page

    # What anyone reads, without logging in.
    first = public(client, w.url)
    assert first.status_code == 200
    text = visible_text(first.text)
    assert "Heures d'insertion réalisées" in text and "200,00 h" in text
    assert "Part de féminisation des heures d'insertion" in text and "60,0 %" in text
    assert "Marchés réservés" not in text  # not chosen
    assert "Se déconnecter" not in first.text and "Menu principal" not in first.text
    data = public(client, f"{w.url}.json").json()
    assert data["organisation"] == {"name": w.buyer.organisation.name, "siret": w.siret}
    assert (data["period"], data["version"]) == ("2025", 1) and data["published_at"]
    hours = data["indicators"][0]
    assert [i["id"] for i in data["indicators"]] == CHOSEN
    assert (hours["value"], hours["numerator"], hours["unit"]) == ("200", "200", "h")
    assert hours["sentence"] and data["indicators"][1]["value"] == "60"
    rows = read_csv(public(client, f"{w.url}.csv").content)
    assert [(r["Identifiant"], r["Valeur"]) for r in rows] == [
        ("insertion_hours", "200"), ("insertion_women_share", "60"),
        ("social_consideration_share", "100")]
    report = public(client, f"{w.url}/rapport.pdf")
    assert report.headers["content-type"] == "application/pdf"
    assert "Rapport annuel" in pdf_text(report.content)
    frozen = (first.text, public(client, f"{w.url}.json").content,
              public(client, f"{w.url}.csv").content, report.content)

    # A new filing validated afterwards: the snapshot does not move.
    third = w.declarations[2]
    db.refresh(third)
    review.validate(db, third.id, reviewer=w.buyer, version=third.version)
    w.buyer.organisation.name = "Métropole Renommée-Test"  # and the organisation renamed
    db.commit()
    assert public(client, f"{w.url}.json").content == frozen[1]
    assert public(client, f"{w.url}.csv").content == frozen[2]
    assert public(client, f"{w.url}/rapport.pdf").content == frozen[3]
    assert "200,00 h" in visible_text(public(client, w.url).text)

    # Publishing again: version 2 with the new figure; version 1 still readable.
    login(w.buyer)
    assert publish(post).status_code == 303
    latest = public(client, f"{w.url}.json").json()
    assert latest["version"] == 2 and latest["indicators"][0]["value"] == "240"
    assert latest["organisation"]["name"] == "Métropole Renommée-Test"
    old = public(client, f"{w.url}.json?version=1")
    assert old.content == frozen[1]
    assert "immutable" in old.headers["cache-control"]
    assert public(client, f"{w.url}.csv?version=1").content == frozen[2]
    page = public(client, w.url).text
    assert f'href="{w.url}?version=1"' in page and "240,00 h" in visible_text(page)
    assert "200,00 h" in visible_text(public(client, f"{w.url}?version=1").text)
    events = db.scalars(select(AuditEvent.to_status).where(
        AuditEvent.entity == "publication")).all()
    assert sorted(events) == ["2025 v1", "2025 v2"]


def test_nothing_personal_is_published(client, db, login, post, w):
    login(w.buyer)
    assert publish(post, indicators=[]).status_code == 422  # none chosen: nothing published
    from execution.indicators.config import DEFINITIONS

    assert publish(post, indicators=[d.id for d in DEFINITIONS]).status_code == 303
    people = [w.buyer, w.agent, w.holder, w.admin]
    secrets = [u.full_name for u in people] + [u.email for u in people] + ["B-001", "B-002"]
    for url in (w.url, f"{w.url}.json", f"{w.url}.csv", "/publication"):
        body = public(client, url).content.decode("utf-8-sig")
        leaked = [s for s in secrets if s in body]
        assert leaked == [], (url, leaked)
    report = pdf_text(public(client, f"{w.url}/rapport.pdf").content)
    assert [s for s in secrets if s in report] == []
    # Read by someone logged in, the public page is the same: no account navigation.
    login(w.buyer)
    page = client.get(w.url).text
    assert "Se déconnecter" not in page and "Menu principal" not in page
    assert "published_by" not in public(client, f"{w.url}.json").text


def test_unpublished_or_unknown_addresses_answer_404(client, login, post, w):
    login(w.buyer)
    publish(post)
    other = w.other.organisation.siret
    for url in (f"/publication/{w.siret}/2024", f"/publication/{w.siret}/2025-S1",
                f"/publication/{other}/2025", "/publication/00000000000000/2025",
                f"/publication/{w.siret}/deux-mille", f"{w.url}?version=3",
                f"{w.url}?version=abc", f"{w.url}.csv?version=0",
                f"/publication/{w.siret}/2024/rapport.pdf",
                f"/publication/{w.holder.organisation.siret}/2025"):
        response = public(client, url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.text
    missing = public(client, f"/publication/{w.siret}/2024.json")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Aucune publication ne correspond à cette adresse."}
    assert public(client, f"{w.url}.json?version=7").status_code == 404


def test_the_index_links_every_published_period(client, login, post, w):
    assert "Aucune organisation" in public(client, "/publication").text
    login(w.buyer)
    publish(post)
    publish(post)
    login(w.other)
    publish(post, period="2025")
    page = public(client, "/publication")
    assert page.status_code == 200
    assert f'href="/publication/{w.siret}/2025"' in page.text
    assert f'href="/publication/{w.other.organisation.siret}/2025"' in page.text
    assert page.text.count(f'href="/publication/{w.siret}/2025"') == 1  # one line, 2 versions
    assert public(client, f"/publication/{w.other.organisation.siret}/2025").status_code == 200


def test_who_may_publish(client, db, login, post, w):
    # An agent reads the preview and the list, without the form; its POST is refused.
    login(w.agent)
    page = client.get("/acheteur/publication?periode=2025")
    assert page.status_code == 200
    assert "Heures d'insertion réalisées" in visible_text(page.text)
    assert 'name="indicators"' not in page.text
    assert publish(post).status_code == 403
    # Another organisation's manager publishes only its own.
    login(w.other)
    assert publish(post, query=f"?acheteur={w.buyer.organisation_id}").status_code == 403
    # Suppliers never reach the page.
    login(w.holder)
    assert client.get("/acheteur/publication").status_code == 403
    assert publish(post).status_code == 403
    assert db.scalar(select(Publication.id)) is None
    # The manager: every indicator ticked by default.
    login(w.buyer)
    page = client.get("/acheteur/publication?periode=2025").text
    assert page.count('name="indicators"') == page.count('name="indicators" value') > 20
    assert page.count("checked") >= 22
    # An administrator publishes for the buyer it chooses.
    login(w.admin)
    assert "Choisissez" in client.get("/acheteur/publication").text
    assert publish(post).status_code == 422
    response = publish(post, query=f"?acheteur={w.buyer.organisation_id}")
    assert response.status_code == 303
    assert public(client, f"{w.url}.json").json()["version"] == 1


def test_bad_input_is_said_in_french_and_kept(client, login, post, w):
    login(w.buyer)
    response = publish(post, indicators=[])
    assert response.status_code == 422
    assert "Choisissez au moins un indicateur à publier." in response.text
    assert 'value="2025"' in response.text
    response = publish(post, period="2025-X9")
    assert response.status_code == 422
    assert "n'est pas une période" in visible_text(response.text)
    assert 'value="2025-X9"' in response.text
    response = publish(post, period="2099")
    assert response.status_code == 422 and "pas encore commencé" in response.text
    response = publish(post, indicators=["insertion_hours", "<script>"])
    assert response.status_code == 422 and "Indicateur inconnu" in response.text
    page = client.get("/acheteur/publication?periode=deux")
    assert page.status_code == 200 and "n'est pas une période" in visible_text(page.text)
    assert public(client, "/publication").status_code == 200
    assert "Aucune organisation" in public(client, "/publication").text


def test_the_csv_guards_against_formulas(client, db, login, post, w):
    login(w.buyer)
    publish(post)
    publication = db.scalar(select(Publication))
    publication.indicators[0].label = "=HYPERLINK(\"http://x\")"
    db.commit()
    rows = read_csv(public(client, f"{w.url}.csv").content)
    assert rows[0]["Indicateur"].startswith("'=")
    assert json.loads(public(client, f"{w.url}.json").content)["version"] == 1


def _published_by(db, count: int, period: str = "2025") -> None:
    """``count`` buyer organisations, each with two versions of ``period`` (frozen by hand: the
    public pages read the snapshots only)."""
    from datetime import UTC, datetime

    from execution.publication.models import PublishedIndicator

    for n in range(count):
        buyer = factories.make_org(db, OrgKind.buyer, name=f"Commune {n:03d}")
        for version in (1, 2):
            db.add(Publication(buyer_org_id=buyer.id, period=period, version=version,
                               published_at=datetime(2026, 3, version, tzinfo=UTC),
                               buyer_name=buyer.name,
                               indicators=[PublishedIndicator(
                                   position=0, indicator_id="insertion_hours", label="Heures",
                                   unit="h", value=1, numerator=1, denominator=None,
                                   sentence="Somme.")]))
    db.commit()


def test_the_index_is_paginated_searchable_and_costs_the_same_at_any_size(client, db, engine):
    from tests.scale import page_statements

    _published_by(db, 3)
    small = {url: len(page_statements(client, engine, url, db))
             for url in ("/publication", "/publication?q=commune+001")}
    _published_by(db, 60)
    large = {url: len(page_statements(client, engine, url, db))
             for url in ("/publication", "/publication?q=commune+001")}
    assert large == small
    first = client.get("/publication").text
    assert "Page 1 sur 2" in first and 'href="/publication?page=2"' in first
    assert first.count('href="/publication/') == 50
    found = visible_text(client.get("/publication?q=commune+001").text)
    assert "Commune 001" in found and "Commune 002" not in found
    assert "Aucune publication ne correspond" in client.get("/publication?q=zzz").text
    fragment = client.get("/publication?q=commune", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="results">')


def test_a_semester_is_published_without_the_annual_report(client, db):
    _published_by(db, 1, period="2025-S1")
    siret = db.scalar(select(Publication)).buyer.siret
    page = client.get(f"/publication/{siret}/2025-S1")
    assert page.status_code == 200 and "1er semestre 2025" in page.text
    assert "rapport.pdf" not in page.text
    assert client.get(f"/publication/{siret}/2025-S1.json").json()["report_url"] is None
    assert client.get(f"/publication/{siret}/2025-S1/rapport.pdf").status_code == 404
    assert client.get(f"/publication/{siret}/2025-s1.csv").status_code == 200  # as typed


def test_a_semester_is_published_with_its_own_figures(client, login, post, w):
    # The quarters of 2025: Q1 (120 h) and Q2 (80 h) validated, Q3 (40 h) only filed.
    login(w.buyer)
    for period in ("2025-S1", "2025-S2"):
        assert publish(post, period=period).status_code == 303
    first = public(client, f"/publication/{w.siret}/2025-S1.json").json()
    second = public(client, f"/publication/{w.siret}/2025-S2.json").json()
    assert first["indicators"][0]["value"] == "200"
    assert second["indicators"][0]["value"] == "0"
    page = public(client, f"/publication/{w.siret}/2025-S1").text
    assert "1er semestre 2025" in visible_text(page)


def test_a_buyer_without_siret_is_told_why_it_cannot_publish(client, db, login, post, w):
    w.buyer.organisation.siret = None
    db.commit()
    login(w.buyer)
    response = publish(post)
    assert response.status_code == 422
    assert "n'a pas de SIRET" in visible_text(response.text)
    assert db.scalar(select(Publication)) is None


def test_periods_are_listed_newest_year_first_then_year_semesters_quarters(client, login, post,
                                                                          w):
    login(w.buyer)
    for period in ("2025-T1", "2025-S2", "2025", "2025-S1", "2024"):
        assert publish(post, period=period).status_code == 303
    text = visible_text(public(client, "/publication").text)
    places = [text.index(label) for label in ("2025", "1er semestre 2025", "2e semestre 2025",
                                              "1er trimestre 2025", "2024")]
    assert places == sorted(places), text
