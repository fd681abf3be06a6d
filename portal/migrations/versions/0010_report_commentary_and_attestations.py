"""report commentary and insertion attestations

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 13:00:52.043139
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('attestation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('holder_org_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('contract_reference', sa.String(length=64), nullable=False),
    sa.Column('contract_object', sa.Text(), nullable=False),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('holder_siret', sa.String(length=14), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_attestation_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['holder_org_id'], ['organisation.id'], name=op.f('fk_attestation_holder_org_id_organisation')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_attestation_issued_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation')),
    sa.UniqueConstraint('code', name=op.f('uq_attestation_code'))
    )
    with op.batch_alter_table('attestation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestation_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestation_holder_org_id'), ['holder_org_id'], unique=False)

    op.create_table('report_commentary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_report_commentary_buyer_org_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_commentary_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_commentary')),
    sa.UniqueConstraint('buyer_org_id', 'year', 'section', name=op.f('uq_report_commentary_buyer_org_id'))
    )
    with op.batch_alter_table('report_commentary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_commentary_buyer_org_id'), ['buyer_org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_commentary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_commentary_buyer_org_id'))

    op.drop_table('report_commentary')
    with op.batch_alter_table('attestation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestation_holder_org_id'))
        batch_op.drop_index(batch_op.f('ix_attestation_contract_id'))

    op.drop_table('attestation')
