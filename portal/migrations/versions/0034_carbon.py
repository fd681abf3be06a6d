"""carbon follow-up: the holder's periodic carbon declaration (emissions by scope, method) and
the contract's global-cost award criterion and carbon clause

Revision ID: 0034_carbon
Revises: 0033_candidate_survey
Create Date: 2026-12-06 04:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0034_carbon'
down_revision: str | None = '0033_candidate_survey'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('carbon_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('scope1_tco2e', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('scope2_tco2e', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('scope3_tco2e', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('method_other', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_carbon_report_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carbon_report')),
    sa.UniqueConstraint('declaration_id', name=op.f('uq_carbon_report_declaration_id'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('global_cost_criterion', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('carbon_clause', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('carbon_clause')
        batch_op.drop_column('global_cost_criterion')
    op.drop_table('carbon_report')
