"""What the layout relies on in the HTML (portal.css and portal.js do the rest; the browser suite
measures the result at 1 280 and 390 px): every data table in a named, focusable region that
scrolls; a declaration's lines as wrapping blocks whose fields name their column, with each error
beside its field; the first new line marked for the focus after « Ajouter des lignes »; the error
summary and the script that focuses it."""

from datetime import UTC, datetime

import pytest

from portal import clock
from portal.templating import environment, html_id
from tests.agec_world import Q1_2025, make_agec_world
from tests.htmx import HTML, by_id, parse


def _render(source: str):
    return parse(f"<main>{environment.from_string(source).render()}</main>")


def test_the_table_macro_puts_a_table_in_a_focusable_region_named_by_its_caption():
    root = _render('{% from "_tables.html" import table %}'
                   '{% call table("Année 2025 — décret n° 2024-134", ["Catégorie", "Part"], '
                   'numeric=[1]) %}<tr><td>Textiles</td><td class="num">12 %</td></tr>'
                   '{% endcall %}')
    region = next(root.iter(f"{HTML}div"))
    assert region.get("class") == "table-scroll" and region.get("role") == "region"
    assert region.get("tabindex") == "0"
    caption = region.find(f"{HTML}table/{HTML}caption")
    assert caption.get("id") == region.get("aria-labelledby") == (
        "tableau-annee-2025-decret-n-2024-134")
    assert [th.get("scope") for th in region.iter(f"{HTML}th")] == ["col", "col"]


def test_a_table_of_fields_wraps_its_lines_and_is_no_tab_stop_of_its_own():
    root = _render('{% from "_tables.html" import table %}'
                   '{% call table("Lignes", id="lignes", inputs=true) %}<tbody><tr>'
                   '<td data-label="Heures"><input name="hours"></td></tr></tbody>{% endcall %}')
    region = next(root.iter(f"{HTML}div"))
    assert region.get("tabindex") is None and region.get("aria-labelledby") == "lignes"
    assert region.find(f"{HTML}table").get("class") == "lines"


def test_an_id_is_made_of_the_words_of_a_caption():
    assert html_id("Heures d'insertion validées par public éligible") == (
        "heures-d-insertion-validees-par-public-eligible")
    assert html_id("  « Réponses » de 12\u202fentreprises : ") == "reponses-de-12-entreprises"


@pytest.fixture
def aw(db):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    return make_agec_world(db)


def test_an_agec_error_is_said_inside_its_line_beside_its_field(client, db, login, post, aw):
    """The refused AGEC form: each message in the cell of its field, in a table of lines (which
    portal.css wraps), the cell naming its column; the error summary comes first."""
    declaration = aw.declarations[Q1_2025]
    login(aw.holder)
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        "version": declaration.version, "action": "save",
        "category_code": ["D2024_TEXTILES", "D2024_MOBILIER"],
        "total_excl_vat": ["beaucoup trop cher", "1 000"], "reuse_excl_vat": ["-5", ""],
        "donation_excl_vat": ["", ""], "recycled_excl_vat": ["", ""]})
    assert response.status_code == 422
    root = parse(response.text)
    summary = next(e for e in root.iter(f"{HTML}div") if "error-summary" in (e.get("class") or ""))
    assert summary.get("tabindex") == "-1" and summary.get("role") == "alert"
    parents = {child: parent for parent in root.iter() for child in parent}
    for key, column in (("lines.0.total_excl_vat", "Montant total HT"),
                        ("lines.0.reuse_excl_vat", "dont réemploi ou réutilisation")):
        field, message = by_id(root, key), by_id(root, f"{key}-error")
        assert key + "-error" in field.get("aria-describedby")
        cell = parents[field]
        assert parents[message] is cell and cell.get("data-label") == column
        table = parents[parents[parents[cell]]]  # td → tr → tbody → table
        assert table.get("class") == "lines"
        assert parents[table].get("class") == "table-scroll"


def _insertion_rows(count: int) -> dict:
    return {name: [value] * count for name, value in (
        ("beneficiary_ref", "B-001"), ("public_category", "RSA"), ("sex", "F"),
        ("age_band", "26_49"), ("execution_mode", "EMBAUCHE_DIRECTE"), ("hours", "35"))}


def test_added_lines_mark_the_first_new_line(client, db, login, post, world):
    """« Ajouter des lignes » with two lines typed: ten empty lines after them, the first one
    marked for portal.js to focus (through htmx: only the form comes back)."""
    declaration = world.declarations[0]
    login(world.holder)
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {"version": declaration.version, "action": "add_lines",
                     **_insertion_rows(2)}, headers={"HX-Request": "true"})
    root = parse(response.text)
    rows = list(next(root.iter(f"{HTML}tbody")).iter(f"{HTML}tr"))
    assert len(rows) == 12
    assert [i for i, row in enumerate(rows) if row.get("data-new-row") is not None] == [2]
    assert [td.get("data-label") for td in rows[2].iter(f"{HTML}td")] == [
        "Référence pseudonyme", "Public éligible", "Sexe", "Tranche d'âge",
        "Modalité d'exécution", "Heures"]


def test_every_page_loads_the_focus_script_after_htmx(client, db, login, world):
    login(world.holder)
    page = client.get("/fournisseur").text
    scripts = [e for e in parse(page).iter(f"{HTML}script")]
    assert [(s.get("src"), s.get("defer")) for s in scripts] == [
        ("/static/htmx.min.js", ""), ("/static/portal.js", "")]
    assert all(not (s.text or "").strip() for s in scripts)  # nothing inline (CSP)
    script = client.get("/static/portal.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "htmx:afterSettle" in script.text and ".error-summary" in script.text

