"""indicator settings per buyer organisation: the instance's row gains the « no threshold »
rule, the legal payment delay and the amount threshold of the TPE/PME and local-firm shares by
amount; a buyer organisation may set its own values (buyer_indicator_settings, NULL = the
instance's) and its own targets (indicator_target.buyer_org_id, NULL = the instance's)

Revision ID: 0026_buyer_settings
Revises: 0025_notices
Create Date: 2026-12-06 01:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026_buyer_settings'
down_revision: str | None = '0025_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANCE = sa.text('buyer_org_id IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('indicator_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_notified', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('payment_delay_days', sa.Integer(), server_default='30',
                                      nullable=False))
        batch_op.add_column(sa.Column('holder_amount_threshold_eur',
                                      sa.Numeric(precision=14, scale=2), server_default='40000',
                                      nullable=False))
    op.create_table('buyer_indicator_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('fte_hours', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('all_notified', sa.Boolean(), nullable=True),
    sa.Column('consideration_threshold_eur', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('payment_delay_days', sa.Integer(), nullable=True),
    sa.Column('holder_amount_threshold_eur', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_buyer_indicator_settings_buyer_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_buyer_indicator_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyer_indicator_settings')),
    sa.UniqueConstraint('buyer_org_id', name=op.f('uq_buyer_indicator_settings_buyer_org_id'))
    )
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_indicator_target_buyer_org_id_organisation'),
                                    'organisation', ['buyer_org_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint('uq_indicator_target_indicator_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_indicator_target_buyer_org_id'),
                                          ['buyer_org_id', 'indicator_id', 'year'])
    op.create_index('uq_indicator_target_instance', 'indicator_target', ['indicator_id', 'year'],
                    unique=True, sqlite_where=INSTANCE, postgresql_where=INSTANCE)


def downgrade() -> None:
    op.drop_index('uq_indicator_target_instance', table_name='indicator_target',
                  sqlite_where=INSTANCE, postgresql_where=INSTANCE)
    # The buyers' own targets have no place in the instance-wide table.
    op.execute('DELETE FROM indicator_target WHERE buyer_org_id IS NOT NULL')
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_indicator_target_buyer_org_id'), type_='unique')
        batch_op.create_unique_constraint('uq_indicator_target_indicator_id',
                                          ['indicator_id', 'year'])
        batch_op.drop_constraint(batch_op.f('fk_indicator_target_buyer_org_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_column('buyer_org_id')
    op.drop_table('buyer_indicator_settings')
    with op.batch_alter_table('indicator_settings', schema=None) as batch_op:
        batch_op.drop_column('holder_amount_threshold_eur')
        batch_op.drop_column('payment_delay_days')
        batch_op.drop_column('all_notified')
