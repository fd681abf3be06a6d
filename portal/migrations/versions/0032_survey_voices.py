"""more voices in the surveys: yearly reviews of multi-year contracts (one campaign per contract
and anniversary, 0 being the end-of-contract survey) and the facilitator's question bank

Revision ID: 0032_survey_voices
Revises: 0031_mediation
Create Date: 2026-12-06 05:00:00.000000
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0032_survey_voices'
down_revision: str | None = '0031_mediation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACILITATOR = 'facilitator_rates_clause'
# The default bank as it was written when this migration was (surveys.vocabulary may change
# later; a migration replays the same rows).
FACILITATOR_BANK = [
    ("Coopération du titulaire avec le facilitateur (disponibilité, échanges, transmission des "
     "informations)", 'satisfaction'),
    ("Anticipation des besoins de recrutement par le titulaire (fiches de poste, calendrier des "
     "interventions)", 'satisfaction'),
    ("Qualité des parcours proposés aux personnes en insertion (tutorat, accueil, formation, "
     "diversité des tâches)", 'satisfaction'),
    ("Les heures déclarées par le titulaire correspondent-elles à celles que vous avez "
     "constatées ?", 'yes_no_unknown'),
    ("Des personnes en insertion ont-elles obtenu un contrat durable ou une formation "
     "qualifiante à l'issue de leur mission ?", 'yes_no_unknown'),
    ("Appui de l'acheteur dans la mise en œuvre de la clause (information, relances, suivi)",
     'satisfaction'),
    ("Qualité de la coordination entre l'acheteur, le titulaire et le facilitateur",
     'satisfaction'),
    ("Souhaiteriez-vous travailler à nouveau avec ce titulaire sur une clause d'insertion ?",
     'likelihood'),
    ("Commentaire libre", 'text'),
]

organisation = sa.table('organisation', sa.column('id', sa.Integer), sa.column('kind', sa.String))
question = sa.table(
    'survey_question', sa.column('buyer_org_id', sa.Integer), sa.column('direction', sa.String),
    sa.column('position', sa.Integer), sa.column('wording', sa.String),
    sa.column('scale', sa.String), sa.column('retired', sa.Boolean),
    sa.column('created_at', sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anniversary', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.drop_constraint('uq_survey_campaign_contract_id', type_='unique')
        batch_op.create_unique_constraint('uq_survey_campaign_contract_id',
                                          ['contract_id', 'anniversary'])
    # Buyer organisations created before: their facilitator bank, with the default questions.
    connection = op.get_bind()
    buyers = connection.scalars(sa.select(organisation.c.id).where(organisation.c.kind == 'buyer'))
    created = datetime.now(UTC)
    rows = [dict(buyer_org_id=buyer, direction=FACILITATOR, position=n, wording=wording,
                 scale=scale, retired=False, created_at=created)
            for buyer in buyers for n, (wording, scale) in enumerate(FACILITATOR_BANK, start=1)]
    if rows:
        op.bulk_insert(question, rows)


def downgrade() -> None:
    facilitator = {"facilitator": FACILITATOR}
    op.execute(sa.text(
        "DELETE FROM survey_answer WHERE invitation_id IN (SELECT i.id FROM survey_invitation i "
        "JOIN survey_campaign c ON c.id = i.campaign_id WHERE c.anniversary > 0 "
        "OR i.direction = :facilitator)").bindparams(**facilitator))
    op.execute(sa.text("DELETE FROM survey_invitation WHERE direction = :facilitator OR "
                       "campaign_id IN (SELECT id FROM survey_campaign WHERE anniversary > 0)")
               .bindparams(**facilitator))
    op.execute(sa.text("DELETE FROM survey_campaign WHERE anniversary > 0"))
    op.execute(sa.text("DELETE FROM survey_answer WHERE question_id IN (SELECT id FROM "
                       "survey_question WHERE direction = :facilitator)").bindparams(**facilitator))
    op.execute(sa.text("DELETE FROM survey_question WHERE direction = :facilitator")
               .bindparams(**facilitator))
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_campaign_contract_id', type_='unique')
        batch_op.create_unique_constraint('uq_survey_campaign_contract_id', ['contract_id'])
        batch_op.drop_column('anniversary')
