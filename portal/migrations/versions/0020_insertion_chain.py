"""the insertion chain: facilitators, shared commitments, sub-contractors, checks, exits

Revision ID: 0020_insertion_chain
Revises: 0019_agec_buyer_totals
Create Date: 2026-12-05 22:04:26.140446
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020_insertion_chain'
down_revision: str | None = '0019_agec_buyer_totals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('facilitator_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_org_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_facilitator_assignment_buyer_org_id_organisation')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_facilitator_assignment_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facilitator_org_id'], ['organisation.id'], name=op.f('fk_facilitator_assignment_facilitator_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitator_assignment')),
    sa.UniqueConstraint('facilitator_org_id', 'buyer_org_id', 'contract_id', name=op.f('uq_facilitator_assignment_facilitator_org_id'))
    )
    with op.batch_alter_table('facilitator_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_facilitator_assignment_buyer', ['buyer_org_id', 'contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_facilitator_assignment_facilitator_org_id'), ['facilitator_org_id'], unique=False)

    op.create_table('insertion_exit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_ref', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('exited_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_insertion_exit_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_insertion_exit_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_insertion_exit_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insertion_exit')),
    sa.UniqueConstraint('contract_id', 'beneficiary_ref', name=op.f('uq_insertion_exit_contract_id'))
    )
    with op.batch_alter_table('insertion_exit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insertion_exit_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('commitment_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('target_hours', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_commitment_share_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_commitment_share_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_share')),
    sa.UniqueConstraint('commitment_id', 'organisation_id', name=op.f('uq_commitment_share_commitment_id'))
    )
    with op.batch_alter_table('commitment_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_share_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pace_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('facilitator_opinion', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('facilitator_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('facilitator_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('facilitator_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_declaration_commitment_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_declaration_commitment_id'), ['commitment_id', 'subject', 'period_start', 'holder_org_id'])
        batch_op.create_foreign_key(batch_op.f('fk_declaration_facilitator_by_id_user_account'), 'user_account', ['facilitator_by_id'], ['id'])

    with op.batch_alter_table('insertion_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('subcontractor_org_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('flag_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('eligibility_confirmed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('proof_seen', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('check_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('checked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_insertion_line_subcontractor_org_id_organisation'), 'organisation', ['subcontractor_org_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_insertion_line_checked_by_id_user_account'), 'user_account', ['checked_by_id'], ['id'])

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_facilitator_opinion', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('requires_facilitator_opinion')

    with op.batch_alter_table('insertion_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_insertion_line_checked_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_insertion_line_subcontractor_org_id_organisation'), type_='foreignkey')
        batch_op.drop_column('checked_at')
        batch_op.drop_column('checked_by_id')
        batch_op.drop_column('check_comment')
        batch_op.drop_column('proof_seen')
        batch_op.drop_column('eligibility_confirmed')
        batch_op.drop_column('flag_comment')
        batch_op.drop_column('subcontractor_org_id')
        batch_op.drop_column('people')

    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_declaration_facilitator_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_declaration_commitment_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_declaration_commitment_id'), ['commitment_id', 'subject', 'period_start'])
        batch_op.drop_column('facilitator_at')
        batch_op.drop_column('facilitator_by_id')
        batch_op.drop_column('facilitator_comment')
        batch_op.drop_column('facilitator_opinion')
        batch_op.drop_column('pace_comment')

    with op.batch_alter_table('commitment_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_share_organisation_id'))

    op.drop_table('commitment_share')
    with op.batch_alter_table('insertion_exit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insertion_exit_organisation_id'))

    op.drop_table('insertion_exit')
    with op.batch_alter_table('facilitator_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_assignment_facilitator_org_id'))
        batch_op.drop_index('ix_facilitator_assignment_buyer')

    op.drop_table('facilitator_assignment')
