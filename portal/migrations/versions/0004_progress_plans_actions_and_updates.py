"""progress plans: actions and updates

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-23 12:18:04.484332
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('plan_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=10), nullable=False),
    sa.Column('axis', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('indicator', sa.String(length=200), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=True),
    sa.Column('baseline', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_plan_action_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_action')),
    sa.UniqueConstraint('declaration_id', 'key', name=op.f('uq_plan_action_declaration_id'))
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('plan_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('action_key', sa.String(length=10), nullable=False),
    sa.Column('latest_value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('evidence_document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_plan_update_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_document_id'], ['document.id'], name=op.f('fk_plan_update_evidence_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_update')),
    sa.UniqueConstraint('declaration_id', 'action_key', name=op.f('uq_plan_update_declaration_id'))
    )
    with op.batch_alter_table('plan_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_update_declaration_id'), ['declaration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_update_declaration_id'))

    op.drop_table('plan_update')
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_action_declaration_id'))

    op.drop_table('plan_action')
