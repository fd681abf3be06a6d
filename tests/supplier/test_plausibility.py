"""Plausibility flags: a line above what one person works in the period, or a declaration far
above the contract's pace, is warned about before filing and needs a comment to be submitted;
the buyer reads the flags and their answers. Through HTTP.

The world's contract: 2025, quarterly, 1 000 h. A quarter: 3 × 151,67 = 455,01 h per person;
the first quarter expects 1 000 × 90 / 365 = 246,58 h, so the pace flag is above 739,74 h."""

from decimal import Decimal

from supplier import plausibility
from supplier.models import Status
from tests import factories
from tests.conftest import visible_text

ROW = {"beneficiary_ref": "B-1", "public_category": "RSA", "sex": "F", "age_band": "26_49",
       "execution_mode": "ETTI"}
LINE_WARNING = "plus que ce qu\u2019une personne peut travailler"


def _rows(*rows: dict) -> dict:
    """Parallel form lists of several rows."""
    return {name: [row.get(name, "") for row in rows]
            for name in (*ROW, "hours", "flag_comment")}


def _text(response) -> str:
    return visible_text(response.text).replace("&#39;", "'").replace("'", "\u2019")


def _page(client, declaration):
    return client.get(f"/fournisseur/declarations/{declaration.id}")


def test_a_flagged_line_is_warned_about_when_the_draft_is_saved(client, db, login, post, world):
    login(world.holder)
    declaration = world.declarations[0]
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **_rows({**ROW, "hours": "500"}, {**ROW, "beneficiary_ref": "B-2", "hours": "35"}),
        "version": declaration.version, "action": "save"})
    assert response.status_code == 303
    text = _text(_page(client, declaration))
    assert "Heures inhabituelles, ligne 1" in text
    assert "500,00 h déclarées sur cette ligne" in text
    assert "(455,01 h)" in text
    assert "ligne 2 :" not in text
    assert 'id="lines.0.flag_comment"' in _page(client, declaration).text


def test_submitting_without_the_comment_is_refused_and_keeps_what_was_typed(
        client, db, login, post, world):
    login(world.holder)
    declaration = world.declarations[0]
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **_rows({**ROW, "hours": "35"}, {**ROW, "beneficiary_ref": "B-9", "hours": "480,5"}),
        "version": declaration.version, "action": "submit",
        "supplier_comment": "Mon commentaire"})
    assert response.status_code == 422
    text = _text(response)
    assert "La déclaration n\u2019a pas été déposée" in text and "ligne 2" in text
    assert "480,50 h pour 455,01 h au plus par personne sur la période : expliquez-le" in text
    assert 'id="lines.1.flag_comment-error"' in response.text
    # Everything typed stays: the lines, the hours, the comment.
    assert 'value="B-9"' in response.text and 'value="480,50"' in response.text
    assert "Mon commentaire" in response.text
    db.expire_all()
    assert declaration.status == Status.expected and declaration.insertion_lines == []


def test_with_the_comment_it_is_submitted_and_the_buyer_reads_flag_and_answer(
        client, db, login, post, world):
    login(world.holder)
    declaration = world.declarations[0]
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **_rows({**ROW, "hours": "500", "flag_comment": "Deux postes à temps plein cumulés."}),
        "version": declaration.version, "action": "submit"})
    assert response.status_code == 303, response.text
    db.expire_all()
    assert declaration.status == Status.submitted
    assert declaration.insertion_lines[0].flag_comment == "Deux postes à temps plein cumulés."

    client.cookies.clear()
    login(world.buyer)
    text = _text(client.get(f"/acheteur/declarations/{declaration.id}"))
    assert "Heures signalées comme inhabituelles" in text
    assert "B-1 500,00 h 455,01 h Deux postes à temps plein cumulés." in text


