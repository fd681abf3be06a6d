"""A buyer, a holder and a co-holder on a 2025 contract that ended on 31/12/2025."""

import html
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from portal import clock
from portal.models import OrgKind, Role
from surveys import service
from surveys.jobs import launch_ended_contracts
from surveys.models import LaunchReason
from tests import factories
from tests.conftest import visible_text

LAUNCH_DAY = date(2026, 1, 1)


def page_text(response) -> str:
    """What the user reads: tags removed, entities decoded, French spaces made plain."""
    text = html.unescape(visible_text(response.text))
    return text.replace("\u202f", " ").replace("\xa0", " ")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def team(db):
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Ville de Saint-Aubin"))
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Paysages Durables"))
    co_holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Jardins Solidaires"))
    contract = factories.make_contract(db, buyer, holder.organisation, insertion=None,
                                       co_holder_ids=[co_holder.organisation.id],
                                       reference="ESP-VERTS-25")
    return SimpleNamespace(buyer=buyer, holder=holder, co_holder=co_holder, contract=contract)


@pytest.fixture
def launched(db, team):
    """The campaign launched by the daily job the day after the contract ended."""
    clock.freeze(at(LAUNCH_DAY, 5))
    launch_ended_contracts(db, LAUNCH_DAY)
    db.commit()
    clock.freeze(at(date(2026, 1, 10)))
    return team


def invitation_id(api_client, contract_id: int, subject_org_id: int) -> int:
    """The caller's invitation on this contract about this organisation, found through the API."""
    surveys = api_client.get("/api/v1/surveys?per_page=200").json()["items"]
    return next(s["id"] for s in surveys
                if s["contract_id"] == contract_id and s["subject"]["id"] == subject_org_id)


def answer_by_position(api_client, survey_id: int, values: dict[int, object], *,
                       submit: bool = True):
    """POST answers given by question position (as the bank numbers them)."""
    survey = api_client.get(f"/api/v1/surveys/{survey_id}").json()
    ids = {q["position"]: q["id"] for q in survey["questions"]}
    return api_client.post(f"/api/v1/surveys/{survey_id}/answers", json={
        "answers": {str(ids[p]): v for p, v in values.items()}, "submit": submit})


# Complete answers for the default banks, by position.
BUYER_ANSWERS = {1: 4, 2: 4, 3: 3, 4: 5, 5: "na", 6: 4, 7: 4, 8: 3, 9: 8, 10: "Bon travail."}
HOLDER_ANSWERS = {1: 4, 2: 3, 3: 2, 4: "no", 5: 4, 6: 3, 7: 5, 8: 4, 9: "na", 10: "yes", 11: 9,
                  12: "Paiements parfois tardifs."}


def launch_surveys(db, parties, first: int, last: int, *, holder_org=None) -> None:
    """Ended contracts ENQ-<n> between the parties, each with its survey launched."""
    holder_org = holder_org or parties.holder.organisation
    clock.freeze(at(LAUNCH_DAY, 5))
    for n in range(first, last + 1):
        contract = factories.make_contract(db, parties.buyer, holder_org, insertion=None,
                                           reference=f"ENQ-{n:03d}",
                                           object=f"Entretien du parc n° {n}")
        service.launch_campaign(db, contract, reason=LaunchReason.ended, on=LAUNCH_DAY)
    db.commit()
    clock.freeze(at(date(2026, 1, 10)))
