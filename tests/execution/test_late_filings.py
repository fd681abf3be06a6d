"""The buyer's late filings: which declarations are late, by how many days, when the holder was
last reminded, and « Relancer », which mails the holder's users once a day at most."""

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.mail import MailAbout, OutgoingMail
from portal.models import AuditEvent, OrgKind, Role
from portal.notifications import Notification
from supplier.jobs import remind_due
from supplier.models import Declaration
from tests import factories
from tests.conftest import visible_text

LATE = "/acheteur/declarations?state=overdue"
NOW = datetime(2025, 7, 20, 9, tzinfo=UTC)  # 11:00 in Paris


def text(response) -> str:
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


def relance_url(declaration) -> str:
    return f"/acheteur/declarations/{declaration.id}/relancer"


@pytest.fixture
def late(db, world):
    """On 20 July 2025: the world's contract has its first quarter submitted and its second
    (due 15 July) late by 5 days; a second contract of the buyer, held by « Bâtiments Verts »
    with a co-holder, has both quarters late (96 and 5 days); another buyer's contract is
    late too. The world's holder has a colleague who turned reminder mails off and a former
    colleague, deactivated."""
    clock.freeze(NOW)
    factories.submit(db, world.declarations[0], world.holder)
    world.quiet = factories.make_user(db, Role.supplier, world.holder.organisation)
    world.quiet.mail_alerts = False
    world.gone = factories.make_user(db, Role.supplier, world.holder.organisation)
    world.gone.is_active = False
    world.second_holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, OrgKind.supplier, name="Bâtiments Verts"))
    world.co_holder = factories.make_user(db, Role.supplier)
    world.second = factories.make_contract(
        db, world.buyer, world.second_holder.organisation, reference="BV-2025",
        co_holder_ids=[world.co_holder.organisation_id])
    world.other_buyer = factories.make_user(db, Role.buyer)
    factories.make_contract(db, world.other_buyer, world.holder.organisation,
                            reference="AILLEURS")
    db.commit()
    world.q2 = world.declarations[1]
    return world


def _about(db, mail: OutgoingMail) -> list[tuple[str, int]]:
    """The records a mail is about."""
    return [tuple(row) for row in db.execute(
        select(MailAbout.entity, MailAbout.entity_id).where(MailAbout.mail_id == mail.id)
        .order_by(MailAbout.entity_id))]


def _mails(db, kind="manual_reminder") -> list[OutgoingMail]:
    db.expire_all()
    return list(db.scalars(select(OutgoingMail).where(OutgoingMail.kind == kind)
                           .order_by(OutgoingMail.id)))


def test_the_list_shows_what_is_late_by_how_many_days(client, db, login, late):
    login(late.buyer)
    response = client.get(LATE)
    assert response.status_code == 200
    shown = text(response)
    assert "Dépôts en retard" in shown and "3 déclarations." in shown
    assert "AILLEURS" not in shown  # another buyer's
    assert "1er trimestre 2025 échéance du 15/04/2025 96 jours Aucune Relancer" in shown
    assert shown.count("2e trimestre 2025 échéance du 15/07/2025 5 jours Aucune Relancer") == 2
    # The oldest first; each row names its contract and holder.
    assert shown.index("BV-2025 Bâtiments Verts Heures d'insertion 1er trimestre") < shown.index(
        f"{late.contract.reference} {late.holder.organisation.name} Heures d'insertion 2e")
    assert "Relancer Bâtiments Verts pour BV-2025, Heures d'insertion, 1er trimestre 2025" in shown
    assert response.text.count('name="csrf_token"') >= 4  # three buttons and the logout
    # The one rule of being late and of counting the days, in SQL as in Python.
    db.expire_all()
    rows = db.execute(select(Declaration, Declaration.days_late, Declaration.is_overdue)).all()
    assert [(d.days_late, d.is_overdue) for d, _, _ in rows] == [(n, o) for _, n, o in rows]
    assert sorted(n for _, n, _ in rows if n) == [5, 5, 5, 96, 96]  # with another buyer's


def test_the_list_is_searched_by_contract_and_holder(client, login, late):
    login(late.buyer)
    by_holder = text(client.get(LATE + "&q=b%C3%A2timents"))
    assert "2 déclarations." in by_holder and late.contract.reference not in by_holder
    by_reference = text(client.get(f"{LATE}&q={late.contract.reference.lower()}"))
    assert "1 déclaration." in by_reference and "BV-2025" not in by_reference


def test_the_list_pages_by_fifty(client, db, login, late):
    factories.make_contract(db, late.buyer, late.second_holder.organisation,
                            reference="MENSUEL", frequency="monthly",
                            starts_on=date(2021, 1, 1), ends_on=date(2025, 12, 31))
    login(late.buyer)
    first = client.get(LATE)
    shown = text(first)
    assert "57 déclarations." in shown and "Page 1 sur 2" in shown  # 54 months + 3
    assert first.text.count(">Relancer<") == 50 and "Janvier 2021" in shown  # the oldest first
    assert 'href="/acheteur/declarations?state=overdue&amp;page=2"' in first.text
    second = client.get(LATE + "&page=2")
    assert second.text.count(">Relancer<") == 7 and "Page 2 sur 2" in text(second)
    assert 'name="page" value="2"' in second.text


def test_the_home_page_counts_the_late_filings_and_the_menu_leads_there(client, login, late):
    login(late.buyer)
    home = client.get("/acheteur")
    assert "Dépôts en retard (3)" in text(home)
    assert 'href="/acheteur/declarations?state=overdue">Voir les 3 dépôts en retard' in home.text
    menu = '<a href="/acheteur/declarations?state=overdue" aria-current="page">Dépôts en retard'
    assert menu not in home.text and menu in client.get(LATE).text


