"""A draft is the holder's workspace: the buyer's side (its agents, the administrator) learns
that it exists and its status, never its lines or comment, on the pages, in the lists or through
the API; and every « heures déclarées » counts filed declarations only (submitted, validated)."""

from decimal import Decimal

import pytest

from portal.formatting import hours
from portal.models import Role
from supplier import service
from supplier.schemas import InsertionDeclarationIn
from tests import factories
from tests.conftest import visible_text
from tests.htmx import HTML, parse

SECRET_REF, SECRET_COMMENT = "BROUILLON-07", "Chiffres provisoires, à confirmer"


def _draft(db, world, declaration, hours_=Decimal("40")):
    service.save_draft(db, declaration.id, InsertionDeclarationIn(
        version=declaration.version, supplier_comment=SECRET_COMMENT,
        lines=[factories.line(beneficiary_ref=SECRET_REF, hours=hours_)]), user=world.holder)
    db.commit()
    return declaration


@pytest.fixture
def draft(db, world):
    return _draft(db, world, world.declarations[0])


def test_the_buyer_reads_that_a_draft_is_in_progress_not_its_content(client, db, login, world,
                                                                      draft):
    login(world.buyer)
    page = client.get(f"/acheteur/declarations/{draft.id}")
    assert page.status_code == 200
    assert "Brouillon en cours" in visible_text(page.text)
    assert SECRET_REF not in page.text and SECRET_COMMENT not in page.text
    assert "Lignes déclarées" not in page.text

    # The holder keeps reading (and editing) what it typed.
    login(world.holder)
    page = client.get(f"/fournisseur/declarations/{draft.id}")
    assert SECRET_REF in page.text and SECRET_COMMENT in page.text


def test_an_expected_declaration_says_nothing_was_filed(client, db, login, world):
    login(world.buyer)
    page = client.get(f"/acheteur/declarations/{world.declarations[0].id}")
    assert "n'a encore rien déposé" in visible_text(page.text)
    assert "Lignes déclarées" not in page.text


@pytest.mark.parametrize("role", [Role.buyer, Role.admin])
def test_the_api_gives_the_buyer_side_no_content_of_a_draft(db, api, world, draft, role):
    reader = (world.buyer if role == Role.buyer
              else factories.make_user(db, Role.admin))
    body = api(reader).get(f"/api/v1/declarations/{draft.id}").json()
    assert body["status"] == "draft"
    assert body["content"] is None and body["supplier_comment"] is None
    assert SECRET_REF not in str(body)

    listed = api(reader).get("/api/v1/declarations", params={"status": "draft"}).json()["items"]
    assert [(d["id"], d["supplier_comment"]) for d in listed] == [(draft.id, None)]


def test_the_holder_reads_its_draft_through_the_api(db, api, world, draft):
    body = api(world.holder).get(f"/api/v1/declarations/{draft.id}").json()
    assert body["content"]["lines"][0]["beneficiary_ref"] == SECRET_REF
    assert body["supplier_comment"] == SECRET_COMMENT
    listed = api(world.holder).get("/api/v1/declarations", params={"status": "draft"}).json()
    assert listed["items"][0]["supplier_comment"] == SECRET_COMMENT


def test_once_submitted_or_returned_the_buyer_reads_the_lines(client, db, login, api, world):
    submitted = factories.submit(db, world.declarations[0], world.holder,
                                 factories.line(beneficiary_ref="DEPOSE-01"))
    login(world.buyer)
    assert "DEPOSE-01" in client.get(f"/acheteur/declarations/{submitted.id}").text
    returned = api(world.buyer).post(f"/api/v1/declarations/{submitted.id}/return", json={
        "version": submitted.version, "comment": "Heures de mars manquantes"}).json()
    # What it returned stays readable to the reviewer, who asked for the correction.
    assert returned["content"]["lines"][0]["beneficiary_ref"] == "DEPOSE-01"
    assert "DEPOSE-01" in client.get(f"/acheteur/declarations/{submitted.id}").text


def test_the_buyers_list_shows_a_draft_as_a_draft(client, db, login, world, draft):
    login(world.buyer)
    page = client.get("/acheteur/declarations", params={"state": "all"})
    row = next(tr for tr in parse(page.text).iter(f"{HTML}tr")
               if any(a.get("href") == f"/acheteur/declarations/{draft.id}"
                      for a in tr.iter(f"{HTML}a")))
    assert "Brouillon" in "".join(row.itertext())
    assert SECRET_REF not in page.text and SECRET_COMMENT not in page.text


def _declared_hours(page_text: str, link: str) -> dict[int, str]:
    """The « Heures déclarées » cell of each row of the contract's declarations table."""
    table = next(t for t in parse(page_text).iter(f"{HTML}table")
                 if "Déclarations par période" in "".join(t.find(f"{HTML}caption").itertext()))
    cells = {}
    for row in table.find(f"{HTML}tbody").iter(f"{HTML}tr"):
        href = next(a.get("href") for a in row.iter(f"{HTML}a"))
        number = [td for td in row.iter(f"{HTML}td") if "num" in (td.get("class") or "")]
        cells[int(href.removeprefix(link))] = "".join(number[0].itertext()).strip()
    return cells


def test_declared_hours_count_submitted_and_validated_declarations_only(client, db, login, api,
                                                                        world):
    first, second, third, fourth = world.declarations
    factories.submit(db, first, world.holder, factories.line(hours=Decimal("35")))
    factories.submit(db, second, world.holder, factories.line(hours=Decimal("20")))
    api(world.buyer).post(f"/api/v1/declarations/{second.id}/validate",
                          json={"version": second.version})
    _draft(db, world, third, Decimal("40"))
    factories.submit(db, fourth, world.holder, factories.line(hours=Decimal("10")))
    api(world.buyer).post(f"/api/v1/declarations/{fourth.id}/return",
                          json={"version": fourth.version, "comment": "À corriger"})
    expected = {first.id: hours(Decimal("35")), second.id: hours(Decimal("20")),
                third.id: "—", fourth.id: "—"}
    # The same figure on both sides: a draft's or a returned declaration's lines are not
    # declared hours.
    for user, prefix in ((world.buyer, "/acheteur"), (world.holder, "/fournisseur")):
        login(user)
        page = client.get(f"{prefix}/contrats/{world.contract.id}")
        assert _declared_hours(page.text, f"{prefix}/declarations/") == expected
