"""surveys: question banks, campaigns, invitations, answers

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-23 12:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('wording', sa.String(length=500), nullable=False),
    sa.Column('scale', sa.String(length=20), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisation.id'], name=op.f('fk_survey_question_buyer_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    op.create_index('ix_survey_question_bank', 'survey_question', ['buyer_org_id', 'direction'], unique=False)
    op.create_table('survey_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('launched_by_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_survey_campaign_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['launched_by_id'], ['user_account.id'], name=op.f('fk_survey_campaign_launched_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_campaign')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_survey_campaign_contract_id'))
    )
    op.create_table('survey_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=30), nullable=False),
    sa.Column('respondent_org_id', sa.Integer(), nullable=False),
    sa.Column('subject_org_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaign.id'], name=op.f('fk_survey_invitation_campaign_id_survey_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['respondent_org_id'], ['organisation.id'], name=op.f('fk_survey_invitation_respondent_org_id_organisation')),
    sa.ForeignKeyConstraint(['subject_org_id'], ['organisation.id'], name=op.f('fk_survey_invitation_subject_org_id_organisation')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_survey_invitation_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitation')),
    sa.UniqueConstraint('campaign_id', 'respondent_org_id', 'subject_org_id', name=op.f('uq_survey_invitation_campaign_id'))
    )
    op.create_index(op.f('ix_survey_invitation_campaign_id'), 'survey_invitation', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_survey_invitation_respondent_org_id'), 'survey_invitation', ['respondent_org_id'], unique=False)
    op.create_index(op.f('ix_survey_invitation_subject_org_id'), 'survey_invitation', ['subject_org_id'], unique=False)
    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('wording', sa.String(length=500), nullable=False),
    sa.Column('scale', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=10), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('not_applicable', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['survey_invitation.id'], name=op.f('fk_survey_answer_invitation_id_survey_invitation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_survey_answer_question_id_survey_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    sa.UniqueConstraint('invitation_id', 'position', name=op.f('uq_survey_answer_invitation_id'))
    )
    op.create_index(op.f('ix_survey_answer_question_id'), 'survey_answer', ['question_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_answer_question_id'), table_name='survey_answer')
    op.drop_table('survey_answer')
    op.drop_index(op.f('ix_survey_invitation_subject_org_id'), table_name='survey_invitation')
    op.drop_index(op.f('ix_survey_invitation_respondent_org_id'), table_name='survey_invitation')
    op.drop_index(op.f('ix_survey_invitation_campaign_id'), table_name='survey_invitation')
    op.drop_table('survey_invitation')
    op.drop_table('survey_campaign')
    op.drop_index('ix_survey_question_bank', table_name='survey_question')
    op.drop_table('survey_question')
