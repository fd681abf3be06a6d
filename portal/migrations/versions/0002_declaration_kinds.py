"""declaration kinds: subject, documents, attachments, AGEC reference

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:08:37.102373
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agec_category',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('regime', sa.String(length=4), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_agec_category'))
    )
    op.create_table('agec_threshold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=False),
    sa.Column('global_min', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('reuse_min', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('recycled_min', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['category_code'], ['agec_category.code'], name=op.f('fk_agec_threshold_category_code_agec_category')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_agec_threshold_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agec_threshold')),
    sa.UniqueConstraint('category_code', 'from_year', name=op.f('uq_agec_threshold_category_code'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_document_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_attachment_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_attachment_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('declaration_id', 'document_id', name=op.f('uq_attachment_declaration_id'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=10), nullable=False,
                                      server_default='period'))
        batch_op.drop_constraint(batch_op.f('uq_declaration_commitment_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_declaration_commitment_id'), ['commitment_id', 'subject', 'period_start'])



def downgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_declaration_commitment_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_declaration_commitment_id'), ['commitment_id', 'period_start'])
        batch_op.drop_column('subject')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_document_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_declaration_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_organisation_id'))

    op.drop_table('document')
    op.drop_table('agec_threshold')
    op.drop_table('agec_category')
