"""Closing a contract early asks for confirmation and says what it will do; a contract closed by
mistake can be reopened, which undoes what the closing did. Both are audited, and only the
contract's buyer organisation may do either."""

import html
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.models import AuditEvent, Contract, Role
from supplier import service as filing
from supplier.schemas import InsertionDeclarationIn
from surveys import service as surveys
from surveys.jobs import launch_campaigns
from surveys.models import Campaign
from tests import factories
from tests.conftest import visible_text

CLOSING_DAY = date(2025, 5, 10)


def text(response) -> str:
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def closable(db, world):
    """The world's 2025 quarterly contract on 10 May 2025, its first quarter submitted."""
    clock.freeze(datetime(2025, 5, 10, 9, tzinfo=UTC))
    factories.submit(db, world.declarations[0], world.holder)
    return world


def _contract(db, world) -> Contract:
    db.expire_all()
    return db.get(Contract, world.contract.id)


def _periods(db, world) -> list[tuple[date, date, date, str]]:
    return [(d.period_start, d.period_end, d.due_on, d.status)
            for d in factories.declarations(db, world.contract)]


def _campaign(db, world) -> Campaign | None:
    db.expire_all()
    return surveys.campaign_of(db, world.contract.id)


def _audit(db, entity: str, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.entity == entity,
                                                    AuditEvent.action == action)))


def _close(post, world):
    return post(f"/acheteur/contrats/{world.contract.id}/clore",
                {"version": world.contract.version})


def _reopen(db, post, world):
    return post(f"/acheteur/contrats/{world.contract.id}/rouvrir",
                {"version": _contract(db, world).version})


BEFORE = [(date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 15), "submitted"),
          (date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 15), "expected"),
          (date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 15), "expected"),
          (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 15), "expected")]


def test_the_contract_page_asks_before_closing(client, db, login, closable):
    login(closable.buyer)
    page = client.get(f"/acheteur/contrats/{closable.contract.id}").text
    # A link to the confirmation page, no longer a form that closes in one click.
    assert f'href="/acheteur/contrats/{closable.contract.id}/clore"' in page
    assert f'action="/acheteur/contrats/{closable.contract.id}/clore"' not in page

    response = client.get(f"/acheteur/contrats/{closable.contract.id}/clore")
    assert response.status_code == 200
    shown = text(response)
    assert "Clore le contrat C-" in shown and "aujourd'hui ?" in shown
    assert "L'exécution prendra fin le 10/05/2025, avant le terme prévu du 31/12/2025" in shown
    assert "Périodes de déclaration retirées (2)" in shown
    assert "Heures d'insertion — 3e trimestre 2025 (échéance du 15/10/2025)" in shown
    assert "Heures d'insertion — 4e trimestre 2025 (échéance du 15/01/2026)" in shown
    assert ("Heures d'insertion — 2e trimestre 2025 : s'arrêtera le 10/05/2025, à déposer "
            "avant le 25/05/2025") in shown
    assert "1er trimestre" not in shown  # filed, before the closing: untouched, not listed
    assert ("L'enquête de fin de contrat sera lancée : l'acheteur évaluera chaque titulaire, et "
            "chaque titulaire évaluera l'acheteur. Les réponses seront attendues jusqu'au "
            "09/06/2025 inclus.") in shown
    # The confirmation is a plain form (no JavaScript needed) with the token and the version.
    assert 'name="csrf_token"' in response.text
    assert f'name="version" value="{closable.contract.version}"' in response.text
    assert "Clore le contrat" in shown and "Annuler" in shown
    # Showing it changed nothing.
    assert _periods(db, closable) == BEFORE
    assert _contract(db, closable).status == "active" and _campaign(db, closable) is None


