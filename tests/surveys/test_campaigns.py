"""Launching campaigns (contract end, early closing, by hand) and closing them."""

from datetime import date

from sqlalchemy import select

from portal import clock
from portal.models import Role
from surveys.jobs import close_expired_campaigns, launch_ended_contracts
from surveys.models import Campaign
from tests import factories
from tests.surveys.conftest import LAUNCH_DAY, at, page_text


def _campaign(db, contract):
    db.expire_all()
    return db.scalar(select(Campaign).where(Campaign.contract_id == contract.id))


def test_the_daily_job_launches_the_survey_the_day_after_the_contract_ends(
        client, db, login, team):
    running = factories.make_contract(db, team.buyer, team.holder.organisation, insertion=None,
                                      ends_on=date(2026, 6, 30), reference="EN-COURS")
    clock.freeze(at(date(2025, 12, 31), 23))
    assert launch_ended_contracts(db, date(2025, 12, 31)) == []  # last day: still running

    clock.freeze(at(LAUNCH_DAY, 5))
    launched = launch_ended_contracts(db, LAUNCH_DAY)
    db.commit()
    assert [c.contract_id for c in launched] == [team.contract.id]
    assert launch_ended_contracts(db, LAUNCH_DAY) == []  # one campaign per contract
    assert _campaign(db, running) is None
    campaign = _campaign(db, team.contract)
    # Due 30 days after the launch (setting survey_due_days); one invitation per pair and way.
    assert campaign.reason == "ended" and campaign.due_on == date(2026, 1, 31)
    pairs = {(i.direction, i.respondent_org_id, i.subject_org_id) for i in campaign.invitations}
    buyer, holder, co = (team.buyer.organisation_id, team.holder.organisation_id,
                         team.co_holder.organisation_id)
    assert pairs == {("buyer_rates_holder", buyer, holder), ("buyer_rates_holder", buyer, co),
                     ("holder_rates_buyer", holder, buyer), ("holder_rates_buyer", co, buyer)}

    login(team.holder)
    assert 'href="/enquetes"' in client.get("/fournisseur").text  # « Enquêtes » in the menu
    home = page_text(client.get("/fournisseur"))
    assert "Enquêtes de satisfaction à remplir (1)" in home
    assert f"Contrat ESP-VERTS-25 — évaluer {team.buyer.organisation.name}" in home
    surveys = page_text(client.get("/enquetes"))
    assert "À remplir (1)" in surveys and "31/01/2026" in surveys

    client.cookies.clear()
    login(team.buyer)
    home = page_text(client.get("/acheteur"))
    assert "Enquêtes de satisfaction à remplir (2)" in home
    contract_page = page_text(client.get(f"/acheteur/contrats/{team.contract.id}"))
    assert "Lancée le 01/01/2026 à 06:00 (fin du contrat)" in contract_page
    assert "Réponses attendues jusqu'au 31/01/2026 inclus." in contract_page
    assert contract_page.count("À remplir") == 4


def test_closing_a_contract_early_launches_its_survey(client, db, login, post, team):
    clock.freeze(at(date(2025, 9, 15)))
    login(team.buyer)
    page = client.get(f"/acheteur/contrats/{team.contract.id}")
    assert "Lancer l'enquête de fin de contrat" in page_text(page)
    response = post(f"/acheteur/contrats/{team.contract.id}/clore",
                    {"version": team.contract.version})
    assert response.status_code == 303
    campaign = _campaign(db, team.contract)
    assert campaign.reason == "closed_early" and campaign.launched_by_id == team.buyer.id
    assert campaign.due_on == date(2025, 10, 15) and len(campaign.invitations) == 4
    page = page_text(client.get(f"/acheteur/contrats/{team.contract.id}"))
    assert "(clôture anticipée du contrat)" in page
    assert "Lancer l'enquête de fin de contrat" not in page
    # The job finds the campaign already there.
    assert launch_ended_contracts(db, date(2025, 12, 1)) == []


def test_a_buyer_launches_the_survey_by_hand_only_on_its_own_contracts(
        client, db, login, post, team):
    clock.freeze(at(date(2025, 6, 1)))
    outsider = factories.make_user(db, Role.buyer)
    login(outsider)
    assert post(f"/enquetes/contrats/{team.contract.id}/lancer").status_code == 404
    client.cookies.clear()
    login(team.holder)
    assert post(f"/enquetes/contrats/{team.contract.id}/lancer").status_code == 403
    assert _campaign(db, team.contract) is None

    client.cookies.clear()
    login(team.buyer)
    response = post(f"/enquetes/contrats/{team.contract.id}/lancer")
    assert response.status_code == 303
    page = page_text(client.get(response.headers["location"]))
    assert "Enquête de fin de contrat lancée" in page and "(lancée par l'acheteur)" in page
    response = post(f"/enquetes/contrats/{team.contract.id}/lancer")
    assert "déjà lancée" in page_text(client.get(response.headers["location"]))
    assert _campaign(db, team.contract).reason == "manual"


def test_the_job_closes_campaigns_after_their_due_date(client, db, login, launched):
    clock.freeze(at(date(2026, 1, 31)))
    assert close_expired_campaigns(db, date(2026, 1, 31)) == []  # due date: still open
    clock.freeze(at(date(2026, 2, 1), 4))
    closed = close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    assert [c.contract_id for c in closed] == [launched.contract.id]
    assert close_expired_campaigns(db, date(2026, 2, 1)) == []
    login(launched.buyer)
    page = page_text(client.get(f"/acheteur/contrats/{launched.contract.id}"))
    assert "Close le 01/02/2026" in page
    assert page.count("Sans réponse (enquête close)") == 4
    assert "Enquêtes de satisfaction à remplir" not in page_text(client.get("/acheteur"))
