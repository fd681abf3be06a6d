"""The notifications page at scale: ~50 a page with the total, unread ones on their own."""

from datetime import UTC, datetime, timedelta

from portal import clock
from portal.models import Role
from portal.notifications import notify
from tests import factories
from tests.conftest import visible_text
from tests.scale import page_statements

START = datetime(2025, 3, 1, 8, tzinfo=UTC)


def _notify(db, user, first: int, last: int, *, read: bool = False) -> None:
    """Notifications « Message <n> », one a minute; the highest number is the latest."""
    for n in range(first, last + 1):
        clock.freeze(START + timedelta(minutes=n))
        notify(db, user, key=f"test:{n}", kind="reminder", message=f"Message {n:03d}.",
               link=None, mail=False)
    if read:
        from portal.notifications import mark_read
        mark_read(db, user)
    db.commit()
    clock.freeze(None)


def _messages(response) -> list[str]:
    return [w for w in visible_text(response.text).split() if w[:-1].isdigit() and len(w) == 4]


def test_notifications_come_fifty_a_page_latest_first(client, db, login):
    user = factories.make_user(db, Role.supplier)
    _notify(db, user, 1, 60)
    login(user)
    first = client.get("/notifications")
    assert first.status_code == 200
    text = visible_text(first.text)
    assert "60 notifications." in text and "Page 1 sur 2" in text
    assert "Message 060." in text and "Message 011." in text and "Message 010." not in text
    assert 'href="/notifications?page=2"' in first.text

    second = visible_text(client.get("/notifications?page=2").text)
    assert "Message 010." in second and "Message 001." in second
    assert "Message 011." not in second
    # Past the end: the last page; not a number: the first.
    assert "Message 001." in visible_text(client.get("/notifications?page=999").text)
    assert "Message 060." in visible_text(client.get("/notifications?page=abc").text)


def test_unread_notifications_on_their_own_and_nobody_elses(client, db, login):
    user, other = factories.make_user(db, Role.supplier), factories.make_user(db, Role.supplier)
    _notify(db, user, 1, 3, read=True)
    _notify(db, user, 4, 5)
    _notify(db, other, 6, 6)
    login(user)
    everything = visible_text(client.get("/notifications").text)
    assert "5 notifications." in everything and "Message 006." not in everything
    assert "Page 1 sur" not in everything  # one page: no page links
    unread = client.get("/notifications?filtre=non-lues")
    text = visible_text(unread.text)
    assert "2 notifications non lues." in text
    assert "Message 005." in text and "Message 004." in text and "Message 003." not in text
    assert 'aria-current="page">Non lues' in unread.text.replace("\n", "")


def test_htmx_swaps_only_the_list(client, db, login):
    user = factories.make_user(db, Role.supplier)
    _notify(db, user, 1, 2)
    login(user)
    fragment = client.get("/notifications?filtre=non-lues", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="notifications">')
    assert "<h1>" not in fragment.text


def test_the_page_sends_as_many_statements_for_3_or_60_notifications(client, db, engine,
                                                                     login):
    user = factories.make_user(db, Role.supplier)
    _notify(db, user, 1, 3)
    login(user)
    small = page_statements(client, engine, "/notifications", db)
    _notify(db, user, 4, 60)
    large = page_statements(client, engine, "/notifications", db)
    assert len(small) == len(large), (len(small), len(large))
