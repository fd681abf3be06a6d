"""Migration 0016 links the reminders sent before it to their declaration, from their keys, so
that the late filings list shows them as the last reminder from the first day."""

from alembic import command
from sqlalchemy import create_engine, text

from portal.migrate import alembic_config

KEYS = {"reminder:declaration:12:7:3": 12, "overdue:declaration:40:3": 40,
        "overdue-buyer:declaration:41:5": 41, "survey:invitation:12:3": None,
        "digest:2025-W19:5": None}


def test_the_reminders_already_sent_are_linked_to_their_declaration(tmp_path):
    url = f"sqlite:///{tmp_path / 'before.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection, url), "0015")
        for n, key in enumerate(KEYS, start=1):
            connection.execute(text(
                "INSERT INTO outgoing_mail (id, key, kind, to_address, subject, text_body, "
                "status, attempts, next_attempt_at, created_at) VALUES (:id, :key, 'alert', "
                "'a@example.fr', 'Sujet', 'Texte', 'sent', 1, '2025-07-20 09:00:00', "
                "'2025-07-20 09:00:00')"), {"id": n, "key": key})
        command.upgrade(alembic_config(connection, url), "head")
        # Since 0025 a mail's records are rows of their own (a grouped reminder lists several).
        linked = dict(connection.execute(text(
            "SELECT m.key, a.entity_id FROM outgoing_mail m JOIN outgoing_mail_about a "
            "ON a.mail_id = m.id WHERE a.entity = 'declaration'")).all())
    engine.dispose()
    assert linked == {key: about for key, about in KEYS.items() if about is not None}