def test_confirming_closes_withdraws_the_periods_left_and_launches_the_survey(
        client, db, login, post, closable):
    login(closable.buyer)
    response = _close(post, closable)
    assert response.status_code == 303
    assert response.headers["location"] == f"/acheteur/contrats/{closable.contract.id}"
    contract = _contract(db, closable)
    assert contract.status == "closed" and contract.closed_on == CLOSING_DAY
    assert _periods(db, closable) == [
        BEFORE[0], (date(2025, 4, 1), date(2025, 5, 10), date(2025, 5, 25), "expected")]
    campaign = _campaign(db, closable)
    assert campaign.reason == "closed_early" and len(campaign.invitations) == 2
    page = text(client.get(f"/acheteur/contrats/{closable.contract.id}"))
    assert ("Contrat clos le 10/05/2025 : 2 périodes de déclaration retirées ; l'enquête de fin "
            "de contrat est lancée.") in page
    assert "Rouvrir le contrat" in page and "Clore le contrat" not in page
    [event] = _audit(db, "contract", "close")
    assert event.actor_id == closable.buyer.id and event.entity_id == contract.id
    assert (event.from_status, event.to_status) == ("active", "closed")
    assert event.comment == ("Périodes retirées : Heures d'insertion, 3e trimestre 2025 ; "
                             "Heures d'insertion, 4e trimestre 2025")
    # Closed already: the page says so, a second confirmation is refused.
    assert "Ce contrat est déjà clos depuis le 10/05/2025" in text(
        client.get(f"/acheteur/contrats/{closable.contract.id}/clore"))
    again = post(f"/acheteur/contrats/{closable.contract.id}/clore", {"version": contract.version})
    assert again.status_code == 409 and "déjà clos" in text(again)


def test_closing_a_contract_past_its_end_changes_no_date(client, db, login, closable):
    clock.freeze(datetime(2026, 1, 10, 9, tzinfo=UTC))
    login(closable.buyer)
    shown = text(client.get(f"/acheteur/contrats/{closable.contract.id}/clore"))
    assert ("Le contrat est arrivé à son terme le 31/12/2025 : le clore ne change pas ses "
            "dates.") in shown
    assert "Périodes de déclaration retirées (0)" in shown and "s'arrêtera" not in shown


def test_periods_the_holder_has_begun_are_kept_and_said_so(client, db, login, post, closable):
    third = closable.declarations[2]
    filing.save_draft(db, third.id, InsertionDeclarationIn(
        version=third.version, lines=[factories.line()]), user=closable.holder)
    db.commit()
    login(closable.buyer)
    shown = text(client.get(f"/acheteur/contrats/{closable.contract.id}/clore"))
    assert "Périodes de déclaration retirées (1)" in shown
    assert ("Le titulaire a déjà commencé à remplir ces périodes postérieures à la clôture : "
            "elles sont conservées. Heures d'insertion — 3e trimestre 2025") in shown
    assert _close(post, closable).status_code == 303
    assert [p[3] for p in _periods(db, closable)] == ["submitted", "expected", "draft"]


def test_a_stale_confirmation_is_refused(client, db, login, post, closable):
    login(closable.buyer)
    response = post(f"/acheteur/contrats/{closable.contract.id}/clore",
                    {"version": closable.contract.version - 1})
    assert response.status_code == 409 and "modifié entre-temps" in text(response)
    assert _contract(db, closable).status == "active"


def test_reopening_restores_the_periods_and_withdraws_a_survey_nobody_heard_of(
        client, db, login, post, closable):
    login(closable.buyer)
    _close(post, closable)
    campaign_id = _campaign(db, closable).id

    response = client.get(f"/acheteur/contrats/{closable.contract.id}/rouvrir")
    assert response.status_code == 200
    shown = text(response)
    assert "Le contrat a été clos le 10/05/2025" in shown
    assert "son exécution reprendra jusqu'au terme prévu du 31/12/2025" in shown
    assert "Périodes de déclaration rétablies (2)" in shown
    assert "Heures d'insertion — 3e trimestre 2025 (échéance du 15/10/2025)" in shown
    assert ("Heures d'insertion — 2e trimestre 2025 : de nouveau jusqu'au 30/06/2025, à déposer "
            "avant le 15/07/2025") in shown
    assert ("L'enquête lancée à la clôture sera retirée : personne n'en a encore été averti et "
            "personne n'y a répondu.") in shown
    assert _contract(db, closable).status == "closed"  # the page changed nothing

    response = _reopen(db, post, closable)
    assert response.status_code == 303
    contract = _contract(db, closable)
    assert contract.status == "active" and contract.closed_on is None
    assert _periods(db, closable) == BEFORE
    assert _campaign(db, closable) is None
    page = text(client.get(f"/acheteur/contrats/{closable.contract.id}"))
    assert ("Contrat rouvert jusqu'au 31/12/2025 : 2 périodes de déclaration rétablies ; "
            "l'enquête de fin de contrat est retirée.") in page
    assert "Clore le contrat aujourd'hui" in page
    [event] = _audit(db, "contract", "reopen")
    assert event.actor_id == closable.buyer.id
    assert (event.from_status, event.to_status) == ("closed", "active")
    assert event.comment == ("Périodes rétablies : Heures d'insertion, 3e trimestre 2025 ; "
                             "Heures d'insertion, 4e trimestre 2025 ; Enquête retirée")
    [withdrawn] = _audit(db, "survey_campaign", "withdraw")
    assert withdrawn.entity_id == campaign_id and withdrawn.actor_id == closable.buyer.id
    # Open again: nothing to reopen, and it can be closed again.
    assert "Ce contrat n'est pas clos" in text(
        client.get(f"/acheteur/contrats/{closable.contract.id}/rouvrir"))
    assert _reopen(db, post, closable).status_code == 409


