"""csr and concession reports: shared CSR report versions, their filings, concession figures

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23 12:18:31.591434
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('csr_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('women_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('equality_index', sa.Integer(), nullable=True),
    sa.Column('ghg_scope12_tco2e', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('accident_frequency_rate', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('local_suppliers_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_csr_report_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_csr_report_document_id_document')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_csr_report_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csr_report')),
    sa.UniqueConstraint('organisation_id', 'year', 'version', name=op.f('uq_csr_report_organisation_id'))
    )
    with op.batch_alter_table('csr_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csr_report_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('concession_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('total_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('sme_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('local_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('siae_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('ea_esat_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('ess_purchases', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('insertion_hours_contractual', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('insertion_hours_realised', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('agec_summary', sa.Text(), nullable=True),
    sa.Column('payment_delay_days', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('invoices_paid_60d_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('subcontracts_count', sa.Integer(), nullable=True),
    sa.Column('subcontracts_with_clauses', sa.Integer(), nullable=True),
    sa.Column('user_satisfaction', sa.Text(), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_concession_report_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concession_report')),
    sa.UniqueConstraint('declaration_id', name=op.f('uq_concession_report_declaration_id'))
    )
    op.create_table('csr_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_csr_filing_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['csr_report.id'], name=op.f('fk_csr_filing_report_id_csr_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csr_filing')),
    sa.UniqueConstraint('declaration_id', name=op.f('uq_csr_filing_declaration_id'))
    )
    with op.batch_alter_table('csr_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csr_filing_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('csr_filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csr_filing_report_id'))

    op.drop_table('csr_filing')
    op.drop_table('concession_report')
    with op.batch_alter_table('csr_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csr_report_organisation_id'))

    op.drop_table('csr_report')
