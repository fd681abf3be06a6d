"""throttle_event: failed logins, reset and invitation requests, per account and address, shared
by every worker process

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'throttle_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_event')),
    )
    op.create_index('ix_throttle_event_action_subject', 'throttle_event',
                    ['action', 'subject', 'at'], unique=False)
    op.create_index(op.f('ix_throttle_event_at'), 'throttle_event', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_throttle_event_at'), table_name='throttle_event')
    op.drop_index('ix_throttle_event_action_subject', table_name='throttle_event')
    op.drop_table('throttle_event')
