"""mail about a record: an outgoing mail names the record it is about (a declaration's
reminders), so that a buyer's list of late filings shows when each holder was last reminded;
the reminders already sent are linked from their keys

Revision ID: 0016_mail_about
Revises: 0015
Create Date: 2026-12-12 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_mail_about'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The keys supplier.jobs gave the mails about a declaration: kind:declaration:<id>:…
DECLARATION_KEYS = ("reminder:declaration:%", "overdue:declaration:%",
                    "overdue-buyer:declaration:%")
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_entity', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('about_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outgoing_mail_about', ['about_entity', 'about_id'],
                              unique=False)
    mail = sa.table('outgoing_mail', sa.column('id', sa.Integer), sa.column('key', sa.String),
                    sa.column('about_entity', sa.String), sa.column('about_id', sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(mail.c.id, mail.c.key).where(
        sa.or_(*(mail.c.key.like(pattern) for pattern in DECLARATION_KEYS)))).all()
    links = [{"mail_id": row.id, "declaration_id": int(row.key.split(":")[2])}
             for row in rows if row.key.split(":")[2].isdigit()]
    update = (mail.update().where(mail.c.id == sa.bindparam("mail_id"))
              .values(about_entity="declaration", about_id=sa.bindparam("declaration_id")))
    for start in range(0, len(links), BATCH):
        connection.execute(update, links[start:start + BATCH])


def downgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_about')
        batch_op.drop_column('about_id')
        batch_op.drop_column('about_entity')
