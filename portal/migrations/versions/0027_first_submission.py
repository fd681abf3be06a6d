"""the first submission of a declaration, kept when it is returned or reopened and submitted
again: « filed on time » is decided by it. Backfilled from the earliest submit event of the
audit where there is one, else from the submission in force.

Revision ID: 0027_first_submission
Revises: 0026_buyer_settings
Create Date: 2026-12-06 01:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027_first_submission'
down_revision: str | None = '0026_buyer_settings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submitted_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE declaration SET first_submitted_at = coalesce(("
               "SELECT min(a.at) FROM audit_event a WHERE a.entity = 'declaration' "
               "AND a.entity_id = declaration.id AND a.action IN ('submit', 'resubmit')), "
               "submitted_at)")


def downgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_column('first_submitted_at')
