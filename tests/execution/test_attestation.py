"""The insertion attestation a holder downloads, and the public check of its verification code."""

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from execution.reports.attestation import ALPHABET, UNKNOWN_CODE
from execution.reports.models import Attestation
from execution.review import service as review
from portal.models import Role
from tests import factories
from tests.conftest import visible_text
from tests.execution.report_world import BUYER_NAME, HOLDER_NAME, build, pdf_text

CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


@pytest.fixture
def report_world(db):
    return build(db)


def page_text(response) -> str:
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


def download(client, world) -> tuple[str, str]:
    """(text of the PDF, its verification code)."""
    response = client.get(f"/fournisseur/contrats/{world.contract.id}/attestation.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    return text, CODE.search(text).group(1)


def log_out(client):
    client.cookies.clear()


def tampered(code: str) -> str:
    """The same code with one character changed."""
    position = 5  # a character of the second group
    other = next(ch for ch in ALPHABET if ch != code[position])
    return code[:position] + other + code[position + 1:]


def test_the_holder_downloads_an_attestation_of_the_validated_hours(client, login,
                                                                    report_world):
    login(report_world.holder)
    page = client.get(f"/fournisseur/contrats/{report_world.contract.id}")
    assert f'href="/fournisseur/contrats/{report_world.contract.id}/attestation.pdf"' \
        in page.text
    text, code = download(client, report_world)
    assert "Attestation de réalisation d'heures d'insertion" in text
    assert HOLDER_NAME in text and BUYER_NAME in text and "INS-2025-01" in text
    # 120 h + 80 h validated; the 40 h still under review are not attested.
    assert "200 h" in text and "240 h" not in text
    assert "du 01/01/2025 au 30/06/2025" in text
    assert "Délivrée le 02/02/2026" in text
    assert f"/verification/{code}" in text


def test_anyone_can_check_the_code_without_logging_in(client, login, report_world):
    login(report_world.holder)
    _text, code = download(client, report_world)
    log_out(client)
    response = client.get(f"/verification/{code}")
    assert response.status_code == 200
    text = page_text(response)
    assert f"Attestation authentique — code {code}" in text
    assert HOLDER_NAME in text and BUYER_NAME in text
    assert "200 h" in text and "du 01/01/2025 au 30/06/2025" in text


def test_the_form_accepts_the_code_as_people_type_it(client, login, report_world):
    login(report_world.holder)
    _text, code = download(client, report_world)
    log_out(client)
    assert client.get("/verification").status_code == 200
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    response = client.get("/verification", params={"code": typed})
    assert response.status_code == 303
    assert response.headers["location"] == f"/verification/{code}"
    assert client.get(response.headers["location"]).status_code == 200


@pytest.mark.parametrize("make_code", [tampered, lambda code: "ABCD", lambda code: "é" * 12])
def test_a_tampered_or_unknown_code_is_rejected(client, login, report_world, make_code):
    login(report_world.holder)
    _text, code = download(client, report_world)
    log_out(client)
    bad = make_code(code)
    for response in (client.get(f"/verification/{bad}"),
                     client.get("/verification", params={"code": bad},
                                follow_redirects=True)):
        assert response.status_code == 404
        text = page_text(response)
        assert UNKNOWN_CODE in text
        assert "Attestation authentique" not in text and HOLDER_NAME not in text
        assert 'aria-invalid="true"' in response.text


def test_an_attestation_altered_in_the_database_no_longer_verifies(client, db, login,
                                                                   report_world):
    login(report_world.holder)
    _text, code = download(client, report_world)
    attestation = db.scalar(select(Attestation))
    attestation.hours = Decimal("2000")
    db.commit()
    response = client.get(f"/verification/{code}")
    assert response.status_code == 404 and UNKNOWN_CODE in page_text(response)


def test_the_same_facts_give_the_same_code_and_new_hours_a_new_one(client, db, login,
                                                                   report_world):
    login(report_world.holder)
    _text, first = download(client, report_world)
    assert download(client, report_world)[1] == first
    assert db.scalar(select(func.count()).select_from(Attestation)) == 1
    third = report_world.declarations[2]
    db.refresh(third)
    review.validate(db, third.id, reviewer=report_world.buyer, version=third.version)
    db.commit()
    text, second = download(client, report_world)
    assert second != first and "240 h" in text and "au 30/09/2025" in text
    # The first attestation still verifies, with what it attested then.
    assert "200 h" in page_text(client.get(f"/verification/{first}"))
    assert "240 h" in page_text(client.get(f"/verification/{second}"))


def test_only_the_holder_gets_the_attestation(client, db, login, report_world):
    co_holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, report_world.buyer, report_world.holder.organisation,
                                       co_holder_ids=[co_holder.organisation.id])
    for url in (f"/fournisseur/contrats/{report_world.contract.id}/attestation.pdf",
                f"/fournisseur/contrats/{contract.id}/attestation.pdf"):
        login(factories.make_user(db, Role.supplier))  # another supplier
        assert client.get(url).status_code == 404
    login(co_holder)
    page = client.get(f"/fournisseur/contrats/{contract.id}")
    assert page.status_code == 200 and "attestation.pdf" not in page.text
    assert client.get(f"/fournisseur/contrats/{contract.id}/attestation.pdf"
                      ).status_code == 404
    login(report_world.buyer)
    assert client.get(f"/fournisseur/contrats/{report_world.contract.id}/attestation.pdf"
                      ).status_code == 403
    assert db.scalar(select(func.count()).select_from(Attestation)) == 0


def test_no_attestation_before_a_validation_or_without_insertion(client, db, login,
                                                                 report_world):
    fresh = factories.make_contract(db, report_world.buyer, report_world.holder.organisation)
    without = factories.make_contract(db, report_world.buyer, report_world.holder.organisation,
                                      insertion=None)
    login(report_world.holder)
    page = client.get(f"/fournisseur/contrats/{fresh.id}")
    assert "attestation.pdf" not in page.text
    assert "sera disponible quand l'acheteur aura validé des heures" in page_text(page)
    response = client.get(f"/fournisseur/contrats/{fresh.id}/attestation.pdf")
    assert response.status_code == 409
    assert "Aucune déclaration d'heures d'insertion n'a encore été validée" in \
        page_text(response)
    assert client.get(f"/fournisseur/contrats/{without.id}/attestation.pdf"
                      ).status_code == 404
    assert "attestation.pdf" not in client.get(f"/fournisseur/contrats/{without.id}").text
