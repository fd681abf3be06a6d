"""invoices of contracts (payment delays, late-payment interest) and the ECB rate table, seeded
with the confirmed rates of domain.md §3.3 only

Revision ID: 0030_invoices
Revises: 0029_publication
Create Date: 2026-12-06 04:45:00.000000
"""
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = '0030_invoices'
down_revision: str | None = '0029_publication'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The ECB main refinancing rate in force on the first day of each half-year, as domain.md §3.3
# confirms it; 2024-H1 (unconfirmed) and later half-years are left for an administrator.
CONFIRMED_RATES = [(date(2022, 7, 1), Decimal("0.00")), (date(2023, 1, 1), Decimal("2.50")),
                   (date(2023, 7, 1), Decimal("4.00")), (date(2024, 7, 1), Decimal("4.25"))]


def upgrade() -> None:
    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount_incl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('suspended_days', sa.Integer(), nullable=False),
    sa.Column('suspension_reason', sa.Text(), nullable=True),
    sa.Column('legal_delay_days', sa.Integer(), nullable=False),
    sa.Column('rate_half_year', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('interest_paid_eur', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('fee_paid', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_invoice_buyer_org_id_organisation')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_invoice_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_invoice_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['organisation.id'], name=op.f('fk_invoice_supplier_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('contract_id', 'number', name=op.f('uq_invoice_contract_id'))
    )
    op.create_index(op.f('ix_invoice_buyer_org_id'), 'invoice', ['buyer_org_id'], unique=False)
    op.create_index(op.f('ix_invoice_contract_id'), 'invoice', ['contract_id'], unique=False)
    op.create_index(op.f('ix_invoice_status'), 'invoice', ['status'], unique=False)
    op.create_index(op.f('ix_invoice_supplier_org_id'), 'invoice', ['supplier_org_id'], unique=False)
    rates = op.create_table('ecb_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('half_year_start', sa.Date(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_ecb_rate_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ecb_rate')),
    sa.UniqueConstraint('half_year_start', name=op.f('uq_ecb_rate_half_year_start'))
    )
    # Seeded rows have no author nor time: they come from the reference, not from a person.
    op.bulk_insert(rates, [{"half_year_start": start, "rate": rate}
                           for start, rate in CONFIRMED_RATES])


def downgrade() -> None:
    op.drop_table('ecb_rate')
    op.drop_index(op.f('ix_invoice_supplier_org_id'), table_name='invoice')
    op.drop_index(op.f('ix_invoice_status'), table_name='invoice')
    op.drop_index(op.f('ix_invoice_contract_id'), table_name='invoice')
    op.drop_index(op.f('ix_invoice_buyer_org_id'), table_name='invoice')
    op.drop_table('invoice')