def test_relancer_mails_the_holders_users_once(client, db, login, post, late):
    login(late.buyer)
    response = post(relance_url(late.q2), {"state": "overdue", "q": "", "page": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == "/acheteur/declarations?state=overdue&page=1"
    # One mail each to the holder's active users who want reminder mails: not the colleague who
    # turned them off, not the former colleague, not another company.
    [mail] = _mails(db)
    assert mail.to_address == late.holder.email
    assert _about(db, mail) == [("declaration", late.q2.id)]
    assert late.contract.reference in mail.subject
    assert "en retard de 5 jours (échéance du 15/07/2025)" in mail.text_body
    assert f"/fournisseur/declarations/{late.q2.id}" in mail.text_body
    # The colleague without mails sees it in the portal.
    told = db.scalars(select(Notification.user_id).where(
        Notification.kind == "manual_reminder")).all()
    assert sorted(told) == sorted([late.holder.id, late.quiet.id])
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "remind")).all()
    assert (event.entity, event.entity_id, event.actor_id) == (
        "declaration", late.q2.id, late.buyer.id)
    shown = text(client.get(LATE))
    assert ("Relance envoyée par courriel à 1 utilisateur du titulaire ; 1 utilisateur, qui ne "
            "reçoit pas les rappels par courriel, la trouvera dans les notifications du "
            "portail.") in shown
    assert "échéance du 15/07/2025 5 jours 20/07/2025 à 11:00 Relancer" in shown


def test_a_second_relance_within_a_day_is_refused_with_the_time_it_becomes_possible(
        client, db, login, post, late):
    login(late.buyer)
    assert post(relance_url(late.q2), {"state": "overdue"}).status_code == 303
    clock.freeze(NOW + timedelta(hours=5))
    colleague = factories.make_user(db, Role.buyer, late.buyer.organisation)
    client.cookies.clear()
    login(colleague)  # whoever sends it: one a day per declaration
    refused = post(relance_url(late.q2), {"state": "overdue", "q": late.contract.reference})
    assert refused.status_code == 409
    shown = text(refused)
    assert ("Le titulaire a déjà été relancé pour cette déclaration le 20/07/2025 à 11:00 : une "
            "nouvelle relance sera possible le 21/07/2025 à 11:00.") in shown
    assert "Dépôts en retard" in shown and "1 déclaration." in shown  # the list, as it was
    assert len(_mails(db)) == 1
    # Another declaration may be reminded meanwhile; the same one a day later.
    second_q1 = factories.declarations(db, late.second)[0]
    assert post(relance_url(second_q1), {"state": "overdue"}).status_code == 303
    assert [m.to_address for m in _mails(db)] == [late.holder.email,
                                                   late.second_holder.email]
    clock.freeze(NOW + timedelta(hours=24))
    client.cookies.clear()
    login(late.buyer)
    assert post(relance_url(late.q2), {"state": "overdue"}).status_code == 303
    assert len(_mails(db)) == 3


def test_the_last_reminder_counts_the_scheduled_ones_too(client, db, login, late):
    remind_due(db)  # after the due date, the holder's users are told
    db.commit()
    assert {about for m in _mails(db, "overdue") for about in _about(db, m)} >= {
        ("declaration", late.q2.id)}
    login(late.buyer)
    assert "échéance du 15/07/2025 5 jours 20/07/2025 à 11:00 Relancer" in text(client.get(LATE))


def test_only_a_late_declaration_is_reminded(client, db, login, post, late):
    login(late.buyer)
    for declaration in (late.declarations[0], late.declarations[2]):  # submitted, not yet due
        response = post(relance_url(declaration), {"state": "overdue"})
        assert response.status_code == 409
        assert "Cette déclaration n'est pas en retard" in text(response)
    assert _mails(db) == []


def test_a_holder_nobody_can_be_reminded_at(client, db, login, post, late):
    late.second_holder.is_active = False
    db.commit()
    login(late.buyer)
    response = post(relance_url(factories.declarations(db, late.second)[0]), {})
    assert response.status_code == 409 and "aucun utilisateur actif" in text(response)
    assert _mails(db) == []


def test_another_buyer_cannot_relance_nor_see(client, db, login, post, late):
    login(late.other_buyer)
    assert post(relance_url(late.q2), {"state": "overdue"}).status_code == 404
    assert "3 déclarations" not in text(client.get(LATE))
    assert _mails(db) == []
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "remind")).all() == []


def test_suppliers_cannot_relance(client, db, login, post, late):
    login(late.holder)
    assert post(relance_url(late.q2), {"state": "overdue"}).status_code == 403
    assert client.get(LATE).status_code == 403
    assert _mails(db) == []


def test_the_api_lists_the_late_filings_with_the_same_figures(db, login, post, client, api,
                                                              late):
    login(late.buyer)
    post(relance_url(late.q2), {"state": "overdue"})
    body = api(late.buyer).get("/api/v1/declarations?state=overdue").json()
    assert body["total"] == 3
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[late.q2.id]["days_late"] == 5
    assert by_id[late.q2.id]["last_reminder_at"].startswith("2025-07-20T09:00:00")
    assert sorted(item["days_late"] for item in body["items"]) == [5, 5, 96]
    one = api(late.holder).get(f"/api/v1/declarations/{late.q2.id}").json()
    assert one["days_late"] == 5 and one["last_reminder_at"] == by_id[late.q2.id][
        "last_reminder_at"]
    not_late = api(late.holder).get(f"/api/v1/declarations/{late.declarations[0].id}").json()
    assert not_late["days_late"] == 0 and not_late["last_reminder_at"] is None
