"""The « Envois » page at scale: 50 mails a page with the total, searched and filtered."""

from sqlalchemy import func, select

from portal.mail import OutgoingMail, queue_mail
from portal.models import OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.scale import page_statements


def _queue(db, first: int, last: int, *, kind: str = "reminder") -> None:
    for n in range(first, last + 1):
        queue_mail(db, to=f"dest{n:03d}@example.fr", subject=f"Objet {n:03d}",
                   text="Corps " * 200, html="<p>Corps</p>" * 200, kind=kind)
    db.commit()


def _admin(db, login):
    return login(factories.make_user(db, Role.admin, organisation=factories.make_org(
        db, OrgKind.buyer)))


def _text(response) -> str:
    assert response.status_code == 200, response.text[:300]
    return visible_text(response.text).replace("\u202f", " ")


def test_mails_come_fifty_a_page_latest_first(client, db, login):
    _queue(db, 1, 60)
    _admin(db, login)
    total = db.scalar(select(func.count()).select_from(OutgoingMail))
    first = _text(client.get("/admin/envois"))
    assert f"{total} courriels." in first and "Page 1 sur 2" in first
    assert "dest060@example.fr" in first and "dest011@example.fr" in first
    assert "dest010@example.fr" not in first
    second = _text(client.get("/admin/envois?page=2"))
    assert "dest010@example.fr" in second and "dest001@example.fr" in second
    assert "dest011@example.fr" not in second
    assert "dest001@example.fr" in _text(client.get("/admin/envois?page=999"))
    assert "dest060@example.fr" in _text(client.get("/admin/envois?page=abc"))


def test_search_by_recipient_or_subject_and_filter_by_status_and_kind(client, db, login):
    _queue(db, 1, 60)
    _queue(db, 61, 62, kind="invitation")
    failed = db.scalar(select(OutgoingMail).where(OutgoingMail.to_address == "dest007@example.fr"))
    failed.status = "failed"
    db.commit()
    _admin(db, login)
    found = _text(client.get("/admin/envois?q=DEST042"))
    assert "1 courriel correspondant aux filtres." in found and "dest042@example.fr" in found
    assert "Objet 042" in _text(client.get("/admin/envois?q=objet+042"))
    assert "Aucun courriel ne correspond à ces filtres." in _text(
        client.get("/admin/envois?q=personne"))
    failures = client.get("/admin/envois?statut=failed")
    assert "dest007@example.fr" in _text(failures) and "Renvoyer" in failures.text
    assert "1 courriel correspondant" in _text(failures)
    invitations = _text(client.get("/admin/envois?motif=invitation"))
    assert "2 courriels correspondant aux filtres." in invitations
    assert "dest061@example.fr" in invitations and "dest060@example.fr" not in invitations
    # Odd filters are ignored, not errors.
    assert "dest060@example.fr" in _text(client.get("/admin/envois?statut=x&motif=y"))


def test_the_filters_stay_on_the_page_links(client, db, login):
    _queue(db, 1, 60)
    _admin(db, login)
    page = client.get("/admin/envois?q=example&statut=pending")
    assert 'href="/admin/envois?q=example&amp;statut=pending&amp;page=2"' in page.text
    assert '<label for="q">' in page.text and '<nav class="pagination" aria-label' in page.text
    fragment = client.get("/admin/envois?q=dest05", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="mails">')
    assert "dest050@example.fr" in fragment.text and "<h1>" not in fragment.text


def test_only_administrators_read_the_mails(client, db, login):
    _queue(db, 1, 1)
    login(factories.make_user(db, Role.buyer))
    assert client.get("/admin/envois").status_code == 403


def test_the_page_sends_as_many_statements_for_3_or_60_mails(client, db, engine, login):
    _queue(db, 1, 3)
    _admin(db, login)
    small = page_statements(client, engine, "/admin/envois", db)
    _queue(db, 4, 60)
    large = page_statements(client, engine, "/admin/envois", db)
    assert len(small) == len(large), (len(small), len(large))
    # The bodies stay in the database: the list does not need them.
    assert not any("text_body" in s for s in large if "count(" not in s.lower()), large
