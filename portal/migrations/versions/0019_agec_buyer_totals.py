"""the buyers' own AGEC totals per year and category (the figures of the declaration file)

Revision ID: 0019_agec_buyer_totals
Revises: 0018_decp_import
Create Date: 2026-12-05 19:35:36.128822
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019_agec_buyer_totals'
down_revision: str | None = '0018_decp_import'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'agec_buyer_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('buyer_org_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('category_code', sa.String(length=40), nullable=False),
        sa.Column('total_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('reuse_and_donation_excl_vat', sa.Numeric(precision=14, scale=2),
                  nullable=False),
        sa.Column('donation_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('recycled_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'],
                                name=op.f('fk_agec_buyer_total_buyer_org_id_organisation')),
        sa.ForeignKeyConstraint(['category_code'], ['agec_category.code'],
                                name=op.f('fk_agec_buyer_total_category_code_agec_category')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                                name=op.f('fk_agec_buyer_total_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agec_buyer_total')),
        sa.UniqueConstraint('buyer_org_id', 'year', 'category_code',
                            name=op.f('uq_agec_buyer_total_buyer_org_id')),
    )


def downgrade() -> None:
    op.drop_table('agec_buyer_total')
