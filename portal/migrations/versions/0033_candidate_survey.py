"""candidate surveys: the short anonymous survey of a procedure's unsuccessful candidates, its
seeded question bank, invitations (address and token digest) and answers with no link to them

Revision ID: 0033_candidate_survey
Revises: 0032_survey_voices
Create Date: 2026-12-06 05:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0033_candidate_survey'
down_revision: str | None = '0032_survey_voices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The seeded bank (written out: a migration does not import the code it migrates).
QUESTIONS = [
    (1, "Les documents de la consultation étaient clairs et complets.", "agreement"),
    (2, "Le délai laissé pour répondre était suffisant.", "agreement"),
    (3, "Les pièces demandées étaient proportionnées au marché.", "agreement"),
    (4, "Les clauses sociales et environnementales (RSE) étaient proportionnées et réalistes.",
     "agreement"),
    (5, "Les motifs du rejet de votre offre vous ont été expliqués de façon utile.",
     "agreement"),
    (6, "Quelle est la probabilité que vous répondiez à une prochaine consultation de cet "
        "acheteur ?", "likelihood"),
    (7, "Un commentaire pour aider l'acheteur à améliorer ses consultations ?", "text"),
]


def upgrade() -> None:
    question = op.create_table('candidate_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('wording', sa.String(length=500), nullable=False),
    sa.Column('scale', sa.String(length=20), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_question'))
    )
    op.create_table('candidate_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_candidate_survey_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_candidate_survey_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_survey')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_candidate_survey_contract_id'))
    )
    op.create_table('candidate_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address_digest', sa.String(length=64), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['candidate_survey.id'], name=op.f('fk_candidate_invitation_survey_id_candidate_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_invitation')),
    sa.UniqueConstraint('survey_id', 'address_digest', name=op.f('uq_candidate_invitation_survey_id')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_candidate_invitation_token_digest'))
    )
    op.create_index(op.f('ix_candidate_invitation_survey_id'), 'candidate_invitation', ['survey_id'], unique=False)
    op.create_table('candidate_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['candidate_survey.id'], name=op.f('fk_candidate_response_survey_id_candidate_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_response'))
    )
    op.create_index(op.f('ix_candidate_response_survey_id'), 'candidate_response', ['survey_id'], unique=False)
    op.create_table('candidate_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['candidate_question.id'], name=op.f('fk_candidate_answer_question_id_candidate_question')),
    sa.ForeignKeyConstraint(['response_id'], ['candidate_response.id'], name=op.f('fk_candidate_answer_response_id_candidate_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_candidate_answer_response_id'))
    )
    op.create_index(op.f('ix_candidate_answer_question_id'), 'candidate_answer', ['question_id'], unique=False)
    op.create_index(op.f('ix_candidate_answer_response_id'), 'candidate_answer', ['response_id'], unique=False)
    op.bulk_insert(question, [dict(position=p, wording=w, scale=s, retired=False)
                              for p, w, s in QUESTIONS])


def downgrade() -> None:
    op.drop_index(op.f('ix_candidate_answer_response_id'), table_name='candidate_answer')
    op.drop_index(op.f('ix_candidate_answer_question_id'), table_name='candidate_answer')
    op.drop_table('candidate_answer')
    op.drop_index(op.f('ix_candidate_response_survey_id'), table_name='candidate_response')
    op.drop_table('candidate_response')
    op.drop_index(op.f('ix_candidate_invitation_survey_id'), table_name='candidate_invitation')
    op.drop_table('candidate_invitation')
    op.drop_table('candidate_survey')
    op.drop_table('candidate_question')
