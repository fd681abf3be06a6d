"""published indicators: a buyer organisation's frozen snapshot of chosen indicators of a period
(one version per publication), read publicly at /publication

Revision ID: 0029_publication
Revises: 0028_centrals
Create Date: 2026-12-06 01:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029_publication'
down_revision: str | None = '0028_centrals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('report_pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_publication_buyer_org_id_organisation')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_publication_published_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('buyer_org_id', 'period', 'version', name=op.f('uq_publication_buyer_org_id'))
    )
    op.create_index(op.f('ix_publication_buyer_org_id'), 'publication', ['buyer_org_id'], unique=False)
    op.create_table('published_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Numeric(precision=20, scale=4), nullable=True),
    sa.Column('numerator', sa.Numeric(precision=20, scale=4), nullable=True),
    sa.Column('denominator', sa.Numeric(precision=20, scale=4), nullable=True),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_published_indicator_publication_id_publication'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_indicator')),
    sa.UniqueConstraint('publication_id', 'indicator_id', name=op.f('uq_published_indicator_publication_id'))
    )
    op.create_index(op.f('ix_published_indicator_publication_id'), 'published_indicator', ['publication_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_published_indicator_publication_id'), table_name='published_indicator')
    op.drop_table('published_indicator')
    op.drop_index(op.f('ix_publication_buyer_org_id'), table_name='publication')
    op.drop_table('publication')
