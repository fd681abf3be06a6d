"""AGEC declarations through HTTP: the life cycle, permissions and bad input."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portal import clock
from portal.models import Role
from supplier.models import Status
from tests import factories
from tests.agec_world import Q1_2023, Q1_2025, file, line, make_agec_world
from tests.conftest import visible_text


@pytest.fixture
def aw(db):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    return make_agec_world(db)


def _text(html: str) -> str:
    return visible_text(html).replace("&#39;", "'").replace("\u202f", " ").replace("\xa0", " ")


def form(version, *rows, action="save", comment=""):
    """The declaration form as the browser posts it: one row per category, parallel lists."""
    data = {"version": version, "action": action, "supplier_comment": comment,
            "category_code": [], "total_excl_vat": [], "reuse_excl_vat": [],
            "donation_excl_vat": [], "recycled_excl_vat": []}
    for code, total, reuse, donation, recycled in rows:
        for name, value in zip(("category_code", "total_excl_vat", "reuse_excl_vat",
                                "donation_excl_vat", "recycled_excl_vat"),
                               (code, total, reuse, donation, recycled), strict=True):
            data[name].append(value)
    return data


def test_the_form_offers_the_contract_categories_of_the_period_decree(client, db, login, aw):
    login(aw.holder)
    page = _text(client.get(f"/fournisseur/declarations/{aw.declarations[Q1_2025].id}").text)
    assert "décret n° 2024-134" in page
    assert "Produits textiles à l'exception des équipements de protection individuels" in page
    assert "Mobilier et aménagement d'intérieur" in page
    assert "Jeux et jouets" not in page and "Ligne 4" not in page
    page = _text(client.get(f"/fournisseur/declarations/{aw.declarations[Q1_2023].id}").text)
    assert "décret n° 2021-254" in page and "Ligne 4 : machines" in page
    assert "Ligne 3 : imprimés" in page and "Produits textiles" not in page


def test_without_a_category_of_the_decree_the_form_offers_them_all(client, db, login):
    other = make_agec_world(db, categories=["D2021_L04"])
    login(other.holder)
    page = _text(client.get(f"/fournisseur/declarations/{other.declarations[Q1_2025].id}").text)
    for label in ("Jeux et jouets", "Bocaux et flacons", "Papier", "Mobilier urbain"):
        assert label in page


def test_file_submit_return_resubmit_validate_locked(client, db, login, post, aw):
    declaration = aw.declarations[Q1_2025]
    url = f"/fournisseur/declarations/{declaration.id}"

    # The holder saves a draft in French formats; a category left empty is ignored.
    login(aw.holder)
    response = post(url, form(declaration.version,
                              ("D2024_TEXTILES", "1 250,50", "100", "", "300,25"),
                              ("D2024_MOBILIER", "", "", "", "")))
    assert response.status_code == 303
    db.refresh(declaration)
    assert declaration.status == Status.draft
    [saved] = declaration.agec_lines
    assert (saved.category_code, saved.total_excl_vat, saved.reuse_excl_vat,
            saved.donation_excl_vat, saved.recycled_excl_vat) == (
        "D2024_TEXTILES", Decimal("1250.50"), 100, 0, Decimal("300.25"))
    assert 'value="1\u202f250,50"' in client.get(url).text  # the draft, in the French format

    response = post(url, form(declaration.version,
                              ("D2024_TEXTILES", "1 250,50", "100", "", "300,25"),
                              action="submit"))
    assert response.status_code == 303
    db.refresh(declaration)
    assert declaration.status == Status.submitted
    page = client.get(url)
    assert "n'est plus modifiable" in _text(page.text) and "<form method=\"post\" action=\"/f" \
        not in page.text
    locked = post(url, form(declaration.version, ("D2024_TEXTILES", "9", "", "", "")))
    assert locked.status_code == 409 and "examen" in _text(locked.text)

    # The buyer sees the shares beside the 2025 minimums and returns it with a comment.
    client.cookies.clear()
    login(aw.buyer)
    review_page = _text(client.get(f"/acheteur/declarations/{declaration.id}").text)
    assert "1 250,50 € HT" in review_page
    assert "Réemploi ou réutilisation : 8,0 %" in review_page  # 100 / 1 250,50 = 7,996 %
    assert "minimum : 8,0 %" in review_page and "minimum : 20,0 %" in review_page
    response = post(f"/acheteur/declarations/{declaration.id}/renvoyer",
                    {"version": declaration.version, "comment": "Joindre les attestations."})
    assert response.status_code == 303
    db.refresh(declaration)
    assert declaration.status == Status.returned and len(declaration.agec_lines) == 1

    # The holder sees the comment and what was saved, corrects and resubmits.
    client.cookies.clear()
    login(aw.holder)
    page = client.get(url)
    assert "Joindre les attestations." in _text(page.text) and 'value="300,25"' in page.text
    response = post(url, form(declaration.version,
                              ("D2024_TEXTILES", "1 250,50", "150", "", "300,25"),
                              ("D2024_MOBILIER", "2 000", "800", "", ""), action="submit"))
    assert response.status_code == 303
    db.refresh(declaration)
    assert declaration.status == Status.submitted and len(declaration.agec_lines) == 2

    # The buyer validates: the declaration is locked for the holder.
    client.cookies.clear()
    login(aw.buyer)
    response = post(f"/acheteur/declarations/{declaration.id}/valider",
                    {"version": declaration.version})
    assert response.status_code == 303
    db.refresh(declaration)
    assert declaration.status == Status.validated
    client.cookies.clear()
    login(aw.holder)
    page = _text(client.get(url).text)
    assert "validée par l'acheteur" in page and "Mobilier et aménagement d'intérieur" in page
    assert "seuil à renseigner" in page  # furniture has no confirmed minimum
    locked = post(url, form(declaration.version, ("D2024_TEXTILES", "9", "", "", "")))
    assert locked.status_code == 409 and "validée" in _text(locked.text)
    db.refresh(declaration)
    assert declaration.agec_lines[0].reuse_excl_vat == 150


def test_the_same_life_cycle_through_the_api(db, api, aw):
    holder, buyer = api(aw.holder), api(aw.buyer)
    declaration = aw.declarations[Q1_2023]
    body = {"version": declaration.version, "lines": [
        {"category_code": "D2021_L04", "total_excl_vat": "15000", "reuse_excl_vat": "2400",
         "recycled_excl_vat": "900", "donation_excl_vat": "250"}]}
    saved = holder.put(f"/api/v1/declarations/{declaration.id}", json=body)
    assert saved.status_code == 200, saved.text
    content = saved.json()["content"]
    assert content["regime"] == "2021"
    assert content["lines"][0] == {
        "category_code": "D2021_L04", "category_label": content["lines"][0]["category_label"],
        "total_excl_vat": "15000.00", "reuse_excl_vat": "2400.00", "donation_excl_vat": "250.00",
        "recycled_excl_vat": "900.00", "reuse_share": "16.0", "donation_share": "1.7",
        "recycled_share": "6.0", "global_share": "22.0"}
    submitted = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                            json={"version": saved.json()["version"]})
    returned = buyer.post(f"/api/v1/declarations/{declaration.id}/return",
                          json={"version": submitted.json()["version"], "comment": "À revoir"})
    assert returned.json()["status"] == "returned"
    resubmitted = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                              json={"version": returned.json()["version"]})
    validated = buyer.post(f"/api/v1/declarations/{declaration.id}/validate",
                           json={"version": resubmitted.json()["version"]})
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    again = holder.put(f"/api/v1/declarations/{declaration.id}",
                       json={**body, "version": validated.json()["version"]})
    assert again.status_code == 409


def test_other_supplier_gets_404(client, db, login, post, api, aw):
    declaration = aw.declarations[Q1_2025]
    outsider = factories.make_user(db, Role.supplier)
    login(outsider)
    url = f"/fournisseur/declarations/{declaration.id}"
    assert client.get(url).status_code == 404
    assert post(url, form(declaration.version, ("D2024_TEXTILES", "10", "", "", ""),
                          action="submit")).status_code == 404
    assert client.get(f"/fournisseur/contrats/{aw.contract.id}").status_code == 404
    assert api(outsider).put(f"/api/v1/declarations/{declaration.id}", json={
        "version": declaration.version, "lines": []}).status_code == 404
    db.refresh(declaration)
    assert declaration.status == Status.expected and declaration.agec_lines == []


def test_other_buyer_gets_404(client, db, login, post, api, aw):
    declaration = file(db, aw, Q1_2025, line("D2024_TEXTILES", 100, 10), status=Status.submitted)
    outsider = factories.make_user(db, Role.buyer)
    login(outsider)
    assert client.get(f"/acheteur/declarations/{declaration.id}").status_code == 404
    assert client.get(f"/acheteur/contrats/{aw.contract.id}").status_code == 404
    response = post(f"/acheteur/declarations/{declaration.id}/valider",
                    {"version": declaration.version})
    assert response.status_code == 404
    assert api(outsider).post(f"/api/v1/declarations/{declaration.id}/validate",
                              json={"version": declaration.version}).status_code == 404
    db.refresh(declaration)
    assert declaration.status == Status.submitted


@pytest.fixture
def saved(db, aw):
    """A 2025 draft already holding one textiles line."""
    return file(db, aw, Q1_2025, line("D2024_TEXTILES", 1000, 100, 0, 200), status=Status.draft)


def _still_saved(db, declaration):
    db.expire_all()
    assert declaration.status == Status.draft
    assert [(x.category_code, x.total_excl_vat, x.reuse_excl_vat) for x in
            declaration.agec_lines] == [("D2024_TEXTILES", 1000, 100)]


@pytest.mark.parametrize(("rows", "message"), [
    ([("D2024_TEXTILES", "1 000", "1 500", "", "")],
     "Ligne 1, réemploi ou réutilisation : Le montant issu du réemploi ou de la réutilisation "
     "(1 500,00 € HT) dépasse le montant total de la ligne (1 000,00 € HT)."),
    ([("D2024_TEXTILES", "1 000", "", "", "1 000,01")],
     "Le montant intégrant des matières recyclées (1 000,01 € HT) dépasse le montant total"),
    ([("D2024_TEXTILES", "1 000", "600", "", "600")],
     "un même achat ne se compte que dans une seule part"),
    ([("D2024_TEXTILES", "1 000", "", "", "-5")],
     "Ligne 1, matières recyclées : La valeur ne peut pas être négative."),
    ([("D2024_TEXTILES", "", "50", "", "")], "Indiquez le montant total HT"),
    ([("D2024_TEXTILES", "mille", "", "", "")], "Saisissez un nombre"),
    ([("D2024_INCONNUE", "100", "", "", "")], "Catégorie AGEC inconnue : « D2024_INCONNUE »"),
    ([("D2021_L04", "100", "", "", "")], "Cette catégorie relève du décret 2021-254, abrogé"),
    ([("D2024_TEXTILES", "100", "", "", ""), ("D2024_TEXTILES", "50", "", "", "")],
     "Ligne 2, catégorie : Cette catégorie figure déjà à la ligne 1"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_lost(
        client, db, login, post, aw, saved, rows, message):
    login(aw.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    form(saved.version, *rows, action="submit", comment="Mon commentaire"))
    assert response.status_code == 422
    text = _text(response.text)
    assert "La déclaration n'a pas été enregistrée" in text
    assert message in text
    assert "Mon commentaire" in text
    # What was typed stays in the form, as an amount in the French format.
    shown = {"1 000": "1\u202f000,00", "100": "100,00"}.get(rows[0][1], rows[0][1])
    assert f'value="{shown}"' in response.text
    assert 'aria-invalid="true"' in response.text
    _still_saved(db, saved)


def test_bad_input_through_the_api_names_the_line(db, api, aw, saved):
    response = api(aw.holder).put(f"/api/v1/declarations/{saved.id}", json={
        "version": saved.version, "lines": [
            {"category_code": "D2024_TEXTILES", "total_excl_vat": "100"},
            {"category_code": "D2024_MOBILIER", "total_excl_vat": "100",
             "donation_excl_vat": "120"}]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"lines.1.donation_excl_vat": (
        "Le montant des dons (120,00\xa0€ HT) dépasse le montant total de la ligne "
        "(100,00\xa0€ HT).")}
    negative = api(aw.holder).put(f"/api/v1/declarations/{saved.id}", json={
        "version": saved.version, "lines": [
            {"category_code": "D2024_TEXTILES", "total_excl_vat": "100",
             "reuse_excl_vat": "-1"}]})
    assert negative.status_code == 422
    assert negative.json()["errors"] == {
        "lines.0.reuse_excl_vat": "La valeur ne peut pas être négative."}
    _still_saved(db, saved)
