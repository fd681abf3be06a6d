"""Question banks: edited by the organisation's buyers only; past answers keep their wording."""

import html
import re
from datetime import date

from sqlalchemy import delete, select

from portal import clock
from portal.models import OrgKind, Role
from surveys.bank import seed_missing_banks
from surveys.jobs import launch_ended_contracts
from surveys.models import Direction, Question
from surveys.vocabulary import DEFAULT_BANKS
from tests import factories
from tests.surveys.conftest import (
    BUYER_ANSWERS,
    answer_by_position,
    at,
    invitation_id,
    page_text,
)

QUALITY = "Qualité globale des prestations ou fournitures"
DEADLINES = "Respect des délais contractuels"


def _question(db, buyer, wording):
    return db.scalar(select(Question).where(Question.buyer_org_id == buyer.organisation_id,
                                            Question.wording == wording))


def test_an_edited_bank_does_not_change_past_answers(client, db, login, post, api, launched):
    buyer = api(launched.buyer)
    survey = invitation_id(buyer, launched.contract.id, launched.holder.organisation_id)
    answer_by_position(buyer, survey, BUYER_ANSWERS)

    login(launched.buyer)
    page = client.get("/enquetes/questions")
    assert page.status_code == 200 and f"value=\"{QUALITY}\"" in page.text
    quality, deadlines = _question(db, launched.buyer, QUALITY), \
        _question(db, launched.buyer, DEADLINES)
    assert post(f"/enquetes/questions/{quality.id}",
                {"action": "reword", "wording": "Qualité des prestations rendues"}
                ).status_code == 303
    assert post(f"/enquetes/questions/{deadlines.id}", {"action": "retire"}).status_code == 303
    assert post(f"/enquetes/questions/{quality.id}", {"action": "down"}).status_code == 303
    response = post("/enquetes/questions", {"direction": "buyer_rates_holder",
                                            "wording": "Respect de la clause de propreté",
                                            "scale": "yes_no"})
    assert response.status_code == 303
    page = page_text(client.get("/enquetes/questions"))
    assert "Question ajoutée" in page and "Retirée" in page

    # The answers already given keep the wording they were given with.
    page = page_text(client.get(f"/enquetes/{survey}"))
    assert f"1. {QUALITY} 4 — Satisfait" in page and f"3. {DEADLINES} 3" in page
    assert "Qualité des prestations rendues" not in page
    detail = buyer.get(f"/api/v1/surveys/{survey}").json()
    assert [q["wording"] for q in detail["questions"][:3]] == [
        QUALITY, "Conformité des livrables au cahier des charges", DEADLINES]

    # The next campaign asks the edited bank: reworded, moved, without the retired question,
    # with the new one last.
    clock.freeze(at(date(2026, 3, 2)))
    db.expire_all()  # the test's session still holds the questions as first read
    later = factories.make_contract(db, launched.buyer, launched.holder.organisation,
                                    insertion=None, ends_on=date(2026, 2, 28),
                                    reference="LATER")
    launch_ended_contracts(db, date(2026, 3, 2))
    db.commit()
    buyer = api(launched.buyer)
    later_survey = invitation_id(buyer, later.id, launched.holder.organisation_id)
    new = buyer.get(f"/api/v1/surveys/{later_survey}").json()
    wordings = [q["wording"] for q in new["questions"]]
    assert wordings[:2] == ["Conformité des livrables au cahier des charges",
                            "Qualité des prestations rendues"]
    assert DEADLINES not in wordings and wordings[-1] == "Respect de la clause de propreté"
    assert new["questions"][-1]["scale"] == "yes_no"
    assert [o["label"] for o in new["questions"][-1]["options"]] == ["Oui", "Non"]

    # The old answer still counts under its old wording in the supplier-wide results.
    login(launched.buyer)
    page = page_text(client.get(f"/enquetes/resultats/fournisseurs/"
                                f"{launched.holder.organisation_id}"))
    assert f"1. {QUALITY} 1 moyenne 4,0 / 5" in page


def test_bank_editing_is_refused_to_suppliers_and_to_other_buyers(client, db, login, post,
                                                                  launched):
    login(launched.buyer)
    client.get("/enquetes/questions")  # seeds the bank
    quality = _question(db, launched.buyer, QUALITY)
    client.cookies.clear()
    login(launched.holder)
    assert client.get("/enquetes/questions").status_code == 403
    assert post(f"/enquetes/questions/{quality.id}",
                {"action": "reword", "wording": "Piraté"}).status_code == 403
    assert post("/enquetes/questions", {"direction": "holder_rates_buyer", "wording": "X",
                                        "scale": "text"}).status_code == 403

    other = factories.make_user(db, Role.buyer)
    client.cookies.clear()
    login(other)
    for action in ("reword", "retire", "up"):
        response = post(f"/enquetes/questions/{quality.id}",
                        {"action": action, "wording": "Piraté"})
        assert response.status_code == 404
    # Its own bank is its own: the defaults, untouched by the other organisation.
    page = client.get("/enquetes/questions")
    assert f"value=\"{QUALITY}\"" in page.text
    assert f"/enquetes/questions/{quality.id}\"" not in page.text
    db.refresh(quality)
    assert quality.wording == QUALITY and not quality.retired


def test_bank_form_errors_in_french(client, db, login, post, launched):
    login(launched.buyer)
    response = post("/enquetes/questions", {"direction": "holder_rates_buyer", "wording": "  ",
                                            "scale": "stars"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Saisissez le libellé de la question." in text
    assert "Choisissez une échelle de réponse." in text
    assert len(re.findall(r'aria-invalid="true"', response.text)) == 2
    quality = _question(db, launched.buyer, QUALITY)
    response = post(f"/enquetes/questions/{quality.id}", {"action": "reword",
                                                          "wording": "x" * 501})
    assert response.status_code == 422
    assert "Le libellé ne peut pas dépasser 500 caractères." in page_text(response)


def _bank_sizes(db, organisation_id) -> dict[str, int]:
    rows = db.scalars(select(Question.direction).where(Question.buyer_org_id == organisation_id))
    return {direction: list(rows_of).count(direction)
            for rows_of in [list(rows)] for direction in set(rows_of)}


def test_a_buyer_organisation_is_created_with_its_default_banks(db):
    buyer = factories.make_org(db, OrgKind.buyer)
    supplier = factories.make_org(db, OrgKind.supplier)
    assert _bank_sizes(db, buyer.id) == {direction: len(DEFAULT_BANKS[direction])
                                         for direction in Direction}
    assert _bank_sizes(db, supplier.id) == {}


def test_reading_the_bank_writes_nothing(client, db, login):
    """An organisation without banks (loaded in bulk, or created before they came with it)
    reads an empty page; `portal migrate` gives it the defaults, never a GET."""
    buyer = factories.make_user(db, Role.buyer)
    db.execute(delete(Question).where(Question.buyer_org_id == buyer.organisation_id))
    db.commit()
    login(buyer)
    assert client.get("/enquetes/questions").status_code == 200
    assert _bank_sizes(db, buyer.organisation_id) == {}
    assert seed_missing_banks(db) == 1
    assert _bank_sizes(db, buyer.organisation_id) == {
        direction: len(DEFAULT_BANKS[direction]) for direction in Direction}
    assert seed_missing_banks(db) == 0
    page = html.unescape(client.get("/enquetes/questions").text)
    assert all(f'value="{wording}"' in page
               for wording, _scale in DEFAULT_BANKS[Direction.buyer_rates_holder])
