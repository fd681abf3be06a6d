"""Demo data that tells a story: a métropole, its agents, three holders, contracts 2024–2026 with
insertion commitments and declarations in every status. Loading it twice changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import setup
from execution.demo import agec as demo_agec
from execution.demo import candidates as demo_candidates
from execution.demo import carbon as demo_carbon
from execution.demo import centrals as demo_centrals
from execution.demo import decp as demo_decp
from execution.demo import facilitation as demo_facilitation
from execution.demo import mediation as demo_mediation
from execution.demo import opinions as demo_opinions
from execution.demo import payments as demo_payments
from execution.demo import plan as demo_plan
from execution.demo import plausibility as demo_plausibility
from execution.demo import publication as demo_publication
from execution.demo import reports as demo_reports
from execution.demo import settings as demo_settings
from execution.demo import sharing as demo_sharing
from execution.demo import surveys as demo_surveys
from execution.demo.flow import at as _at
from execution.demo.flow import take_to
from portal import access, clock, identity
from portal.access import AccessRequest
from portal.commitments import InsertionHoursParams
from portal.errors import Invalid
from portal.models import Contract, Organisation, OrgKind, OrgSize, ReservedBasis, Role, User
from portal.schemas import ContractIn
from portal.security import hash_password
from supplier.models import Declaration, Status
from supplier.schemas import InsertionDeclarationIn, InsertionLineIn

# The demo accounts' published password (README, `portal demo`), not a secret.
DEFAULT_PASSWORD = "demo-portail-2026"  # nosec B105

ORGANISATIONS = [
    dict(key="metropole", name="Métropole de Loire-Estuaire", siret="24440012300018",
         kind=OrgKind.buyer, postcode="44000", address="2 cours du Champ-de-Mars, Nantes"),
    dict(key="btp", name="Bâtir Ouest Rénovation", siret="41852963200014", kind=OrgKind.supplier,
         size=OrgSize.pme, postcode="44800", address="14 rue de l'Industrie, Saint-Herblain"),
    dict(key="proprete", name="Propreté Services Atlantique", siret="52741963400011",
         kind=OrgKind.supplier, size=OrgSize.eti, postcode="35000",
         address="8 boulevard de la Liberté, Rennes"),
    dict(key="siae", name="Tremplin Vert (atelier et chantier d'insertion)",
         siret="83265417200010", kind=OrgKind.supplier, size=OrgSize.tpe, is_siae=True,
         is_ess=True, postcode="44400", address="3 chemin des Jardins, Rezé"),
    # The facilitators of the métropole's social clauses.
    dict(key="maison", name="Maison de l'emploi de Loire-Estuaire", siret="31847265100005",
         kind=OrgKind.facilitator, postcode="44000", address="5 rue de la Clause, Nantes"),
]

USERS = [
    ("admin@loire-estuaire.example.fr", "Sophie Administratrice", Role.admin, "metropole"),
    ("claire.martin@loire-estuaire.example.fr", "Claire Martin", Role.buyer, "metropole"),
    ("karim.benali@loire-estuaire.example.fr", "Karim Benali", Role.buyer, "metropole"),
    ("direction@batir-ouest.example.fr", "Julien Lefort", Role.supplier, "btp"),
    ("rse@proprete-atlantique.example.fr", "Nadia Roussel", Role.supplier, "proprete"),
    ("contact@tremplin-vert.example.fr", "Marc Gaillard", Role.supplier, "siae"),
    ("ines.garnier@maison-emploi-loire.example.fr", "Inès Garnier", Role.facilitator, "maison"),
]

# Gestionnaires manage their organisation's people; the first person of every organisation is
# one, and Claire Martin also manages the métropole's agents.
MANAGERS = {"admin@loire-estuaire.example.fr", "claire.martin@loire-estuaire.example.fr",
            "direction@batir-ouest.example.fr", "rse@proprete-atlantique.example.fr",
            "contact@tremplin-vert.example.fr", "ines.garnier@maison-emploi-loire.example.fr"}
# A buyer's request to add someone to a holder that already has people, awaiting its gestionnaire.
PENDING_REQUEST = ("karim.benali@loire-estuaire.example.fr", "btp",
                   "lucie.moreau@batir-ouest.example.fr", "Lucie Moreau")

# (reference, object, nature, holder, co-holders, start, end, frequency, target hours, penalty,
#  amount, considerations, statuses of the periods in order (later periods stay expected), pace:
#  the share of the expected hours each filed period brings).
V, R, S, D = Status.validated, Status.returned, Status.submitted, Status.draft
CONTRACTS = [
    # On track: the validated quarters carry more hours than the expected share.
    ("LE-2024-001", "Rénovation énergétique de six groupes scolaires", "works", "btp", ["siae"],
     date(2024, 1, 1), date(2026, 12, 31), "quarterly", "4200", "30", "3850000",
     {"social_clause", "environmental_clause"}, [V, V, V, V, V, V, V, R, S, D], 1.6),
    # Behind: the holder stopped filing after the third quarter of 2025.
    ("LE-2024-014", "Nettoyage des bâtiments administratifs de la métropole", "services",
     "proprete", [], date(2024, 4, 1), date(2027, 3, 31), "quarterly", "6000", None, "1240000",
     {"social_clause", "social_criterion", "environmental_criterion"}, [V, V, V, V, V, S], 0.8),
    # Ended and achieved: a reserved contract held by an insertion workshop.
    ("LE-2025-007", "Entretien des espaces verts des parcs métropolitains", "services", "siae",
     [], date(2025, 1, 1), date(2026, 6, 30), "quarterly", "1500", "25", "186000",
     {"reserved", "social_clause", "environmental_clause"}, [V, V, V, V, V, V], 1.05),
    # Monthly filings, a returned one and two overdue months.
    ("LE-2026-003", "Réhabilitation de la piscine des Dervallières", "works", "btp", [],
     date(2026, 2, 1), date(2027, 7, 31), "monthly", "2400", "40", "2100000",
     {"social_clause"}, [V, V, V, V, R, S, D], 0.95),
]

# (public category, age band) pairs that make sense together.
_PEOPLE = [("RSA", "26_49"), ("DELD_12M", "26_49"), ("JEUNE_MOINS_26", "MOINS_26"),
           ("TH_RQTH", "26_49"), ("SENIOR_50_PLUS", "50_PLUS"), ("SALARIE_SIAE", "MOINS_26"),
           ("DETLD_24M", "50_PLUS")]
_MODES = ["EMBAUCHE_DIRECTE", "ETTI", "GEIQ", "SOUS_TRAITANCE_SIAE"]


def _lines(seed: int, total_hours: Decimal) -> list[InsertionLineIn]:
    """Two to five beneficiaries sharing about ``total_hours``."""
    count = 2 + seed % 4
    share = (total_hours / count).quantize(Decimal("1"))
    lines = []
    for n in range(count):
        category, age_band = _PEOPLE[(seed + n) % len(_PEOPLE)]
        lines.append(InsertionLineIn(
            beneficiary_ref=f"B{seed:02d}-{n + 1:03d}", public_category=category,
            sex="F" if (seed + n) % 3 == 0 else "M", age_band=age_band,
            execution_mode=_MODES[(seed + 2 * n) % len(_MODES)],
            hours=max(share + 5 * ((seed + n) % 3 - 1), Decimal(1))))
    return lines



def load_demo(db: Session, *, password: str | None = None) -> list[tuple[str, str, str]]:
    """Creates what is missing and returns (e-mail, role, organisation) of every demo login."""
    organisations = {spec["key"]: _organisation(db, spec) for spec in ORGANISATIONS}
    users = {email: _user(db, email, name, role, organisations[org], password)
             for email, name, role, org in USERS}
    agent = users["claire.martin@loire-estuaire.example.fr"]
    holders = {u.organisation_id: u for u in users.values() if u.role == Role.supplier}
    for index, spec in enumerate(CONTRACTS):
        _contract(db, index, spec, organisations, agent, holders)
    # The other declaration kinds and the surveys tell their part of the story; the carbon
    # contract comes before the DECP facts, which complete every contract of the métropole.
    for part in (demo_facilitation, demo_agec, demo_plan, demo_reports, demo_surveys,
                 demo_carbon, demo_decp, demo_sharing, demo_plausibility, demo_opinions,
                 demo_centrals, demo_settings, demo_candidates, demo_payments, demo_mediation):
        part.load(db, organisations, users)
    # Last: the published snapshot freezes the figures of everything above.
    demo_publication.load(db, organisations, users)
    _pending_request(db, users, organisations)
    roles = {"admin": "administrateur", "buyer": "acheteur", "supplier": "entreprise",
             "facilitator": "facilitatrice"}
    return [(u.email, roles[u.role] + (", gestionnaire" if u.is_manager else "")
             + (", médiateur" if u.is_mediator else ""),
             u.organisation.name) for u in users.values()]


def _pending_request(db: Session, users: dict[str, User], organisations: dict) -> None:
    requester, org_key, email, name = PENDING_REQUEST
    if db.scalar(select(AccessRequest.id).where(AccessRequest.email == email)) is None:
        access.invite(db, inviter=users[requester], organisation=organisations[org_key],
                      email=email, full_name=name)


def _organisation(db: Session, spec: dict) -> Organisation:
    existing = identity.find_organisation_by_siret(db, spec["siret"])
    if existing is not None:
        return existing
    fields = {k: v for k, v in spec.items() if k != "key"}
    return identity.create_organisation(db, **fields)


def _user(db: Session, email: str, name: str, role: Role, organisation: Organisation,
          password: str | None) -> User:
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        return identity.create_user(db, email=email, full_name=name, role=role,
                                    organisation=organisation,
                                    password=password or DEFAULT_PASSWORD,
                                    is_manager=email in MANAGERS)
    user.is_manager = user.is_manager or email in MANAGERS
    if password is not None and not identity.verify_password_of(user, password):
        if message := identity.password_error(password):
            raise Invalid(message)
        user.password_hash = hash_password(password)
    return user


def _contract(db, index, spec, organisations, agent, holders) -> None:
    (reference, object_, nature, holder, co_holders, start, end, frequency, target, penalty,
     amount, considerations, statuses, pace) = spec
    buyer_id = organisations["metropole"].id
    if db.scalar(select(Contract.id).where(Contract.buyer_org_id == buyer_id,
                                           Contract.reference == reference)):
        return
    data = ContractIn(
        reference=reference, object=object_, nature=nature, holder_id=organisations[holder].id,
        co_holder_ids=[organisations[o].id for o in co_holders], starts_on=start, ends_on=end,
        notified_on=start - timedelta(days=45), frequency=frequency,
        amount_excl_vat=Decimal(amount),
        insertion=InsertionHoursParams(
            target_hours=Decimal(target),
            penalty_per_missing_hour=Decimal(penalty) if penalty else None),
        social_clause="social_clause" in considerations,
        social_criterion="social_criterion" in considerations,
        reserved="reserved" in considerations,
        environmental_clause="environmental_clause" in considerations,
        environmental_criterion="environmental_criterion" in considerations,
        # The reserved one is held by an insertion workshop (an SIAE).
        reserved_basis=ReservedBasis.insertion if "reserved" in considerations else None,
    )
    try:
        clock.freeze(_at(data.notified_on))
        contract = setup.create_contract(db, data, buyer=agent)
        filer = holders[organisations[holder].id]
        declarations = db.scalars(select(Declaration).where(
            Declaration.commitment_id == contract.commitments[0].id)
            .order_by(Declaration.period_start)).all()
        per_period = Decimal(target) / len(declarations) * Decimal(str(pace))
        for number, (declaration, status) in enumerate(zip(declarations, statuses, strict=False)):
            _file(db, declaration, status, filer, agent, seed=index * 20 + number,
                  hours=per_period)
    finally:
        clock.freeze(None)


def _file(db, declaration, status, filer, agent, *, seed: int, hours: Decimal) -> None:
    data = InsertionDeclarationIn(version=declaration.version, lines=_lines(seed, hours))
    take_to(db, declaration, data, status, filer=filer, agent=agent, filed_after=3,
            reviewed_after=9,
            return_comment="Merci de joindre les relevés de mission de l'ETTI et de corriger "
                           "les heures de la ligne 2, qui dépassent le temps de présence sur "
                           "le chantier.")
