"""paged lists: a contract's declarations by state and a declaration's hours read from the
index alone (they replace the single-column indexes they start with); each insertion
commitment's validated hours kept on the commitment, filled here from the lines

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


VALIDATED_HOURS = """
UPDATE commitment SET validated_hours = COALESCE((
    SELECT SUM(insertion_line.hours) FROM insertion_line
    JOIN declaration ON declaration.id = insertion_line.declaration_id
    WHERE declaration.commitment_id = commitment.id AND declaration.status = 'validated'), 0)
WHERE kind = 'insertion_hours'
"""


def upgrade() -> None:
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validated_hours', sa.Numeric(precision=14, scale=2),
                                      server_default='0', nullable=False))
    op.execute(VALIDATED_HOURS)
    op.create_index('ix_declaration_commitment_status', 'declaration',
                    ['commitment_id', 'status'], unique=False)
    op.drop_index('ix_declaration_commitment_id', table_name='declaration')
    op.create_index('ix_insertion_line_declaration_hours', 'insertion_line',
                    ['declaration_id', 'hours'], unique=False)
    op.drop_index('ix_insertion_line_declaration_id', table_name='insertion_line')


def downgrade() -> None:
    op.create_index('ix_insertion_line_declaration_id', 'insertion_line', ['declaration_id'],
                    unique=False)
    op.drop_index('ix_insertion_line_declaration_hours', table_name='insertion_line')
    op.create_index('ix_declaration_commitment_id', 'declaration', ['commitment_id'],
                    unique=False)
    op.drop_index('ix_declaration_commitment_status', table_name='declaration')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('validated_hours')
