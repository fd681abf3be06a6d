"""Demo surveys: ended contracts with end-of-contract campaigns in every state.

- LE-2025-007 (ended 30/06/2026): both sides answered in July, campaign closed on 01/08/2026;
- LE-2026-011 (ended twelve days before loading): both sides answered, still open;
- LE-2026-014 (closed early eight days before loading, with a co-holder): the holder answered,
  the buyer only saved a draft, the co-holder has not started;
- LE-2026-018 (ended three days before loading): launched, nobody has answered yet;
- LE-2025-007 has an insertion clause followed by the Maison de l'emploi: Inès Garnier
  answered the facilitator's evaluation before the campaign closed;
- LE-2024-001 (2024–2026) had its yearly review on its second anniversary (« Revue annuelle
  2026 », 01/01/2026): the buyer and the holder answered, the co-holder did not, closed on
  01/02/2026.

The open campaigns are dated from the day the demo is loaded so that they are still open when
someone looks at them. Loading twice changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import closing, setup
from execution.demo.flow import at as _at
from portal import clock
from portal.models import Contract, Organisation, User
from portal.schemas import ContractIn
from surveys import service
from surveys.models import Direction, Invitation, LaunchReason

CLAIRE = "claire.martin@loire-estuaire.example.fr"
INES = "ines.garnier@maison-emploi-loire.example.fr"
KARIM = "karim.benali@loire-estuaire.example.fr"
SUPPLIER_USERS = {"btp": "direction@batir-ouest.example.fr",
                  "proprete": "rse@proprete-atlantique.example.fr",
                  "siae": "contact@tremplin-vert.example.fr"}

# Answers by question position of the default banks.
RATINGS: dict[str, tuple[dict[int, object], dict[int, object]]] = {
    "LE-2025-007": (
        {1: 5, 2: 5, 3: 4, 4: 5, 5: 5, 6: 4, 7: 4, 8: 4, 9: 10,
         10: "Équipe très investie ; accompagnement exemplaire des salariés en insertion."},
        {1: 4, 2: 4, 3: 2, 4: "no", 5: 5, 6: 3, 7: 5, 8: 4, 9: "na", 10: "yes", 11: 9,
         12: "Les paiements ont dépassé 30 jours à deux reprises, sans intérêts moratoires."}),
    "LE-2023-030": (
        {1: 4, 2: 4, 3: 5, 4: 4, 5: 4, 6: 3, 7: 5, 8: 3, 9: 8,
         10: "Bonne tenue du chantier, déclarations d'heures toujours à l'heure."},
        {1: 3, 2: 3, 3: 3, 4: "no", 5: 4, 6: 4, 7: 4, 8: 5, 9: 3, 10: "no", 11: 8}),
    "LE-2024-040": (
        {1: 5, 2: 4, 3: 4, 4: 5, 5: 4, 6: 4, 7: 5, 8: 4, 9: 9},
        {1: 4, 2: 4, 3: 5, 4: "yes", 5: 5, 6: 4, 7: 4, 8: 4, 9: 4, 10: "yes", 11: 10,
         12: "Échanges simples et paiements dans les délais."}),
    "LE-2026-011": (
        {1: 3, 2: 4, 3: 3, 4: 2, 5: "na", 6: 3, 7: 2, 8: 3, 9: 6,
         10: "Prestations correctes, mais un interlocuteur difficile à joindre et des "
             "déclarations souvent en retard."},
        {1: 4, 2: 3, 3: 4, 4: "unknown", 5: 3, 6: 3, 7: "na", 8: 4, 9: 4, 10: "no", 11: 7}),
    "LE-2026-014": (
        {1: 4, 2: 4},  # the buyer's draft, not submitted
        {1: 3, 2: 2, 3: 4, 4: "yes", 5: 4, 6: 2, 7: 3, 8: 4, 9: 2, 10: "yes", 11: 6,
         12: "La clôture anticipée nous a été annoncée tardivement."}),
    # The yearly review of LE-2024-001's second year.
    "LE-2024-001": (
        {1: 4, 2: 4, 3: 3, 4: 4, 5: 4, 6: 3, 7: 3, 8: 4, 9: 7,
         10: "Retard sur le groupe scolaire Jules-Verne, rattrapé en fin d'année."},
        {1: 4, 2: 4, 3: 3, 4: "no", 5: 4, 6: 3, 7: 4, 8: 4, 9: 4, 10: "yes", 11: 8,
         12: "Ordres de service parfois tardifs ; bonne coordination sur les chantiers."}),
}
# The facilitator's evaluation of LE-2025-007's insertion clause.
FACILITATOR_RATING = {
    1: 5, 2: 4, 3: 5, 4: "yes", 5: "yes", 6: 4, 7: 4, 8: 10,
    9: "Deux salariés en insertion embauchés en CDI à l'issue du contrat ; heures conformes à "
       "nos relevés de chantier."}



def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    today = clock.today()
    try:
        # Campaigns closed in 2024 and 2025, so that the satisfaction indicators of those years
        # rest on real answers.
        _past_campaign(db, organisations, users, "LE-2023-030",
                       "Entretien des terrains de sport de la métropole", "proprete",
                       date(2022, 7, 1), date(2024, 6, 30))
        _past_campaign(db, organisations, users, "LE-2024-040",
                       "Mise en accessibilité de trois mairies annexes", "btp",
                       date(2024, 1, 15), date(2025, 3, 31))
        _closed_campaign(db, organisations, users)
        _open_campaign_both_answered(db, organisations, users, today)
        _closed_early_one_side_answered(db, organisations, users, today)
        _open_campaign_no_answer(db, organisations, users, today)
        _yearly_review(db, organisations, users, today)
    finally:
        clock.freeze(None)


def _find(db: Session, organisations, reference: str) -> Contract | None:
    return db.scalar(select(Contract).where(
        Contract.buyer_org_id == organisations["metropole"].id, Contract.reference == reference))


def _contract(db, organisations, users, *, reference, object_, nature, holder, co_holders=(),
              starts_on, ends_on, amount, **considerations) -> Contract:
    data = ContractIn(
        reference=reference, object=object_, nature=nature,
        holder_id=organisations[holder].id,
        co_holder_ids=[organisations[o].id for o in co_holders],
        starts_on=starts_on, ends_on=ends_on, notified_on=starts_on - timedelta(days=30),
        frequency="quarterly", amount_excl_vat=Decimal(amount), **considerations)
    clock.freeze(_at(data.notified_on))
    return setup.create_contract(db, data, buyer=users[CLAIRE])


def _invitation(campaign, direction: Direction, supplier: Organisation) -> Invitation:
    return next(i for i in campaign.invitations if i.direction == direction
                and supplier.id in (i.respondent_org_id, i.subject_org_id))


def _answer(db, invitation: Invitation, values: dict, user: User, *, on: date,
            submit: bool = True) -> None:
    clock.freeze(_at(on))
    by_position = {a.position: a.id for a in invitation.answers}
    service.save_answers(db, invitation.id, {by_position[p]: v for p, v in values.items()},
                         user=user, submit=submit)


def _closed_campaign(db, organisations, users) -> None:
    contract = _find(db, organisations, "LE-2025-007")
    if contract is None or service.campaign_of(db, contract.id) is not None:
        return
    clock.freeze(_at(date(2026, 7, 1), 5))
    campaign = service.launch_campaign(db, contract, reason=LaunchReason.ended)
    siae = organisations["siae"]
    buyer_rating, holder_rating = RATINGS["LE-2025-007"]
    _answer(db, _invitation(campaign, Direction.buyer_rates_holder, siae), buyer_rating,
            users[CLAIRE], on=date(2026, 7, 8))
    _answer(db, _invitation(campaign, Direction.holder_rates_buyer, siae), holder_rating,
            users[SUPPLIER_USERS["siae"]], on=date(2026, 7, 15))
    # The Maison de l'emploi follows the contract's insertion clause (demo.facilitation).
    facilitator = next((i for i in campaign.invitations
                        if i.direction == Direction.facilitator_rates_clause), None)
    if facilitator is not None:
        _answer(db, facilitator, FACILITATOR_RATING, users[INES], on=date(2026, 7, 20))
    clock.freeze(_at(date(2026, 8, 1), 4))
    service.close_campaign(db, campaign)


def _past_campaign(db, organisations, users, reference, object_, holder, starts_on,
                   ends_on) -> None:
    if _find(db, organisations, reference) is not None:
        return
    contract = _contract(db, organisations, users, reference=reference, object_=object_,
                         nature="services" if holder == "proprete" else "works",
                         holder=holder, starts_on=starts_on, ends_on=ends_on, amount="245000",
                         social_clause=True)
    clock.freeze(_at(ends_on + timedelta(days=1), 5))
    campaign = service.launch_campaign(db, contract, reason=LaunchReason.ended)
    supplier = organisations[holder]
    buyer_rating, holder_rating = RATINGS[reference]
    _answer(db, _invitation(campaign, Direction.buyer_rates_holder, supplier), buyer_rating,
            users[CLAIRE], on=ends_on + timedelta(days=6))
    _answer(db, _invitation(campaign, Direction.holder_rates_buyer, supplier), holder_rating,
            users[SUPPLIER_USERS[holder]], on=ends_on + timedelta(days=12))
    clock.freeze(_at(campaign.due_on + timedelta(days=1), 4))
    service.close_campaign(db, campaign)


def _open_campaign_both_answered(db, organisations, users, today: date) -> None:
    if _find(db, organisations, "LE-2026-011") is not None:
        return
    ends_on = today - timedelta(days=12)
    contract = _contract(
        db, organisations, users, reference="LE-2026-011",
        object_="Nettoyage de la vitrerie des équipements sportifs", nature="services",
        holder="proprete", starts_on=ends_on - timedelta(days=300), ends_on=ends_on,
        amount="96000", social_clause=True)
    clock.freeze(_at(ends_on + timedelta(days=1), 5))
    campaign = service.launch_campaign(db, contract, reason=LaunchReason.ended)
    proprete = organisations["proprete"]
    buyer_rating, holder_rating = RATINGS["LE-2026-011"]
    _answer(db, _invitation(campaign, Direction.holder_rates_buyer, proprete), holder_rating,
            users[SUPPLIER_USERS["proprete"]], on=ends_on + timedelta(days=3))
    _answer(db, _invitation(campaign, Direction.buyer_rates_holder, proprete), buyer_rating,
            users[KARIM], on=ends_on + timedelta(days=6))


def _closed_early_one_side_answered(db, organisations, users, today: date) -> None:
    if _find(db, organisations, "LE-2026-014") is not None:
        return
    closed_on = today - timedelta(days=8)
    contract = _contract(
        db, organisations, users, reference="LE-2026-014",
        object_="Réaménagement des locaux de la maison de l'emploi", nature="works",
        holder="btp", co_holders=["siae"], starts_on=closed_on - timedelta(days=200),
        ends_on=closed_on + timedelta(days=120), amount="412000", social_clause=True,
        environmental_clause=True)
    clock.freeze(_at(closed_on, 15))
    closing.close_contract(db, contract.id, buyer=users[CLAIRE], version=contract.version)
    campaign = service.campaign_of(db, contract.id)
    btp = organisations["btp"]
    buyer_draft, holder_rating = RATINGS["LE-2026-014"]
    _answer(db, _invitation(campaign, Direction.holder_rates_buyer, btp), holder_rating,
            users[SUPPLIER_USERS["btp"]], on=closed_on + timedelta(days=3))
    _answer(db, _invitation(campaign, Direction.buyer_rates_holder, btp), buyer_draft,
            users[CLAIRE], on=closed_on + timedelta(days=5), submit=False)


def _open_campaign_no_answer(db, organisations, users, today: date) -> None:
    if _find(db, organisations, "LE-2026-018") is not None:
        return
    ends_on = today - timedelta(days=3)
    contract = _contract(
        db, organisations, users, reference="LE-2026-018",
        object_="Entretien des jardins familiaux de la métropole", nature="services",
        holder="siae", starts_on=ends_on - timedelta(days=365), ends_on=ends_on,
        amount="58000", reserved=True, reserved_basis="L2113-13", environmental_clause=True)
    clock.freeze(_at(ends_on + timedelta(days=1), 5))
    service.launch_campaign(db, contract, reason=LaunchReason.ended)


def _yearly_review(db, organisations, users, today: date) -> None:
    """LE-2024-001's review of its second year, as the daily job launched it on the
    anniversary; a demo loaded before it was over has none."""
    contract = _find(db, organisations, "LE-2024-001")
    anniversary_on = date(2026, 1, 1)
    if contract is None or today <= anniversary_on + timedelta(days=31) or \
            service.yearly_reviews(db, contract.id):
        return
    clock.freeze(_at(anniversary_on, 5))
    campaign = service.launch_campaign(db, contract, reason=LaunchReason.anniversary,
                                       on=anniversary_on, anniversary=2)
    btp = organisations["btp"]
    buyer_rating, holder_rating = RATINGS["LE-2024-001"]
    _answer(db, _invitation(campaign, Direction.buyer_rates_holder, btp), buyer_rating,
            users[CLAIRE], on=date(2026, 1, 9))
    _answer(db, _invitation(campaign, Direction.holder_rates_buyer, btp), holder_rating,
            users[SUPPLIER_USERS["btp"]], on=date(2026, 1, 14))
    clock.freeze(_at(campaign.due_on + timedelta(days=1), 4))
    service.close_campaign(db, campaign)
