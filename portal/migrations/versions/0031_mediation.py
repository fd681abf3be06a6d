"""mediation: requests a supplier opens to the buyer's internal mediators on a contract, their
messages and attached files; the mediator flag of buyer users; confidential documents

Revision ID: 0031_mediation
Revises: 0030_invoices
Create Date: 2026-12-06 04:44:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031_mediation'
down_revision: str | None = '0030_invoices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mediation_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_mediation_request_buyer_org_id_organisation')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_mediation_request_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_mediation_request_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_mediation_request_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['organisation.id'], name=op.f('fk_mediation_request_supplier_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_request'))
    )
    with op.batch_alter_table('mediation_request', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_request_buyer', ['buyer_org_id', 'opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_request_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index('ix_mediation_request_supplier', ['supplier_org_id', 'opened_at'], unique=False)

    op.create_table('mediation_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_mediation_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['mediation_request.id'], name=op.f('fk_mediation_message_request_id_mediation_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_message'))
    )
    with op.batch_alter_table('mediation_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_message_request_id'), ['request_id'], unique=False)

    op.create_table('mediation_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_mediation_attachment_document_id_document')),
    sa.ForeignKeyConstraint(['message_id'], ['mediation_message.id'], name=op.f('fk_mediation_attachment_message_id_mediation_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['mediation_request.id'], name=op.f('fk_mediation_attachment_request_id_mediation_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_attachment'))
    )
    with op.batch_alter_table('mediation_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_attachment_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_mediator', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('is_mediator')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('confidential')

    with op.batch_alter_table('mediation_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_attachment_request_id'))

    op.drop_table('mediation_attachment')
    with op.batch_alter_table('mediation_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_message_request_id'))

    op.drop_table('mediation_message')
    with op.batch_alter_table('mediation_request', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_request_supplier')
        batch_op.drop_index(batch_op.f('ix_mediation_request_contract_id'))
        batch_op.drop_index('ix_mediation_request_buyer')

    op.drop_table('mediation_request')
