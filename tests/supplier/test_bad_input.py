"""Bad input gets a clear French 4xx, keeps what was typed and loses nothing already saved."""

from urllib.parse import urlencode

import pytest

from supplier.models import Status

ROW = {"beneficiary_ref": "B-1", "public_category": "RSA", "sex": "F", "age_band": "26_49",
       "execution_mode": "ETTI", "hours": "35"}


def _still_saved(db, declaration):
    db.expire_all()
    assert declaration.status == Status.draft
    assert [(line.beneficiary_ref, line.hours) for line in declaration.insertion_lines] == [
        ("B-001", 35)]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("hours", "-4", "La valeur doit être supérieure à 0."),
    ("hours", "douze", "Saisissez un nombre (par exemple 12,5)."),
    ("public_category", "MARTIEN", "Choisissez une valeur de la liste."),
    ("beneficiary_ref", "1 85 05 75 123 456 78", "jamais un numéro de sécurité sociale"),
])
def test_bad_line_is_refused_on_the_page_and_what_was_typed_stays(
        client, db, login, post, world, saved, field, value, message):
    login(world.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, field: value, "version": saved.version, "action": "submit",
                     "supplier_comment": "Mon commentaire"})
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'")
    assert "Ligne 1" in response.text
    assert "Mon commentaire" in response.text
    # What was typed stays (a number in the French format, hours with their hundredths).
    kept = {"-4": "-4,00"}.get(value, value) if field in ("hours", "beneficiary_ref") else "B-1"
    assert f'value="{kept}"' in response.text
    _still_saved(db, saved)


def test_htmx_gets_only_the_form_back(client, db, login, post, world, saved):
    login(world.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, "hours": "-1", "version": saved.version},
                    headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="declaration_form">')
    assert "<html" not in response.text


def test_ten_thousand_lines_are_refused_with_a_message(client, db, login, world, saved):
    from tests.conftest import csrf_token

    login(world.holder)
    rows = [(name, value) for _ in range(10_000) for name, value in ROW.items()]
    body = urlencode([*rows, ("version", str(saved.version)), ("action", "save"),
                      ("csrf_token", csrf_token(client))])
    response = client.post(f"/fournisseur/declarations/{saved.id}", content=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code in (413, 422)
    assert "2 000 lignes" in response.text.replace("\u202f", " ")
    _still_saved(db, saved)


def test_ten_thousand_lines_through_the_api(db, api, world, saved):
    line = {**ROW, "hours": 35}
    response = api(world.holder).put(f"/api/v1/declarations/{saved.id}",
                                     json={"version": saved.version, "lines": [line] * 10_000})
    assert response.status_code == 422
    assert response.json()["errors"]["lines"] == "Pas plus de 2000 éléments."
    _still_saved(db, saved)


def test_a_one_megabyte_text_field_is_refused(client, db, login, post, world, saved):
    login(world.holder)
    huge = "x" * 1_000_000
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, "supplier_comment": huge, "version": saved.version,
                     "action": "save"})
    assert response.status_code == 422
    assert "ne peut pas dépasser 2000 caractères" in response.text
    _still_saved(db, saved)


def test_a_request_above_the_size_limit_is_refused_before_reading(client, db, login, post,
                                                                  world, saved):
    login(world.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, "supplier_comment": "x" * 3_000_000, "version": saved.version})
    assert response.status_code == 413
    assert "trop volumineuse" in response.text
    _still_saved(db, saved)


def test_malformed_json_gets_a_french_422(db, api, world, saved):
    response = api(world.holder).put(f"/api/v1/declarations/{saved.id}",
                                     content=b'{"version": 1, "lines": [')
    assert response.status_code == 422
    assert response.json()["detail"] == "Données invalides."
    assert "JSON valide" in str(response.json()["errors"])
    _still_saved(db, saved)


@pytest.mark.parametrize(("change", "key"), [
    ({"hours": -3}, "lines.0.hours"),
    ({"hours": False}, "lines.0.hours"),
    ({"public_category": "INCONNU"}, "lines.0.public_category"),
    ({"beneficiary_ref": "y" * 1_000}, "lines.0.beneficiary_ref"),
])
def test_bad_lines_through_the_api(db, api, world, saved, change, key):
    response = api(world.holder).put(f"/api/v1/declarations/{saved.id}",
                                     json={"version": saved.version,
                                           "lines": [{**ROW, **change}]})
    assert response.status_code == 422
    assert key in response.json()["errors"]
    _still_saved(db, saved)


def test_stale_form_keeps_what_was_typed(client, db, login, post, world, saved):
    login(world.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, "beneficiary_ref": "TAPÉ-1", "version": saved.version - 1,
                     "action": "save"})
    assert response.status_code == 409
    assert "modifiée entre-temps" in response.text and 'value="TAPÉ-1"' in response.text
    _still_saved(db, saved)


def test_html_typed_anywhere_is_shown_as_text(client, db, login, post, world):
    declaration = world.declarations[0]
    login(world.holder)
    script = "<script>alert('x')</script>"
    response = post(f"/fournisseur/declarations/{declaration.id}",
                    {**ROW, "beneficiary_ref": "<b>ref</b>", "supplier_comment": script,
                     "version": declaration.version, "action": "submit"})
    assert response.status_code == 303
    client.cookies.clear()
    login(world.buyer)
    page = client.get(f"/acheteur/declarations/{declaration.id}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>ref</b>" not in page and "&lt;b&gt;ref&lt;/b&gt;" in page
    db.refresh(declaration)
    response = post(f"/acheteur/declarations/{declaration.id}/renvoyer",
                    {"version": declaration.version, "comment": '<img src=x onerror="a()">'})
    client.cookies.clear()
    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{declaration.id}").text
    assert "<img src=x" not in page and "&lt;img src=x" in page
