"""Scheduled jobs on a crafted dataset with a fixed clock: the right people told, once."""

from datetime import UTC, date, datetime
from email import message_from_bytes, policy

from sqlalchemy import func, select

from execution.jobs import weekly_digest
from portal import clock
from portal.jobs import deliver_mail
from portal.mail import OutgoingMail
from portal.models import Role
from portal.notifications import Notification
from portal.settings import get_settings
from supplier.jobs import generate_periods, notify_overdue, remind_due
from tests import factories


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 7, tzinfo=UTC))


def _keys(db, user) -> list[str]:
    return list(db.scalars(select(Notification.key).where(Notification.user_id == user.id)
                           .order_by(Notification.id)))


def _mails(db, to: str, kind: str | None = None) -> list[str]:
    query = select(OutgoingMail.subject).where(OutgoingMail.to_address == to)
    if kind is not None:
        query = query.where(OutgoingMail.kind == kind)
    return list(db.scalars(query.order_by(OutgoingMail.id)))


def test_reminders_seven_and_one_day_before_then_overdue_alerts(db, world):
    q1 = world.declarations[0]  # 1st quarter 2025, due 15/04/2025
    _at(date(2025, 4, 8))
    remind_due(db)
    assert _keys(db, world.holder) == [f"reminder:declaration:{q1.id}:7"]
    contract = f"contrat {world.contract.reference} «\xa0{world.contract.object}\xa0»"
    assert _mails(db, world.holder.email) == [
        f"Rappel\xa0: déclaration à déposer avant le 15/04/2025 — {contract}"]

    _at(date(2025, 4, 14))
    remind_due(db)
    assert _keys(db, world.holder)[-1] == f"reminder:declaration:{q1.id}:1"

    # The day after the due date, the holder's day brings the overdue alert.
    _at(date(2025, 4, 16))
    remind_due(db)
    notify_overdue(db)
    assert _keys(db, world.holder)[-1] == f"overdue:declaration:{q1.id}"
    assert _mails(db, world.holder.email)[-1] == f"Déclaration en retard — {contract}"
    assert _keys(db, world.buyer) == []  # the buyer waits for the grace period

    _at(date(2025, 4, 23))
    remind_due(db)
    notify_overdue(db)
    assert _keys(db, world.holder)[-1] == f"overdue:declaration:{q1.id}"  # told once
    assert _keys(db, world.buyer) == [f"overdue-buyer:declaration:{q1.id}"]
    assert _mails(db, world.buyer.email) == [f"Déclaration non déposée — {contract}"]


def test_running_every_job_twice_sends_nothing_new(db, world):
    _at(date(2025, 4, 30))
    for job in (generate_periods, remind_due, notify_overdue, weekly_digest, deliver_mail):
        job(db)
    counts = (db.scalar(select(func.count()).select_from(Notification)),
              db.scalar(select(func.count()).select_from(OutgoingMail)))
    assert counts[0] > 0
    for job in (generate_periods, remind_due, notify_overdue, weekly_digest, deliver_mail):
        job(db)
    assert counts == (db.scalar(select(func.count()).select_from(Notification)),
                      db.scalar(select(func.count()).select_from(OutgoingMail)))


def test_submitted_declarations_are_not_chased(db, world):
    factories.submit(db, world.declarations[0], world.holder)
    _at(date(2025, 4, 20))
    remind_due(db)
    notify_overdue(db)
    assert not any(str(world.declarations[0].id) in k for k in _keys(db, world.holder))


def test_a_user_who_turned_mail_off_still_sees_the_bell(db, client, login, world):
    world.holder.mail_alerts = False
    db.commit()
    _at(date(2025, 4, 8))
    remind_due(db)
    assert _mails(db, world.holder.email) == []
    login(world.holder)
    page = client.get("/fournisseur").text
    assert "1<span class=\"visually-hidden\"> non lues</span>" in page
    assert "À déposer avant le 15/04/2025" in client.get("/notifications").text


def test_weekly_digest_once_a_week_per_buyer(db, world):
    colleague = factories.make_user(db, Role.buyer, organisation=world.buyer.organisation)
    factories.submit(db, world.declarations[0], world.holder)
    _at(date(2025, 5, 5))  # a Monday
    weekly_digest(db)
    weekly_digest(db)
    assert len(_mails(db, world.buyer.email, "digest")) == 1
    assert len(_mails(db, colleague.email, "digest")) == 1
    text = db.scalar(select(OutgoingMail.text_body).where(
        OutgoingMail.to_address == world.buyer.email, OutgoingMail.kind == "digest"))
    assert "Déclarations à examiner\xa0: 1" in text
    _at(date(2025, 5, 12))
    weekly_digest(db)
    assert len(_mails(db, world.buyer.email, "digest")) == 2


def test_mails_without_smtp_are_written_as_eml_files(db, world):
    _at(date(2025, 4, 8))
    remind_due(db)
    assert deliver_mail(db) == "1 courriel envoyé, 0 en échec"
    mail = db.scalar(select(OutgoingMail))
    assert mail.status == "sent" and mail.attempts == 1
    eml = get_settings().data_dir / "mail" / f"20250408-070000-{mail.id:06d}.eml"
    subject = message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"]
    assert subject == mail.subject and subject.startswith("Rappel\xa0: ")


def test_generate_periods_follows_a_longer_contract(db, world):
    world.contract.ends_on = date(2026, 6, 30)
    db.commit()
    _at(date(2025, 12, 1))
    generate_periods(db)
    assert len(factories.declarations(db, world.contract)) == 6


def test_survey_respondents_are_invited_once_then_reminded(db, world):
    from surveys.jobs import close_campaigns, launch_campaigns

    _at(date(2026, 1, 5))  # the 2025 contract has ended
    assert launch_campaigns(db).startswith("1 campagne lancée")
    assert launch_campaigns(db).startswith("0 campagne lancée, 0 invitation")
    holder_keys = [k for k in _keys(db, world.holder) if k.startswith("survey")]
    buyer_keys = [k for k in _keys(db, world.buyer) if k.startswith("survey")]
    assert len(holder_keys) == len(buyer_keys) == 1
    _at(date(2026, 1, 30))  # due 04/02/2026: a week before
    launch_campaigns(db)
    assert [k for k in _keys(db, world.holder) if k.startswith("survey-reminder")]
    _at(date(2026, 2, 10))
    assert close_campaigns(db) == "1 campagne close"
