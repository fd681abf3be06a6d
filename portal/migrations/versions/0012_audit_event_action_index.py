"""audit_event index on (entity, action, at): the review-delay indicator reads the reviews of
a year by action and time, then each review's latest submission

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:45:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_event_action', 'audit_event', ['entity', 'action', 'at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_event_action', table_name='audit_event')
