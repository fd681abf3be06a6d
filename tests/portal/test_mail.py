"""Mail delivery through a real SMTP server (aiosmtpd) that fails, then recovers."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal import clock
from portal.jobs import deliver_mail
from portal.mail import OutgoingMail, queue_mail
from portal.settings import get_settings


class FlakyServer:
    """Refuses the first `failures` messages with a temporary error, then accepts."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Réessayez plus tard"
        message = envelope.content.decode("utf8", errors="replace")
        self.received.append(next(line for line in message.splitlines()
                                  if line.startswith("Message-ID")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    handler = FlakyServer(failures=2)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(get_settings(), "smtp_url", f"smtp://127.0.0.1:{port}")
    yield handler
    controller.stop()


def test_every_mail_arrives_exactly_once_after_failures(db, smtp):
    start = clock.now()
    clock.freeze(start)
    for n in range(3):
        queue_mail(db, to=f"agent{n}@example.fr", subject=f"Essai {n}", text="Bonjour",
                   kind="reminder", key=f"essai:{n}")
    db.commit()

    assert deliver_mail(db) == "1 courriel envoyé, 2 en échec"
    failed = db.scalars(select(OutgoingMail).where(OutgoingMail.status == "pending")).all()
    assert len(failed) == 2 and all("451" in m.last_error for m in failed)
    assert deliver_mail(db) == "0 courriel envoyé, 0 en échec"  # back-off: not yet

    clock.freeze(start + timedelta(minutes=2))
    assert deliver_mail(db) == "2 courriels envoyés, 0 en échec"
    assert deliver_mail(db) == "0 courriel envoyé, 0 en échec"

    assert len(smtp.received) == len(set(smtp.received)) == 3
    mails = db.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert [(m.status, m.attempts) for m in mails] == [("sent", 2), ("sent", 2), ("sent", 1)]


def test_queueing_twice_with_the_same_key_records_one_mail(db):
    assert queue_mail(db, to="a@example.fr", subject="S", text="T", kind="reminder", key="k")
    assert queue_mail(db, to="a@example.fr", subject="S", text="T", kind="reminder",
                      key="k") is None


def test_a_mail_that_keeps_failing_ends_failed_and_stays_visible(db, client, login, monkeypatch):
    from portal.models import OrgKind, Role
    from tests import factories

    monkeypatch.setattr(get_settings(), "smtp_url", f"smtp://127.0.0.1:{_free_port()}")
    monkeypatch.setattr(get_settings(), "mail_max_attempts", 2)
    start = clock.now()
    clock.freeze(start)
    queue_mail(db, to="perdu@example.fr", subject="Injoignable", text="T", kind="reminder")
    db.commit()
    deliver_mail(db)
    clock.freeze(start + timedelta(minutes=2))
    deliver_mail(db)
    mail = db.scalar(select(OutgoingMail))
    assert mail.status == "failed" and mail.attempts == 2 and "Connection" in mail.last_error

    admin = factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))
    login(admin)
    page = client.get("/admin/envois?statut=failed")
    assert "perdu@example.fr" in page.text and "Renvoyer" in page.text
