"""Indicator pages: the year against its targets, charts with their tables, drill-down, scope."""

import html
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from execution.indicators import svg as charts
from execution.indicators.config import TargetIn, set_target
from portal.agec import AgecCategory
from tests import agec_world
from tests.conftest import visible_text
from tests.execution.dashboard_world import make_world

SVG = "{http://www.w3.org/2000/svg}"


def text_of(response) -> str:
    """What the user reads: tags removed, entities decoded, French spaces made plain."""
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


def svgs(page: str) -> list[ET.Element]:
    """Every chart of the page, parsed as XML (so a badly escaped one fails here)."""
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", page, re.S)]


def test_buyer_sees_the_year_with_charts_and_tables(client, db, login):
    world = make_world(db)
    set_target(db, TargetIn(indicator_id="insertion_hours", year=2025, value=Decimal("400")),
               admin=world.admin)
    db.commit()
    login(world.buyer)
    response = client.get("/indicateurs?annee=2025")
    assert response.status_code == 200
    page = text_of(response)
    assert "Année 2025 — Métropole Test" in page
    # The figures of the crafted dataset, each with its numerator, denominator and sentence.
    assert re.search(r"Heures d'insertion réalisées Somme des heures des lignes d'insertion "
                     r"des déclarations validées .*? 55,00 h 400,00 h 55 — 2", page)
    assert re.search(r"Part de féminisation des heures d'insertion .*? 63,6 % — 35 55 2", page)
    assert re.search(r"Taux de réalisation des heures d'insertion .*? 5,5 % — 55 1 000", page)
    assert "Équivalents temps plein d'insertion" in page and "1 607 heures" in page
    # Zero denominators read « — », never 0 %.
    assert re.search(r"Taux de réalisation des objectifs AGEC .*? — — 0 0 0", page)
    # Charts: SVG images with a title and a description, each followed by its table of values.
    charts_found = svgs(response.text)
    assert len(charts_found) >= 6
    for chart in charts_found:
        assert chart.get("role") == "img" and chart.get("width") and chart.get("viewBox")
        assert chart.find(f"{SVG}title").text and chart.find(f"{SVG}desc").text
    assert "Heures d'insertion réalisées et objectif de l'année" in html.unescape(response.text)
    assert "55,00 h (objectif 400,00 h)" in page
    assert "Heures d'insertion par public éligible — tableau des valeurs" in page
    assert "Bénéficiaire du RSA 35,00 h 63,6 %" in page
    assert "Par sexe — Femme 35,00 h 63,6 %" in page and "Par sexe — Homme 20,00 h 36,4 %" in page
    assert "Heures d'insertion réalisées par année — tableau des valeurs" in page
    assert "2024 0,00 h — 2025 55,00 h 400,00 h" in page
    assert "Aucune dépense AGEC validée pour cette période." in page
    # Export links keep the filters.
    org = world.buyer.organisation_id
    assert f'href="/indicateurs/export/indicateurs.csv?annee=2025&amp;acheteur={org}"' \
        in response.text
    assert f'href="/indicateurs/export/heures-insertion.xlsx?annee=2025&amp;acheteur={org}"' \
        in response.text


def test_another_buyers_data_never_appears(client, db, login):
    world = make_world(db)
    login(world.buyer)
    page = text_of(client.get("/indicateurs?annee=2025"))
    assert "999" not in page and "Ville Voisine" not in page
    drill = text_of(client.get("/indicateurs/insertion_hours?annee=2025"))
    assert "MEL-2025-01" in drill and "VOISINE-99" not in drill
    # Asking for the neighbour's organisation is refused, not silently narrowed.
    other = world.other_buyer.organisation_id
    response = client.get(f"/indicateurs?annee=2025&acheteur={other}")
    assert response.status_code == 403
    assert "que les indicateurs de votre organisation" in text_of(response)
    assert client.get(f"/indicateurs/insertion_hours?annee=2025&acheteur={other}"
                      ).status_code == 403


