"""DECP imports: the job row of each import (file, buyer, status, progress, counts) and its
rejection report

Revision ID: 0018_decp_import
Revises: 0017_decp_register
Create Date: 2026-12-05 21:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_decp_import'
down_revision: str | None = '0017_decp_register'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'decp_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('buyer_org_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('records_read', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('rejected', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('progressed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'],
                                name=op.f('fk_decp_import_buyer_org_id_organisation')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_decp_import_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decp_import')),
    )
    op.create_index('ix_decp_import_buyer', 'decp_import', ['buyer_org_id', 'created_at'])
    op.create_table(
        'decp_rejection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.String(length=200), nullable=False),
        sa.Column('field', sa.String(length=120), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['decp_import.id'], ondelete='CASCADE',
                                name=op.f('fk_decp_rejection_import_id_decp_import')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decp_rejection')),
    )
    op.create_index('ix_decp_rejection_import', 'decp_rejection', ['import_id', 'position'])


def downgrade() -> None:
    op.drop_index('ix_decp_rejection_import', table_name='decp_rejection')
    op.drop_table('decp_rejection')
    op.drop_index('ix_decp_import_buyer', table_name='decp_import')
    op.drop_table('decp_import')
