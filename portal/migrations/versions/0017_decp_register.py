"""the contract register meets DECP: holders known by a foreign identifier (no SIRET),
contracts' initial amount and duration, the DECP facts the portal does not model, the
fingerprint of the last imported record, and the modifications (avenants)

Revision ID: 0017_decp_register
Revises: 0016_mail_about
Create Date: 2026-12-05 19:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_decp_register'
down_revision: str | None = '0016_mail_about'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('siret', existing_type=sa.String(length=14), nullable=True)
        batch_op.add_column(sa.Column('foreign_id_kind', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('foreign_id', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_organisation_foreign_id_kind'),
                                          ['foreign_id_kind', 'foreign_id'])
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('initial_amount', sa.Numeric(14, 2), nullable=True))
        batch_op.add_column(sa.Column('duration_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decp_facts', sa.JSON(), server_default='{}',
                                      nullable=False))
        batch_op.add_column(sa.Column('decp_fingerprint', sa.String(length=64), nullable=True))
    op.create_table(
        'contract_modification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('notified_on', sa.Date(), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('subject', sa.Text(), nullable=True),
        sa.Column('amount', sa.Numeric(14, 2), nullable=True),
        sa.Column('duration_months', sa.Integer(), nullable=True),
        sa.Column('holders', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ondelete='CASCADE',
                                name=op.f('fk_contract_modification_contract_id_contract')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_modification')),
        sa.UniqueConstraint('contract_id', 'sequence',
                            name=op.f('uq_contract_modification_contract_id')),
    )


def downgrade() -> None:
    op.drop_table('contract_modification')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('decp_fingerprint')
        batch_op.drop_column('decp_facts')
        batch_op.drop_column('duration_months')
        batch_op.drop_column('initial_amount')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organisation_foreign_id_kind', type_='unique')
        batch_op.drop_column('foreign_id')
        batch_op.drop_column('foreign_id_kind')
        batch_op.alter_column('siret', existing_type=sa.String(length=14), nullable=False)