def test_admin_sees_all_or_picks_a_buyer(client, db, login):
    world = make_world(db)
    login(world.admin)
    everyone = client.get("/indicateurs?annee=2025")
    assert everyone.status_code == 200
    page = text_of(everyone)
    assert "Toutes les organisations acheteuses" in page
    assert 'href="/admin/indicateurs"' in everyone.text  # where targets are set
    assert re.search(r"Heures d'insertion réalisées Somme .*? 1 054,00 h", page)  # 55 + 999
    # The filter form lists the buyer organisations; picking one narrows every figure.
    assert f'<option value="{world.other_buyer.organisation_id}"' in everyone.text
    picked = client.get(f"/indicateurs?annee=2025&acheteur={world.other_buyer.organisation_id}")
    page = text_of(picked)
    assert "Année 2025 — Ville Voisine" in page
    assert re.search(r"Heures d'insertion réalisées Somme .*? 999,00 h", page)
    assert "1 054,00 h" not in page
    # The « toutes » option sends an empty value: back to every organisation.
    assert "1 054,00 h" in text_of(client.get("/indicateurs?annee=2025&acheteur="))
    drill = text_of(client.get(
        f"/indicateurs/insertion_hours?annee=2025&acheteur={world.buyer.organisation_id}"))
    assert "MEL-2025-01" in drill and "VOISINE-99" not in drill
    # A supplier organisation is not a buyer scope.
    assert client.get(f"/indicateurs?annee=2025&acheteur={world.holder.organisation_id}"
                      ).status_code == 404


