"""CSV export of a campaign's answers for the buyer organisation (Excel-friendly French CSV)."""

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from portal.errors import NotFound
from portal.formatting import day
from portal.models import Organisation, User
from portal.spreadsheet import csv_document, safe_text
from surveys.models import Answer, Campaign, Invitation
from surveys.service import answers_visible
from surveys.vocabulary import DIRECTIONS_SHORT, SCALES, answer_label

HEADERS = ["Contrat", "Sens de l'évaluation", "Organisation répondante", "Organisation évaluée",
           "Déposée le", "N°", "Question", "Échelle", "Valeur", "Réponse"]


def get_campaign_for_buyer(db: Session, campaign_id: int, *, user: User) -> Campaign:
    campaign = db.get(Campaign, campaign_id)
    if campaign is None or campaign.contract.buyer_org_id != user.organisation_id \
            or user.is_supplier:
        raise NotFound("Cette enquête n'existe pas ou vous n'y avez pas accès.")
    return campaign


def campaign_csv(db: Session, campaign_id: int, *, user: User) -> tuple[Campaign, str]:
    """Every submitted answer the buyer may read (double-blind still applies: the holders'
    evaluations of the buyer appear once the buyer has answered too, or at closing)."""
    campaign = get_campaign_for_buyer(db, campaign_id, user=user)
    respondent, subject = aliased(Organisation), aliased(Organisation)
    rows = db.execute(
        select(Invitation.direction, respondent.name, subject.name, Invitation.submitted_at,
               Answer)
        .select_from(Invitation).join(Invitation.campaign).join(Invitation.answers)
        .join(respondent, respondent.id == Invitation.respondent_org_id)
        .join(subject, subject.id == Invitation.subject_org_id)
        .where(Campaign.id == campaign.id, answers_visible(user.organisation_id))
        .order_by(Invitation.direction, Invitation.id, Answer.position))
    reference = safe_text(campaign.contract.reference)
    cells = ([reference, DIRECTIONS_SHORT[direction], safe_text(respondent_name),
              safe_text(subject_name), day(submitted_at), str(answer.position),
              safe_text(answer.wording), SCALES[answer.scale],
              "" if answer.value is None else str(answer.value),
              safe_text(answer_label(answer))]
             for direction, respondent_name, subject_name, submitted_at, answer in rows)
    return campaign, csv_document(HEADERS, cells)