def test_the_pace_flag_needs_its_own_comment(client, db, login, post, world):
    login(world.holder)
    declaration = world.declarations[0]
    # Two people at 400 h each: no line above 455,01 h, but 800 h > 3 × 246,58 h.
    rows = _rows({**ROW, "hours": "400"}, {**ROW, "beneficiary_ref": "B-2", "hours": "400"})
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **rows, "version": declaration.version, "action": "submit"})
    assert response.status_code == 422
    text = _text(response)
    assert "rythme de la déclaration" in text and "Rythme inhabituel" in text
    assert "246,58 h attendues, seuil 739,74 h" in text
    assert "Heures inhabituelles, ligne" not in text

    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **rows, "version": declaration.version, "action": "submit",
        "pace_comment": "Chantier concentré sur le premier trimestre."})
    assert response.status_code == 303, response.text
    db.expire_all()
    assert declaration.status == Status.submitted
    assert declaration.pace_comment == "Chantier concentré sur le premier trimestre."
    client.cookies.clear()
    login(world.buyer)
    text = _text(client.get(f"/acheteur/declarations/{declaration.id}"))
    assert "Rythme : 800,00 h déclarées" in text
    assert "Chantier concentré sur le premier trimestre." in text


def test_a_normal_declaration_is_not_flagged(client, db, login, post, world):
    login(world.holder)
    declaration = world.declarations[0]
    response = post(f"/fournisseur/declarations/{declaration.id}", {
        **_rows({**ROW, "hours": "455,01"}, {**ROW, "beneficiary_ref": "B-2", "hours": "200"}),
        "version": declaration.version, "action": "submit"})
    assert response.status_code == 303, response.text
    db.expire_all()
    assert declaration.status == Status.submitted
    assert not plausibility.of_declaration(db, declaration)
    client.cookies.clear()
    login(world.buyer)
    assert "inhabituelles" not in client.get(f"/acheteur/declarations/{declaration.id}").text


def test_merged_lines_are_prorated_by_their_count(db, world):
    declaration = world.declarations[0]
    lines = [plausibility.Line(Decimal("900"), None, None, line_count=2),
             plausibility.Line(Decimal("456"), "B-3")]
    flags = plausibility.assess(db, declaration, lines, None)
    assert [flag.number for flag in flags.lines] == [2]


def test_the_api_refuses_with_422_naming_the_lines_and_shows_the_flags(db, api, world):
    holder = api(world.holder)
    declaration = world.declarations[0]
    line = {**ROW, "hours": "35"}
    body = {"version": declaration.version, "lines": [line, {**line, "hours": "600"}]}
    response = holder.put(f"/api/v1/declarations/{declaration.id}", json=body)
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["flags"] == [{
        "kind": "line", "line": 2, "beneficiary_ref": "B-1", "hours": "600.00",
        "limit": "455.01", "expected_hours": None, "comment": None,
        "message": saved["flags"][0]["message"]}]
    response = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                           json={"version": saved["version"]})
    assert response.status_code == 422
    assert "ligne 2" in response.json()["detail"]
    assert list(response.json()["errors"]) == ["lines.1.flag_comment"]

    body["version"] = saved["version"]
    body["lines"][1]["flag_comment"] = "Cumul de deux missions."
    saved = holder.put(f"/api/v1/declarations/{declaration.id}", json=body).json()
    response = holder.post(f"/api/v1/declarations/{declaration.id}/submit",
                           json={"version": saved["version"]})
    assert response.status_code == 200, response.text
    out = api(world.buyer).get(f"/api/v1/declarations/{declaration.id}").json()
    assert [(f["line"], f["comment"]) for f in out["flags"]] == [(2, "Cumul de deux missions.")]
    assert out["content"]["lines"][1]["flag_comment"] == "Cumul de deux missions."


def test_the_openapi_document_describes_the_answers(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "flag_comment" in schemas["InsertionLineIn"]["properties"]
    assert "pace_comment" in schemas["InsertionDeclarationIn"]["properties"]
    assert "flags" in schemas["DeclarationOut"]["properties"]


def test_factories_still_file_ordinary_hours(db, world):
    factories.submit(db, world.declarations[1], world.holder, factories.line(hours=120))
    assert world.declarations[1].status == Status.submitted