def test_htmx_swaps_only_the_indicators_block(client, db, login):
    world = make_world(db)
    login(world.buyer)
    response = client.get("/indicateurs?annee=2025", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="indicateurs">')
    assert "<html" not in response.text and "<svg" in response.text


def test_supplier_and_anonymous_are_kept_out(client, db, login):
    world = make_world(db)
    assert client.get("/indicateurs").status_code == 303  # to the login page
    login(world.holder)
    for url in ("/indicateurs?annee=2025", "/indicateurs/insertion_hours?annee=2025",
                "/indicateurs/export/indicateurs.csv?annee=2025",
                "/indicateurs/export/classeur.xlsx?annee=2025"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "réservés aux acheteurs et aux administrateurs" in text_of(response)
    assert 'href="/indicateurs"' not in client.get("/fournisseur").text


def test_nav_link_for_buyers_and_admins(client, db, login):
    world = make_world(db)
    login(world.buyer)
    assert '<a href="/indicateurs" >Indicateurs</a>' in client.get("/acheteur").text
    assert 'href="/indicateurs" aria-current="page"' in client.get("/indicateurs").text


def test_drill_down_lists_the_contracts_and_declarations_counted(client, db, login):
    world = make_world(db)
    login(world.buyer)
    response = client.get("/indicateurs/insertion_hours?annee=2025")
    assert response.status_code == 200
    page = text_of(response)
    assert "Heures d'insertion réalisées" in page and "Valeur 55,00 h" in page
    assert "Contrats et déclarations comptés (1)" in page
    # Only the validated first quarter counts: the submitted second one is not listed.
    assert "MEL-2025-01 Bâtiment Solidaire 1er trimestre 2025 55,00 h 35,00 h 2" in page
    assert "2e trimestre 2025" not in page
    assert f'href="/acheteur/declarations/{world.quarters[0].id}"' in response.text
    assert f'href="/acheteur/contrats/{world.contract.id}"' in response.text
    # Contracts with an insertion commitment active in the year, expected hours at its end.
    page = text_of(client.get("/indicateurs/insertion_contracts?annee=2025"))
    assert ("MEL-2025-01 Bâtiment Solidaire 01/01/2025 31/12/2025 1 000,00 h 55,00 h "
            "1 000,00 h") in page
    # The social consideration share: the contract is in the denominator and counted.
    page = text_of(client.get("/indicateurs/social_consideration_share?annee=2025"))
    assert "MEL-2025-01 Bâtiment Solidaire 01/02/2025 150 000,00 € HT Clause sociale Oui" in page
    page = text_of(client.get("/indicateurs/environmental_consideration_share?annee=2025"))
    assert "Clause sociale Non" in page
    # Another year: nothing counted.
    page = text_of(client.get("/indicateurs/insertion_hours?annee=2024"))
    assert "Aucun contrat ni aucune déclaration n'est compté pour cette période." in page
    assert client.get("/indicateurs/inconnu?annee=2025").status_code == 404
    assert client.get("/indicateurs/insertion_hours?annee=1850").status_code == 404
    assert client.get("/indicateurs/insertion_hours?annee=abc").status_code == 404


def test_every_indicator_has_a_drill_down_page(client, db, login):
    from execution.indicators.config import DEFINITIONS

    world = make_world(db)
    login(world.admin)
    for definition in DEFINITIONS:
        response = client.get(f"/indicateurs/{definition.id}?annee=2025")
        assert response.status_code == 200, definition.id
        assert definition.label in html.unescape(response.text)
    # Administrators read the list; the contract pages are the buyer's, so no links.
    response = client.get("/indicateurs/insertion_hours?annee=2025")
    assert "MEL-2025-01" in response.text and "/acheteur/contrats/" not in response.text


def test_names_are_escaped_in_charts_and_tables(client, db, login):
    db.add(AgecCategory(code="TEST_ESCAPE", regime="2024", position=999,
                        label='Mobilier <b>urbain</b> & "bancs"'))
    db.commit()
    world = agec_world.make_agec_world(db, categories=["TEST_ESCAPE"])
    agec_world.file(db, world, agec_world.Q1_2025,
                    agec_world.line("TEST_ESCAPE", 1000, reuse=100, recycled=300))
    neighbour = make_world(db, reference="MEL-<2025>&1", obj="<script>alert(1)</script>")
    login(world.buyer)
    response = client.get("/indicateurs?annee=2025")
    assert response.status_code == 200
    assert "<b>urbain" not in response.text and "Mobilier &lt;b&gt;urbain&lt;/b&gt; &amp;" \
        in response.text
    agec_chart = next(c for c in svgs(response.text)
                      if c.find(f"{SVG}title").text == "Parts AGEC par catégorie de produits")
    labels = " ".join(t.text or "" for t in agec_chart.iter(f"{SVG}tspan"))
    assert 'Mobilier <b>urbain</b> & "bancs"' in labels  # the text, once unescaped
    page = text_of(response)
    assert "Réemploi ou réutilisation : 10,0 %" in page and "Matières recyclées : 30,0 %" in page
    client.cookies.clear()
    login(neighbour.buyer)
    response = client.get("/indicateurs/insertion_hours?annee=2025")
    assert "MEL-&lt;2025&gt;&amp;1" in response.text and "<2025>" not in response.text


def test_chart_functions_escape_and_stay_well_formed():
    nasty = 'Catégorie <script>alert("x")</script> & co\x07'
    drawn = [
        charts.bar_chart(title=nasty, desc=nasty, bars=[charts.Bar(nasty, 5, "5 <h>", 10,
                                                                   "objectif <10>")]),
        charts.grouped_bar_chart(title="t", desc="d", series=[nasty, "b"], groups=[
            charts.Group(nasty, [charts.Bar(nasty, 1, "1"), None])]),
        charts.stacked_bar_chart(title="t", desc="d", stacks=[charts.Stack(nasty, [
            charts.Segment(nasty, 3, "3 & 4")])]),
        charts.column_chart(title="t", desc="d", categories=[nasty], series=[
            charts.Series(nasty, [Decimal("-3")], ["−3"])], target=2, target_text="<2>"),
    ]
    for svg in drawn:
        assert "<script>" not in svg and "\x07" not in svg
        root = ET.fromstring(str(svg))
        assert root.get("role") == "img"
        assert 'font-family="DejaVu Sans"' in svg and "var(--" not in svg
        assert re.search(r'width="\d+" height="\d+" viewBox="0 0 \d+ \d+"', svg)
    assert "Catégorie &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in drawn[0]
