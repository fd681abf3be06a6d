"""Migration 0027 keeps each declaration's first submission: from the earliest submit event of
the audit (a declaration returned and filed again keeps its first filing), else from the
submission in force; a declaration never filed has none."""

from alembic import command
from sqlalchemy import create_engine, text

from portal.migrate import alembic_config

AUDIT = [(1, "2025-04-20 08:00:00", "submit"), (1, "2025-04-25 08:00:00", "return"),
         (1, "2025-05-10 08:00:00", "resubmit"), (2, "2025-07-01 08:00:00", "submit")]


def test_the_first_submission_is_read_from_the_audit(tmp_path):
    url = f"sqlite:///{tmp_path / 'before.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection, url), "0025_notices")
        # 1: returned then filed again; 2: validated since; 3: filed before the audit kept
        # submissions (none in it); 4: never filed.
        for n, status, submitted in ((1, "submitted", "2025-05-10 08:00:00"),
                                     (2, "validated", "2025-07-01 08:00:00"),
                                     (3, "validated", "2024-03-01 08:00:00"),
                                     (4, "expected", None)):
            connection.execute(text(
                "INSERT INTO declaration (id, commitment_id, buyer_org_id, subject, "
                "period_start, period_end, due_on, status, version, submitted_at, updated_at) "
                "VALUES (:id, 1, 1, 'period', '2025-01-01', '2025-03-31', '2025-04-30', "
                ":status, 1, :submitted, '2025-07-01 08:00:00')"),
                {"id": n, "status": status, "submitted": submitted})
        for n, (declaration, at, action) in enumerate(AUDIT, start=1):
            connection.execute(text(
                "INSERT INTO audit_event (id, at, entity, entity_id, action) "
                "VALUES (:id, :at, 'declaration', :entity_id, :action)"),
                {"id": n, "at": at, "entity_id": declaration, "action": action})
        command.upgrade(alembic_config(connection, url), "0027_first_submission")
        first = dict(connection.execute(text(
            "SELECT id, first_submitted_at FROM declaration")).all())
    engine.dispose()
    assert {k: v and str(v)[:19] for k, v in first.items()} == {
        1: "2025-04-20 08:00:00", 2: "2025-07-01 08:00:00", 3: "2024-03-01 08:00:00", 4: None}
