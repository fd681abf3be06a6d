"""A beneficiary reference that could identify the person is refused, with the reason, on the
declaration form and in the API; pseudonyms pass."""

import pytest

from supplier.models import Status
from supplier.pseudonym import DATE, EMAIL, NAME, NIR, PHONE, identifying_reason
from tests.conftest import visible_text

ROW = {"beneficiary_ref": "B-1", "public_category": "RSA", "sex": "F", "age_band": "26_49",
       "execution_mode": "ETTI", "hours": "35"}

IDENTIFYING = [
    ("1850578OO6O8436", NIR),  # letter O for zero
    ("l85O5751234567", NIR),  # l for one, no key
    ("1 85 05 75 123 456 78", NIR),
    ("1.85.05.75.123.456-78", NIR),
    ("2-85-05-2A-123-456", NIR),  # Corsica
    ("B-185057512345678", NIR),
    ("Jean Dupont", NAME),
    ("DUPONT Jean", NAME),
    ("Jean-Pierre N'Diaye", NAME),
    ("J. Dupont", NAME),
    ("12/03/1985", DATE),
    ("12-03-85", DATE),
    ("1985-03-12", DATE),
    ("12 mars 1985", DATE),
    ("1er août 1990", DATE),
    ("B-12031985", DATE),
    ("jean.dupont@exemple.fr", EMAIL),
    ("06 12 34 56 78", PHONE),
    ("06.12.34.56.78", PHONE),
    ("+33 6 12 34 56 78", PHONE),
    ("O6-12-34-56-78", PHONE),
]
PSEUDONYMS = ["B-017", "A-2", "TAPÉ-1", "BEN-2025-0001", "LOT-2025-017", "Lot A", "T1-2025",
              "B01-003", "ref b17"]


@pytest.mark.parametrize(("reference", "reason"), IDENTIFYING)
def test_what_identifies_a_person_is_recognised(reference, reason):
    assert identifying_reason(reference) == reason


@pytest.mark.parametrize("reference", PSEUDONYMS)
def test_pseudonyms_pass(reference):
    assert identifying_reason(reference) is None


def _still_saved(db, declaration):
    db.expire_all()
    assert declaration.status == Status.draft
    assert [line.beneficiary_ref for line in declaration.insertion_lines] == ["B-001"]


BY_HTTP = [("1850578OO6O8436", NIR, "NIR"), ("Jean Dupont", NAME, "nom de personne"),
           ("12 mars 1985", DATE, "date de naissance"),
           ("jean.dupont@exemple.fr", EMAIL, "adresse e-mail"),
           ("06 12 34 56 78", PHONE, "numéro de téléphone")]


@pytest.mark.parametrize(("reference", "reason", "why"), BY_HTTP)
def test_the_form_refuses_it_and_says_why(client, db, login, post, world, saved, reference,
                                          reason, why):
    login(world.holder)
    response = post(f"/fournisseur/declarations/{saved.id}",
                    {**ROW, "beneficiary_ref": reference, "version": saved.version,
                     "action": "submit"})
    assert response.status_code == 422
    page = visible_text(response.text).replace("&#39;", "'")
    assert "Ligne 1" in page and why in page and "« B-017 »" in page
    assert reason in response.text.replace("&#39;", "'")
    assert f'value="{reference}"' in response.text  # shown again, to be corrected
    _still_saved(db, saved)


@pytest.mark.parametrize(("reference", "reason", "why"), BY_HTTP)
def test_the_api_refuses_it_and_says_why(db, api, world, saved, reference, reason, why):
    response = api(world.holder).put(f"/api/v1/declarations/{saved.id}", json={
        "version": saved.version, "lines": [{**ROW, "beneficiary_ref": reference}]})
    assert response.status_code == 422
    assert response.json()["errors"]["lines.0.beneficiary_ref"] == reason
    _still_saved(db, saved)


def test_a_pseudonym_is_saved(db, api, world, saved):
    response = api(world.holder).put(f"/api/v1/declarations/{saved.id}", json={
        "version": saved.version, "lines": [{**ROW, "beneficiary_ref": "BEN-2025-0001"}]})
    assert response.status_code == 200, response.text
    assert [line["beneficiary_ref"] for line in response.json()["content"]["lines"]] == [
        "BEN-2025-0001"]
