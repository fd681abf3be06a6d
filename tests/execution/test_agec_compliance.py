"""AGEC shares against the decree minimums, on figures checked by hand, for both decrees."""

import re
from datetime import UTC, datetime

import pytest

from portal import clock
from supplier.models import Status
from tests.agec_world import (
    Q1_2023,
    Q1_2025,
    Q2_2023,
    Q2_2024,
    Q2_2025,
    Q3_2023,
    Q3_2024,
    file,
    line,
    make_agec_world,
)
from tests.conftest import visible_text


@pytest.fixture
def aw(db):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    return make_agec_world(db)


def _rows(html: str) -> dict[str, str]:
    """Each table row's visible text, keyed by its first cell (the category)."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        text = visible_text(row).replace("&#39;", "'").replace("\u202f", " ").replace("\xa0", " ")
        header = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if header:
            rows.setdefault(visible_text(header.group(1)).replace("&#39;", "'"), text)
    return rows


def _captions(html: str) -> list[str]:
    return [visible_text(c) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", html, flags=re.S)]


def test_2021_decree_global_share_and_of_which_reuse(client, db, login, aw):
    # Line 4 (IT equipment), confirmed minimums: 20 % global, of which 20 % reuse.
    # 2023: Q1 10 000 € (reuse 1 500, recycled 600) + Q2 5 000 € (reuse 900, recycled 300,
    # donations 250) = 15 000 €, reuse 2 400, recycled 900, donations 250.
    #   global share = (2 400 + 900) / 15 000 = 22,0 %  ≥ 20 % → met
    #   of which reuse = 2 400 / 15 000     = 16,0 %  < 20 % → not met: the line is not met
    #   donations = 250 / 15 000 = 1,67 % → « 1,7 % », for information only.
    # Line 3 (printed matter), 40 % of which 0 %: 2 000 €, recycled 900 → 45,0 % and 0,0 %: met.
    # Q3 2023 is only submitted: not counted.
    file(db, aw, Q1_2023, line("D2021_L04", 10000, 1500, 0, 600),
         line("D2021_L03", 2000, 0, 0, 900))
    file(db, aw, Q2_2023, line("D2021_L04", 5000, 900, 250, 300))
    file(db, aw, Q3_2023, line("D2021_L04", 90000, 90000), status=Status.submitted)
    login(aw.buyer)
    html = client.get(f"/acheteur/contrats/{aw.contract.id}").text
    assert "Année 2023 — décret n° 2021-254" in " ".join(_captions(html))
    rows = _rows(html)
    it = next(text for label, text in rows.items() if label.startswith("Ligne 4"))
    assert "15 000,00 € HT" in it
    assert "22,0 % 20,0 % Atteint" in it   # global share beside its minimum
    assert "16,0 % 20,0 % Non atteint" in it  # of which reuse
    assert "1,7 %" in it
    assert it.endswith("Non atteint")
    printed = next(text for label, text in rows.items() if label.startswith("Ligne 3"))
    assert "45,0 % 40,0 % Atteint" in printed and "0,0 % 0,0 % Atteint" in printed
    assert printed.endswith("Atteint") and "Non atteint" not in printed


def test_2024_decree_reuse_and_recycled_with_the_2024_step(client, db, login, aw):
    # Textiles, confirmed step 2024 (8 % reuse, 20 % recycled) still in force in 2025.
    # 2025: Q1 8 000 € (reuse 700, recycled 1 800, donations 400) + Q2 4 000 € (reuse 380,
    # recycled 700) = 12 000 €, reuse 1 080, recycled 2 500, donations 400.
    #   reuse    = 1 080 / 12 000 = 9,0 %   ≥ 8 %  → met
    #   recycled = 2 500 / 12 000 = 20,83 % → « 20,8 % » ≥ 20 % → met: the category is met.
    #   donations = 400 / 12 000 = 3,33 % → « 3,3 % », not added to reuse (it would be 12,3 %).
    # Furniture has no confirmed minimum: 3 000 €, reuse 1 500 (50,0 %), recycled 600 (20,0 %)
    # is shown « seuil à renseigner » and never met.
    file(db, aw, Q1_2025, line("D2024_TEXTILES", 8000, 700, 400, 1800),
         line("D2024_MOBILIER", 3000, 1500, 0, 600))
    file(db, aw, Q2_2025, line("D2024_TEXTILES", 4000, 380, 0, 700))
    login(aw.buyer)
    html = client.get(f"/acheteur/contrats/{aw.contract.id}").text
    assert "Année 2025 — décret n° 2024-134" in " ".join(_captions(html))
    rows = _rows(html)
    textiles = rows["Produits textiles à l'exception des équipements de protection individuels"]
    assert "12 000,00 € HT" in textiles
    assert "9,0 % 8,0 % Atteint" in textiles
    assert "20,8 % 20,0 % Atteint" in textiles
    assert "3,3 %" in textiles and "12,3 %" not in textiles
    assert textiles.endswith("Atteint") and "Non atteint" not in textiles
    furniture = rows["Mobilier et aménagement d'intérieur"]
    assert "50,0 % seuil à renseigner" in furniture and "20,0 % seuil à renseigner" in furniture
    assert furniture.endswith("Seuil à renseigner")
    assert "Atteint" not in furniture  # an empty threshold is never counted as met
    # The supplier's contract page shows the same figures.
    client.cookies.clear()
    login(aw.holder)
    assert "9,0 %" in visible_text(client.get(f"/fournisseur/contrats/{aw.contract.id}").text)


def test_2024_is_split_between_the_two_decrees(client, db, login, aw):
    # Q2 2024 ends before 1 July 2024: line 4 of the 2021 decree (1 000 €, reuse 250 → 25,0 %
    # global and reuse, both ≥ 20 %). Q3 2024: textiles at the 2024 step (1 000 €, reuse 50 →
    # 5,0 % < 8 %, recycled 300 → 30,0 % ≥ 20 %): not met.
    file(db, aw, Q2_2024, line("D2021_L04", 1000, 250))
    file(db, aw, Q3_2024, line("D2024_TEXTILES", 1000, 50, 0, 300))
    login(aw.buyer)
    html = client.get(f"/acheteur/contrats/{aw.contract.id}").text
    captions = _captions(html)
    assert any("Année 2024 — décret n° 2021-254" in c for c in captions)
    assert any("Année 2024 — décret n° 2024-134" in c for c in captions)
    rows = _rows(html)
    it = next(text for label, text in rows.items() if label.startswith("Ligne 4"))
    assert "25,0 % 20,0 % Atteint" in it and it.endswith("Atteint") and "Non" not in it
    textiles = rows["Produits textiles à l'exception des équipements de protection individuels"]
    assert "5,0 % 8,0 % Non atteint" in textiles and "30,0 % 20,0 % Atteint" in textiles
    assert textiles.endswith("Non atteint")


def test_no_validated_declaration_yet(client, db, login, aw):
    file(db, aw, Q1_2025, line("D2024_TEXTILES", 100, 10), status=Status.submitted)
    login(aw.buyer)
    page = visible_text(client.get(f"/acheteur/contrats/{aw.contract.id}").text)
    assert "Aucune déclaration AGEC validée pour le moment." in page


def test_the_contract_register_refuses_an_unknown_category(client, db, login, post, aw, api):
    login(aw.buyer)
    response = post("/acheteur/contrats/nouveau", {
        "reference": "F-2025-9", "object": "Fourniture de mobilier", "kind": "market",
        "nature": "supplies", "cpv_code": "", "amount_excl_vat": "",
        "notified_on": "2024-12-01", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "frequency": "quarterly", "holder_id": aw.holder.organisation_id, "has_agec": "on",
        "agec_categories": ["D2024_MOBILIER", "D2024_LICORNES"]})
    assert response.status_code == 422
    assert "Catégorie AGEC inconnue : D2024_LICORNES" in response.text
    assert 'value="D2024_MOBILIER" checked' in response.text  # the choice is kept
    created = api(aw.buyer).post("/api/v1/contracts", json={
        "reference": "F-2025-10", "object": "Fourniture de mobilier", "nature": "supplies",
        "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "holder_id": aw.holder.organisation_id, "agec": {"categories": ["D2024_LICORNES"]}})
    assert created.status_code == 422
    assert "Catégorie AGEC inconnue" in created.text
