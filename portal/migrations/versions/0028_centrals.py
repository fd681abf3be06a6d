"""purchasing centrals and consistent counting: the members of a central, the members that use
a contract of the central (with the amount each orders), and the legal basis of a reserved
contract (L2113-12, L2113-13, L2113-15; empty for the rows before)

Revision ID: 0028_centrals
Revises: 0027_first_submission
Create Date: 2026-12-06 01:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028_centrals'
down_revision: str | None = '0027_first_submission'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('central_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('central_org_id', sa.Integer(), nullable=False),
    sa.Column('member_org_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['central_org_id'], ['organisation.id'], name=op.f('fk_central_membership_central_org_id_organisation')),
    sa.ForeignKeyConstraint(['member_org_id'], ['organisation.id'], name=op.f('fk_central_membership_member_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_central_membership')),
    sa.UniqueConstraint('central_org_id', 'member_org_id', name=op.f('uq_central_membership_central_org_id'))
    )
    op.create_index(op.f('ix_central_membership_member_org_id'), 'central_membership', ['member_org_id'], unique=False)
    op.create_table('central_contract_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('member_org_id', sa.Integer(), nullable=False),
    sa.Column('amount_excl_vat', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_central_contract_use_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_org_id'], ['organisation.id'], name=op.f('fk_central_contract_use_member_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_central_contract_use')),
    sa.UniqueConstraint('contract_id', 'member_org_id', name=op.f('uq_central_contract_use_contract_id'))
    )
    op.create_index(op.f('ix_central_contract_use_member_org_id'), 'central_contract_use', ['member_org_id'], unique=False)
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved_basis', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('reserved_basis')
    op.drop_index(op.f('ix_central_contract_use_member_org_id'), table_name='central_contract_use')
    op.drop_table('central_contract_use')
    op.drop_index(op.f('ix_central_membership_member_org_id'), table_name='central_membership')
    op.drop_table('central_membership')
