"""a mail about several records: the day's reminders of an organisation go in one mail that
lists its declarations, each still linked to it (the late filings list reads when each holder
was last reminded); the links of the mails already sent are moved over

Revision ID: 0025_notices
Revises: 0020_insertion_chain
Create Date: 2026-12-05 22:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025_notices'
down_revision: str | None = '0020_insertion_chain'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outgoing_mail_about',
    sa.Column('mail_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mail.id'], name=op.f('fk_outgoing_mail_about_mail_id_outgoing_mail'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mail_id', 'entity', 'entity_id', name=op.f('pk_outgoing_mail_about'))
    )
    op.create_index('ix_outgoing_mail_about_entity', 'outgoing_mail_about', ['entity', 'entity_id'], unique=False)
    op.execute("INSERT INTO outgoing_mail_about (mail_id, entity, entity_id) "
               "SELECT id, about_entity, about_id FROM outgoing_mail "
               "WHERE about_entity IS NOT NULL AND about_id IS NOT NULL")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_about')
        batch_op.drop_column('about_id')
        batch_op.drop_column('about_entity')


def downgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_entity', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('about_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outgoing_mail_about', ['about_entity', 'about_id'],
                              unique=False)
    # A mail about several records keeps the first of them.
    op.execute("UPDATE outgoing_mail SET about_entity = (SELECT min(a.entity) FROM "
               "outgoing_mail_about a WHERE a.mail_id = outgoing_mail.id), about_id = (SELECT "
               "min(a.entity_id) FROM outgoing_mail_about a WHERE a.mail_id = outgoing_mail.id)")
    op.drop_index('ix_outgoing_mail_about_entity', table_name='outgoing_mail_about')
    op.drop_table('outgoing_mail_about')
