"""indexes for the paged lists: a contract's declarations by state, a declaration's hours read
from the index alone; they replace the single-column indexes they start with

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:40:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
