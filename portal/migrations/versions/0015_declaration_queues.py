"""declaration queues: each declaration carries its contract's buyer organisation and holder, so
that "to review for this buyer" and "to file for this holder" are read from one index range
instead of probing every contract of the organisation; an organisation's contracts by role
from one index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FILL = """
UPDATE declaration SET
    buyer_org_id = (SELECT contract.buyer_org_id FROM commitment
                    JOIN contract ON contract.id = commitment.contract_id
                    WHERE commitment.id = declaration.commitment_id),
    holder_org_id = (SELECT contract_party.organisation_id FROM commitment
                     JOIN contract_party ON contract_party.contract_id = commitment.contract_id
                     WHERE commitment.id = declaration.commitment_id
                       AND contract_party.role = 'holder')
"""


def upgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_org_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('holder_org_id', sa.Integer(), nullable=True))
    op.execute(FILL)
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.alter_column('buyer_org_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_declaration_buyer_org_id_organisation', 'organisation',
                                    ['buyer_org_id'], ['id'])
        batch_op.create_foreign_key('fk_declaration_holder_org_id_organisation', 'organisation',
                                    ['holder_org_id'], ['id'])
        batch_op.create_index('ix_declaration_buyer_queue',
                              ['buyer_org_id', 'status', 'submitted_at', 'due_on'],
                              unique=False)
        batch_op.create_index('ix_declaration_holder_queue',
                              ['holder_org_id', 'status', 'due_on', 'id'], unique=False)
        # One index for what falls due across the portal, instead of two single-column ones
        # (PostgreSQL read a holder's to-do list along the due date index, 67 000 rows deep).
        batch_op.create_index('ix_declaration_status_due_on', ['status', 'due_on'],
                              unique=False)
        batch_op.drop_index('ix_declaration_due_on')
        batch_op.drop_index('ix_declaration_status')
    op.create_index('ix_contract_party_organisation_role', 'contract_party',
                    ['organisation_id', 'role', 'contract_id'], unique=False)
    op.drop_index('ix_contract_party_organisation_id', table_name='contract_party')


def downgrade() -> None:
    op.create_index('ix_contract_party_organisation_id', 'contract_party', ['organisation_id'],
                    unique=False)
    op.drop_index('ix_contract_party_organisation_role', table_name='contract_party')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index('ix_declaration_status', ['status'], unique=False)
        batch_op.create_index('ix_declaration_due_on', ['due_on'], unique=False)
        batch_op.drop_index('ix_declaration_status_due_on')
        batch_op.drop_index('ix_declaration_holder_queue')
        batch_op.drop_index('ix_declaration_buyer_queue')
        batch_op.drop_constraint('fk_declaration_holder_org_id_organisation', type_='foreignkey')
        batch_op.drop_constraint('fk_declaration_buyer_org_id_organisation', type_='foreignkey')
        batch_op.drop_column('holder_org_id')
        batch_op.drop_column('buyer_org_id')
