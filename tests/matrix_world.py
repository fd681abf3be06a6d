"""The world of the route matrix (tests/test_route_matrix.py): two buyers, a holder with a
colleague and a co-holder, another supplier and an administrator, and for every kind of object a
route can address one owned by the first side and one owned by the other side.

Side A: buyer organisation "Ville de Naboo" (a gestionnaire and an agent); holder "Alderaan
Travaux" (a gestionnaire and a colleague), co-holder "Coruscant Insertion" on the main contract.
Side B: buyer organisation "Departement de Hoth" and supplier "Sullust Services". A cross
contract of Hoth held by Alderaan (a CSR report filed once serves both buyers). Facilitators:
"Maison de l'emploi de Kamino" works for Naboo (all its insertion contracts: contract A, not its
concession), "PLIE de Dagobah" for Hoth on contract B only. Every actor is
logged in once, by a session and an API token minted here (no password hash per case).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import Any

from pypdf import PdfWriter
from sqlalchemy import select

from execution.agec.models import BuyerAgecTotal
from execution.decp.models import DecpImport, DecpRejection, ImportStatus
from execution.mediation import service as mediation
from execution.reports import attestation as attestations
from execution.review import service as review
from portal import access, agec, api_tokens, identity
from portal.auth import SESSION_COOKIE
from portal.centrals import CentralMembership
from portal.commitments import AgecParams, InsertionHoursParams, ProgressPlanParams
from portal.facilitators import FacilitatorAssignment
from portal.mail import OutgoingMail
from portal.models import OrgKind, Role, TokenKind
from portal.notifications import notify
from portal.permissions import facilitated_contract_ids
from portal.security import hash_password
from portal.web import CSRF_COOKIE, signer
from supplier import service as filing
from supplier.kinds.agec import AgecDeclarationIn, AgecLineIn
from supplier.models import Subject
from supplier.plan_schemas import PlanActionIn, PlanProposalIn
from supplier.report_schemas import CsrDeclarationIn
from supplier.schemas import InsertionDeclarationIn
from surveys import bank
from surveys import service as surveys
from surveys.models import Direction, LaunchReason, Scale
from tests import factories
from tests.pdfs import PDF

CSRF = "route-matrix-csrf-token"
NEW_PASSWORD = "une phrase de passe toute neuve"


@dataclass(frozen=True)
class Actor:
    name: str
    role: str  # "anonymous", "buyer", "supplier", "facilitator" or "admin"
    org: str | None = None  # key of its organisation ("BA", "H", …)
    manager: bool = False
    email: str | None = None
    partners: frozenset[str] = frozenset()  # organisations sharing a contract with its own
    follows: frozenset[str] = frozenset()  # a facilitator's contracts (keys of w.contracts)
    cookies: dict[str, str] = field(default_factory=dict)
    bearer: dict[str, str] = field(default_factory=dict)
    mediator: bool = False  # a buyer organisation's mediator (execution.mediation)


@dataclass(frozen=True)
class Contract:
    """Who a contract belongs to, by organisation key."""
    key: str
    id: int
    buyer: str
    holder: str
    co_holders: tuple[str, ...] = ()
    version: int = 1

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.holder, *self.co_holders)

    @property
    def readers(self) -> set[str]:
        return {self.buyer, *self.parties}


@dataclass(frozen=True)
class Target:
    """One object a route can address: the values of its path parameters (and query), and whom
    it belongs to."""
    label: str
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    side: str | None = None  # "A", "B" (or "X", the cross contract): whose it is
    contract: Contract | None = None
    org: str | None = None  # the organisation it belongs to
    owner: str | None = None  # the actor it belongs to
    version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


NOBODY = Target("—")

# (key, name, kind); the first person of each organisation is its gestionnaire.
ORGANISATIONS = [("BA", "Ville de Naboo", OrgKind.buyer),
                 ("BB", "Departement de Hoth", OrgKind.buyer),
                 ("ADM", "Pilotage SPASER", OrgKind.buyer),
                 ("H", "Alderaan Travaux", OrgKind.supplier),
                 ("C", "Coruscant Insertion", OrgKind.supplier),
                 ("S", "Sullust Services", OrgKind.supplier),
                 ("F", "Maison de l'emploi de Kamino", OrgKind.facilitator),
                 ("G", "PLIE de Dagobah", OrgKind.facilitator)]
# (actor, role, organisation, e-mail); in this order, so each gestionnaire comes first.
PEOPLE = [("buyer", Role.buyer, "BA", "padme@naboo.example.fr"),
          ("buyer_agent", Role.buyer, "BA", "jarjar@naboo.example.fr"),
          ("other_buyer", Role.buyer, "BB", "leia@hoth.example.fr"),
          ("holder", Role.supplier, "H", "bail@alderaan.example.fr"),
          ("colleague", Role.supplier, "H", "breha@alderaan.example.fr"),
          ("co_holder", Role.supplier, "C", "cora@coruscant.example.fr"),
          ("other_supplier", Role.supplier, "S", "sian@sullust.example.fr"),
          ("admin", Role.admin, "ADM", "pilote@spaser.example.fr"),
          ("facilitator", Role.facilitator, "F", "taun@kamino.example.fr"),
          ("other_facilitator", Role.facilitator, "G", "yoda@dagobah.example.fr")]
ACTOR_NAMES = ("anonymous", *(name for name, *_ in PEOPLE))


def build(db) -> SimpleNamespace:
    w = SimpleNamespace(orgs={}, users={}, sides={}, families={}, markers={})
    for key, name, kind in ORGANISATIONS:
        w.orgs[key] = factories.make_org(db, kind, name=name)
    # One hash for everyone: each costs a third of a second.
    password_hash = hash_password(factories.PASSWORD)
    for name, role, org, email in PEOPLE:
        user = identity.create_user(db, email=email, full_name=f"Personne {name}", role=role,
                                    organisation=w.orgs[org], password=None)
        user.password_hash = password_hash
        db.flush()  # the next one of the organisation is not its gestionnaire
        w.users[name] = user
    db.commit()
    w.contracts = {}
    _side(db, w, "A", buyer="buyer", holder="holder", co_holder="co_holder")
    _side(db, w, "B", buyer="other_buyer", holder="other_supplier", co_holder=None)
    _cross_contract(db, w)
    _facilitators(db, w)
    _centrals(db, w)
    _csr_reports(db, w)
    _surveys(db, w)
    _people_objects(db, w)
    _reference_objects(db, w)
    _mediation(db, w)
    db.commit()
    w.partners = {key: {key} for key in w.orgs}
    for contract in w.contracts.values():
        for org in contract.readers:
            w.partners[org] |= contract.readers
    w.actors = _actors(db, w)
    db.commit()
    return w


# --- Contracts and declarations -----------------------------------------------------------------

def _contract(w, key, contract) -> Contract:
    by_id = {org.id: k for k, org in w.orgs.items()}
    info = Contract(key=key, id=contract.id, buyer=by_id[contract.buyer_org_id],
                    holder=by_id[contract.holder.id],
                    co_holders=tuple(by_id[o.id] for o in contract.co_holders),
                    version=contract.version)
    w.contracts[key] = info
    return info


def _side(db, w, side, *, buyer, holder, co_holder):
    buyer_user, holder_user = w.users[buyer], w.users[holder]
    word = {"A": "ALDERAAN", "B": "SULLUST"}[side]
    co_holders = [w.users[co_holder].organisation_id] if co_holder else []
    # Its question is in the bank before the campaign: the respondents read it.
    bank.add_question(db, user=buyer_user, direction=Direction.holder_rates_buyer,
                      wording=f"Question {word.title()} sur les delais", scale=Scale.text)
    main = factories.make_contract(
        db, buyer_user, holder_user.organisation, reference=f"REF-{word}-1",
        object=f"Travaux {word.title()}", nature="supplies", starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31), co_holder_ids=co_holders,
        insertion=InsertionHoursParams(target_hours=Decimal("1000")),
        agec=AgecParams(categories=["D2024_TEXTILES"]), csr_report=True,
        progress_plan=ProgressPlanParams(review_frequency="quarterly", plan_due_days=60))
    concession = factories.make_contract(
        db, buyer_user, holder_user.organisation, reference=f"REF-{word}-DSP", kind="concession",
        nature="services", insertion=None, concession_report=True, starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31))
    declarations = factories.declarations(db, main)

    def find(kind, subject=Subject.period, start=date(2025, 1, 1)):
        return next(d for d in declarations if d.commitment.kind == kind
                    and d.subject == subject and d.period_start == start)

    insertion = [find("insertion_hours", start=date(2025, month, 1)) for month in (1, 4, 7)]
    for n, declaration in enumerate(insertion, start=1):
        data = InsertionDeclarationIn(version=declaration.version, lines=[factories.line(
            beneficiary_ref=f"BEN-{word[:3]}-{n:02d}", hours=Decimal("35"))])
        if n == 3:
            filing.save_draft(db, declaration.id, data, user=holder_user)
        else:
            filing.submit(db, declaration.id, data, user=holder_user)
    review.validate(db, insertion[0].id, reviewer=buyer_user, version=insertion[0].version)
    agec_declaration = find("agec_share")
    filing.submit(db, agec_declaration.id, AgecDeclarationIn(
        version=agec_declaration.version, lines=[AgecLineIn(
            category_code="D2024_TEXTILES", total_excl_vat=Decimal("1000"),
            reuse_excl_vat=Decimal("100"))]), user=holder_user)
    plan = next(d for d in declarations if d.subject == Subject.plan)
    filing.submit(db, plan.id, PlanProposalIn(version=plan.version, actions=[PlanActionIn(
        axis="environment", title=f"Action {word.title()} de tri", indicator="Déchets",
        unit="t", baseline="10", target="5", deadline="31/12/2026")]), user=holder_user)
    review.validate(db, plan.id, reviewer=buyer_user, version=plan.version)
    db.commit()
    w.sides[side] = SimpleNamespace(
        main=main, concession=concession, insertion=insertion, agec=agec_declaration, plan=plan,
        plan_update=next(d for d in declarations if d.commitment.kind == "progress_plan"
                         and d.subject == Subject.period),
        csr=find("csr_report"), csr_next=find("csr_report", start=date(2026, 1, 1)),
        buyer=buyer_user, holder=holder_user,
        concession_report=factories.declarations(db, concession)[0])
    _contract(w, side, main)
    _contract(w, f"{side}-DSP", concession)


def _cross_contract(db, w):
    """Hoth also buys from Alderaan: one CSR report, filed from contract A, serves both."""
    contract = factories.make_contract(
        db, w.users["other_buyer"], w.orgs["H"], reference="REF-HOTH-ALDERAAN", insertion=None,
        csr_report=True, starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31))
    declarations = factories.declarations(db, contract)
    w.cross = SimpleNamespace(main=contract, csr=declarations[0], csr_next=declarations[1])
    _contract(w, "X", contract)


def _facilitators(db, w):
    """Kamino for all of Naboo's insertion contracts, Dagobah for Hoth's contract B only."""
    w.assignments = {
        "F": FacilitatorAssignment(facilitator_org_id=w.orgs["F"].id,
                                   buyer_org_id=w.orgs["BA"].id),
        "G": FacilitatorAssignment(facilitator_org_id=w.orgs["G"].id,
                                   buyer_org_id=w.orgs["BB"].id,
                                   contract_id=w.contracts["B"].id)}
    db.add_all(w.assignments.values())
    db.flush()
    keys = {contract.id: key for key, contract in w.contracts.items()}
    w.follows = {org: frozenset(keys[i] for i in db.scalars(facilitated_contract_ids(
        w.orgs[org].id)) if i in keys) for org in ("F", "G")}


def _centrals(db, w):
    """Hoth is a purchasing central: the Commune de Yavin (no people of its own) is a member,
    and uses nothing yet."""
    yavin = factories.make_org(db, OrgKind.buyer, name="Commune de Yavin")
    w.membership = CentralMembership(central_org_id=w.orgs["BB"].id, member_org_id=yavin.id)
    w.yavin = yavin
    db.add(w.membership)
    db.flush()


def _two_pages() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _csr_reports(db, w):
    """The 2025 reports filed (Alderaan's serves Naboo and Hoth); Alderaan's 2026 draft saved
    from Hoth's contract: its PDF is linked to that contract only until it is submitted."""
    for side, word in (("A", "alderaan"), ("B", "sullust")):
        s = w.sides[side]
        data = CsrDeclarationIn(version=s.csr.version, headcount=120)
        data._upload = SimpleNamespace(filename=f"rse-{word}-2025.pdf", file=BytesIO(PDF))
        filing.submit(db, s.csr.id, data, user=s.holder)
    draft = w.cross.csr_next
    data = CsrDeclarationIn(version=draft.version, headcount=125)
    data._upload = SimpleNamespace(filename="rse-alderaan-2026-brouillon.pdf",
                                   file=BytesIO(_two_pages()))
    filing.save_draft(db, draft.id, data, user=w.users["holder"])
    db.commit()


# --- Surveys ------------------------------------------------------------------------------------

def _answer_all(db, invitation, user, text):
    values = {Scale.satisfaction: 4, Scale.likelihood: 8, Scale.yes_no: "yes",
              Scale.yes_no_unknown: "unknown", Scale.text: text}
    surveys.save_answers(db, invitation.id, {a.id: values[a.scale] for a in invitation.answers},
                         user=user, submit=True)


def _surveys(db, w):
    """A campaign per main contract; the holder's (and Naboo's of the co-holder) evaluations
    submitted while the other side has not answered: double-blind hides them."""
    w.invitations = {}
    for side in ("A", "B"):
        s = w.sides[side]
        campaign = surveys.launch_campaign(db, s.main, reason=LaunchReason.manual, by=s.buyer)
        s.campaign = campaign
        for invitation in campaign.invitations:
            w.invitations[(side, invitation.respondent_org_id, invitation.subject_org_id)] = \
                invitation
    o = w.orgs
    _answer_all(db, w.invitations[("A", o["H"].id, o["BA"].id)], w.users["holder"],
                "Avis secret Alderaan")
    _answer_all(db, w.invitations[("A", o["BA"].id, o["C"].id)], w.users["buyer"],
                "Avis secret Naboo")
    _answer_all(db, w.invitations[("B", o["S"].id, o["BB"].id)], w.users["other_supplier"],
                "Avis secret Sullust")
    db.commit()


# --- People, tokens, requests, mails, notifications ---------------------------------------------

def _link_token(db, email: str) -> str:
    body = db.scalar(select(OutgoingMail.text_body).where(OutgoingMail.to_address == email)
                     .order_by(OutgoingMail.id.desc()))
    return re.search(r"/compte/lien/(\S+)", body).group(1)


def _people_objects(db, w):
    w.people = {}
    for side, manager, org, requester, word in (("A", "holder", "H", "buyer", "alderaan"),
                                                ("B", "other_supplier", "S", "other_buyer",
                                                 "sullust")):
        invited = access.invite(db, inviter=w.users[manager], organisation=w.orgs[org],
                                email=f"invite@{word}.example.fr", full_name="Personne invitee")
        request = access.invite(db, inviter=w.users[requester], organisation=w.orgs[org],
                                email=f"demande@{word}.example.fr", full_name="Personne demandee")
        token, _secret = api_tokens.create(db, w.users[manager], name=f"Jeton {word.title()}",
                                           days=30)
        notify(db, w.users[manager], key=f"matrix-{side}", kind="reminder",
               message=f"Notification {word.title()} a lire", link=None, mail=False)
        db.flush()
        w.people[side] = SimpleNamespace(
            invited=invited, request=request, token=token, link=_link_token(db, invited.email),
            mail=db.scalar(select(OutgoingMail.id).where(OutgoingMail.to_address
                                                         == invited.email)))


def _reference_objects(db, w):
    for side in ("A", "B"):
        s = w.sides[side]
        s.attestation = attestations.issue(db, s.main.id, user=s.holder)
    w.threshold = agec.thresholds(db)[0]
    # A finished DECP import of each buyer, with a record of its report.
    w.decp_imports = {}
    for org, name in (("BA", "naboo"), ("BB", "hoth")):
        job = DecpImport(buyer_org_id=w.orgs[org].id, filename=f"decp-{name}.json",
                         status=ImportStatus.done, records_read=1, rejected=1)
        db.add(job)
        db.flush()
        db.add(DecpRejection(import_id=job.id, position=1, record_id=f"ID-{name}",
                             field="codeCPV", value="", reason=f"Rejet {name}"))
        w.decp_imports[org] = job
    # Each buyer's own AGEC totals of 2025: its declaration file can be downloaded.
    for org, user in (("BA", "buyer"), ("BB", "other_buyer")):
        db.add(BuyerAgecTotal(buyer_org_id=w.orgs[org].id, year=2025,
                              category_code="D2024_TEXTILES", total_excl_vat=Decimal("5000"),
                              reuse_and_donation_excl_vat=Decimal("400"),
                              donation_excl_vat=Decimal("0"), recycled_excl_vat=Decimal("900"),
                              updated_by_id=w.users[user].id))


def _mediation(db, w):
    """Each buyer's gestionnaire is its mediator (Naboo's agent is not); each holder opened a
    request on its main contract, with a file."""
    w.mediation = {}
    for side, buyer, holder, word in (("A", "buyer", "holder", "alderaan"),
                                      ("B", "other_buyer", "other_supplier", "sullust")):
        w.users[buyer].is_mediator = True
        request = mediation.open_request(
            db, user=w.users[holder], contract_id=w.sides[side].main.id,
            subject=f"Litige {word.title()} confidentiel", description=f"Expose {word}",
            upload=mediation.Upload(f"mediation-{word}.pdf", BytesIO(PDF)))
        db.flush()
        w.mediation[side] = SimpleNamespace(request=request,
                                            attachment=request.attachments[0])


# --- Actors ---------------------------------------------------------------------------------------

def _actors(db, w) -> list[Actor]:
    csrf = signer("csrf").sign(CSRF)
    actors = [Actor("anonymous", "anonymous", cookies={CSRF_COOKIE: csrf})]
    keys = {org.id: k for k, org in w.orgs.items()}
    for name, _role, _org, _email in PEOPLE:
        user = w.users[name]
        session = identity.open_session(db, user, kind=TokenKind.session, hours=24)
        bearer = identity.open_session(db, user, kind=TokenKind.api, hours=24)
        org = keys[user.organisation_id]
        actors.append(Actor(name, user.role, org, user.is_manager, user.email,
                            frozenset(w.partners[org] - {org}), w.follows.get(org, frozenset()),
                            cookies={CSRF_COOKIE: csrf,
                                     SESSION_COOKIE: signer("session").sign(session)},
                            bearer={"Authorization": f"Bearer {bearer}"},
                            mediator=user.is_mediator))
    return actors

