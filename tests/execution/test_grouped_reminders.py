"""Reminders and overdue alerts grouped: one mail per person and day lists every declaration
concerned, names the contract when there is only one, and a job run twice sends nothing more
(one supplier used to get 12 identical mails at start-up, with no contract in the subject)."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from portal import clock
from portal.mail import MailAbout, OutgoingMail
from portal.models import Role
from portal.notifications import Notification
from supplier.jobs import notify_overdue, remind_due
from tests import factories
from tests.conftest import visible_text


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 7, tzinfo=UTC))


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _mails(db, user) -> list[OutgoingMail]:
    return list(db.scalars(select(OutgoingMail).where(OutgoingMail.to_address == user.email)
                           .order_by(OutgoingMail.id)))


def _bells(db, user) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id)))


def _counts(db) -> tuple[int, int]:
    return (db.scalar(select(func.count()).select_from(Notification)),
            db.scalar(select(func.count()).select_from(OutgoingMail)))


def _supplier_with_contracts(db, buyer, count: int):
    """A supplier with two users (one who turned reminder mails off) holding ``count``
    quarterly 2025 contracts of the buyer, nothing filed."""
    first = factories.make_user(db, Role.supplier)
    quiet = factories.make_user(db, Role.supplier, organisation=first.organisation)
    quiet.mail_alerts = False
    db.commit()
    contracts = [factories.make_contract(db, buyer, first.organisation,
                                         object=f"Lot {n} — entretien des espaces verts")
                 for n in range(1, count + 1)]
    return first, quiet, contracts


def test_twelve_declarations_due_make_one_mail_per_user_listing_the_twelve_contracts(
        db, client, login):
    buyer = factories.make_user(db, Role.buyer)
    holder, quiet, contracts = _supplier_with_contracts(db, buyer, 12)
    other, _, other_contracts = _supplier_with_contracts(db, buyer, 2)
    _at(date(2025, 4, 8))  # the first quarter of every contract is due on 15/04/2025
    remind_due(db)

    [mail] = _mails(db, holder)
    assert mail.kind == "reminder"
    assert _plain(mail.subject) == "Rappel : 12 déclarations à déposer avant le 15/04/2025"
    for contract in contracts:
        assert contract.reference in mail.text_body and contract.reference in mail.html_body
        assert "Lot" in mail.text_body
    first_quarters = [factories.declarations(db, c)[0] for c in contracts]
    for declaration in first_quarters:
        assert f"/fournisseur/declarations/{declaration.id}" in mail.text_body
    assert sorted(db.scalars(select(MailAbout.entity_id).where(MailAbout.mail_id == mail.id))
                  ) == sorted(d.id for d in first_quarters)
    # Each user of the organisation: a bell notice per declaration; no mail for the one who
    # turned them off.
    assert _mails(db, quiet) == []
    assert len(_bells(db, holder)) == len(_bells(db, quiet)) == 12
    # The other supplier gets its own mail, naming its own contracts only.
    [its_own] = _mails(db, other)
    assert _plain(its_own.subject) == "Rappel : 2 déclarations à déposer avant le 15/04/2025"
    assert all(c.reference not in its_own.text_body for c in contracts)
    assert all(c.reference in its_own.text_body for c in other_contracts)

    # The job run again the same day: nothing more.
    before = _counts(db)
    remind_due(db)
    assert _counts(db) == before

    # The person sees the twelve in the portal.
    login(holder)
    page = visible_text(client.get("/notifications").text)
    assert page.count("À déposer avant le 15/04/2025") >= 10


def test_one_declaration_names_its_contract_and_late_ones_are_listed_with_the_due_ones(db):
    buyer = factories.make_user(db, Role.buyer)
    holder, _, [single] = _supplier_with_contracts(db, buyer, 1)
    _at(date(2025, 4, 8))
    remind_due(db)
    [mail] = _mails(db, holder)
    assert _plain(mail.subject) == (f"Rappel : déclaration à déposer avant le 15/04/2025 — "
                                    f"contrat {_plain(single.title)}")

    # A monthly contract starting in April: its first month falls due while the first
    # quarter of the other one is late.
    factories.make_contract(db, buyer, holder.organisation, reference="LE-2025-002",
                            frequency="monthly", starts_on=date(2025, 4, 1))
    _at(date(2025, 5, 8))  # 1st quarter of `single` late; April due on 15/05
    remind_due(db)
    second = _mails(db, holder)[-1]
    assert second.kind == "overdue"
    assert _plain(second.subject) == "2 déclarations à déposer, dont 1 en retard"
    assert single.reference in second.text_body and "LE-2025-002" in second.text_body
    assert "En retard depuis le 15/04/2025" in _plain(second.text_body)
    assert "À déposer avant le 15/05/2025" in _plain(second.text_body)


def test_the_buyer_gets_one_mail_of_unfiled_declarations_after_the_grace_period(db):
    buyer = factories.make_user(db, Role.buyer)
    colleague = factories.make_user(db, Role.buyer, organisation=buyer.organisation)
    first_holder, _, first = _supplier_with_contracts(db, buyer, 3)
    second_holder, _, second = _supplier_with_contracts(db, buyer, 2)
    other_buyer = factories.make_user(db, Role.buyer)
    third_holder, _, third = _supplier_with_contracts(db, other_buyer, 1)
    _at(date(2025, 4, 16))
    remind_due(db)
    notify_overdue(db)
    assert _mails(db, buyer) == []  # the grace period
    _at(date(2025, 4, 23))
    notify_overdue(db)
    notify_overdue(db)
    for agent in (buyer, colleague):
        [mail] = _mails(db, agent)
        assert mail.kind == "overdue_buyer"
        assert _plain(mail.subject) == "5 déclarations non déposées"
        assert all(c.reference in mail.text_body for c in first + second)
        assert third[0].reference not in mail.text_body
        assert first_holder.organisation.name in mail.text_body
        assert "/acheteur/declarations?state=overdue" in mail.text_body
    [theirs] = _mails(db, other_buyer)
    assert _plain(theirs.subject) == (f"Déclaration non déposée — contrat "
                                      f"{_plain(third[0].title)}")
    # Each holder was told once, the day after the due date, in one mail.
    for holder, count in ((first_holder, 3), (second_holder, 2), (third_holder, 1)):
        [mail] = _mails(db, holder)
        assert mail.kind == "overdue"
        assert len(_bells(db, holder)) == count


def test_what_comes_up_after_the_days_mail_waits_for_the_next_day(db):
    buyer = factories.make_user(db, Role.buyer)
    holder, _, [contract] = _supplier_with_contracts(db, buyer, 1)
    _at(date(2025, 4, 8))
    remind_due(db)
    factories.make_contract(db, buyer, holder.organisation, starts_on=date(2025, 1, 1))
    remind_due(db)  # the same day: the new contract's reminder waits
    assert len(_mails(db, holder)) == 1 and len(_bells(db, holder)) == 1
    _at(date(2025, 4, 9))
    remind_due(db)
    assert len(_mails(db, holder)) == 2 and len(_bells(db, holder)) == 2
    assert contract.reference not in _mails(db, holder)[-1].text_body  # told already