def test_a_survey_its_respondents_were_told_about_stays_open(client, db, login, post, closable):
    login(closable.buyer)
    _close(post, closable)
    launch_campaigns(db)  # the daily job tells the respondents
    db.commit()
    shown = text(client.get(f"/acheteur/contrats/{closable.contract.id}/rouvrir"))
    assert ("reste ouverte : ses destinataires en ont déjà été avertis ou y ont déjà répondu, "
            "et leurs réponses sont conservées") in shown
    assert _reopen(db, post, closable).status_code == 303
    assert _campaign(db, closable) is not None
    assert "l'enquête de fin de contrat reste ouverte." in text(
        client.get(f"/acheteur/contrats/{closable.contract.id}"))
    assert _audit(db, "contract", "reopen")[0].comment.endswith("Enquête conservée")


def test_a_survey_somebody_answered_stays_open(client, db, login, post, closable):
    login(closable.buyer)
    _close(post, closable)
    invitation = next(i for i in _campaign(db, closable).invitations
                      if i.respondent_org_id == closable.holder.organisation_id)
    client.cookies.clear()
    login(closable.holder)
    assert post(f"/enquetes/{invitation.id}", {"action": "save"}).status_code == 303
    client.cookies.clear()
    login(closable.buyer)
    assert "y ont déjà répondu" in text(
        client.get(f"/acheteur/contrats/{closable.contract.id}/rouvrir"))
    assert _reopen(db, post, closable).status_code == 303
    assert _campaign(db, closable) is not None


def test_another_agent_of_the_buyer_may_close_and_reopen(client, db, login, post, closable):
    colleague = factories.make_user(db, Role.buyer, closable.buyer.organisation)
    login(colleague)
    assert client.get(f"/acheteur/contrats/{closable.contract.id}/clore").status_code == 200
    assert _close(post, closable).status_code == 303
    assert _reopen(db, post, closable).status_code == 303
    assert [e.actor_id for e in _audit(db, "contract", "reopen")] == [colleague.id]


@pytest.mark.parametrize("action", ["clore", "rouvrir"])
def test_another_buyer_does_not_see_the_contract(client, db, login, post, closable, action):
    login(factories.make_user(db, Role.buyer))
    url = f"/acheteur/contrats/{closable.contract.id}/{action}"
    assert client.get(url).status_code == 404
    response = post(url, {"version": closable.contract.version})
    assert response.status_code == 404
    assert _contract(db, closable).status == "active"
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "contract", AuditEvent.action.in_(("close", "reopen")))) == 0


@pytest.mark.parametrize("action", ["clore", "rouvrir"])
def test_the_holder_is_refused(client, db, login, post, closable, action):
    login(closable.holder)
    url = f"/acheteur/contrats/{closable.contract.id}/{action}"
    assert client.get(url).status_code == 403
    assert post(url, {"version": closable.contract.version}).status_code == 403
    assert _contract(db, closable).status == "active"


def test_the_holder_is_refused_reopening_a_closed_contract(client, db, login, post, closable):
    login(closable.buyer)
    _close(post, closable)
    client.cookies.clear()
    login(closable.holder)
    response = _reopen(db, post, closable)
    assert response.status_code == 403
    assert _contract(db, closable).status == "closed"
