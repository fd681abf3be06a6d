"""indicator settings and targets

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:04:41.053626
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('indicator_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fte_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('consideration_threshold_eur', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_indicator_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_settings'))
    )
    op.create_table('indicator_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_indicator_target_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_target_indicator_id'))
    )
    # The defaults of indicators.md: 1 607 h per full-time equivalent (the legal annual working
    # time) and 90 000 € HT for the "share of contracts" indicators.
    settings = sa.table('indicator_settings', sa.column('id', sa.Integer),
                        sa.column('fte_hours', sa.Numeric(7, 2)),
                        sa.column('consideration_threshold_eur', sa.Numeric(14, 2)))
    op.bulk_insert(settings, [{'id': 1, 'fte_hours': 1607, 'consideration_threshold_eur': 90000}])


def downgrade() -> None:
    op.drop_table('indicator_target')
    op.drop_table('indicator_settings')
