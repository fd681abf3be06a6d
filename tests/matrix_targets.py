"""What the routes of the matrix address in its world (tests/matrix_world.py): for each family
of objects, one target owned by the first side and one by the other (more where the kind or the
state matters). And who may read each side's data: markers are strings that name it
(references, names, beneficiary references, double-blind answers…), each with the actors allowed
to receive it; the matrix checks no other actor ever does."""

from dataclasses import replace

from sqlalchemy import select

from execution.indicators.config import DEFINITIONS
from execution.indicators.exports import DATASETS, WORKBOOK
from execution.payments import service as invoices
from execution.payments.schemas import InvoiceForm
from execution.publication import service as publications
from execution.reports import attestation as attestations
from portal.models import Contract as ContractRow
from portal.notifications import Notification
from portal.reporting_period import parse_period
from portal.security import token_digest
from supplier.models import CsrReport
from surveys.candidates import service as candidate_surveys
from surveys.candidates.models import CandidateInvitation
from surveys.models import Question
from tests.matrix_world import NOBODY, PEOPLE, Target

# The targets of a route whose row names no family: by its path parameter.
FAMILY_OF_PARAMETER = {
    "contract_id": "contract", "declaration_id": "declaration", "user_id": "member",
    "request_id": "access_request", "token_id": "personal_token", "mail_id": "mail",
    "question_id": "question", "organisation_id": "surveyed_supplier",
    "campaign_id": "campaign", "invitation_id": "invitation", "threshold_id": "threshold",
    "document_id": "document", "code": "attestation", "token": "link",
    "indicator_id": "indicator", "path": "static", "job_id": "decp_import",
    "assignment_id": "assignment", "fmt": "followup_file", "membership_id": "membership",
    "invoice_id": "invoice",
}


def add_targets(db, w) -> None:
    """w.families: the targets of each family; w.markers: who may read what."""
    _families(db, w)
    _markers(w)


def _declaration(w, label, declaration, contract_key, side) -> Target:
    # What a facilitator of the contract reads: its insertion declarations, once filed.
    filed = (declaration.commitment.kind == "insertion_hours"
             and declaration.status in ("submitted", "validated", "returned"))
    return Target(label, {"declaration_id": declaration.id}, side=side,
                  contract=w.contracts[contract_key], version=declaration.version,
                  extra={"insertion_filed": filed})


def _families(db, w):
    """For each family, the targets a route of that family is called on."""
    db.expire_all()
    f, o, c = w.families, w.orgs, w.contracts
    sides = w.sides
    holders = {"A": "holder", "B": "other_supplier"}
    holder_orgs = {"A": "H", "B": "S"}
    reads = []
    for side, s in sides.items():
        reads += [_declaration(w, f"insertion validée {side}", s.insertion[0], side, side),
                  _declaration(w, f"insertion déposée {side}", s.insertion[1], side, side),
                  _declaration(w, f"insertion en brouillon {side}", s.insertion[2], side, side),
                  _declaration(w, f"AGEC déposée {side}", s.agec, side, side),
                  _declaration(w, f"plan de progrès validé {side}", s.plan, side, side),
                  _declaration(w, f"point d'étape du plan {side}", s.plan_update, side, side),
                  _declaration(w, f"rapport RSE 2025 {side}", s.csr, side, side),
                  _declaration(w, f"rapport de concession {side}", s.concession_report,
                               f"{side}-DSP", side)]
    # Open on the main contract and on the cross one: the form lists where else it is filed.
    reads.append(_declaration(w, "rapport RSE 2026 à déposer A", w.sides["A"].csr_next, "A", "A"))
    reads.append(_declaration(w, "rapport RSE 2025 du contrat croisé", w.cross.csr, "X", "X"))
    f["declaration"] = reads
    by_label = {t.label: t for t in reads}
    for family, state in (("open_declaration", "insertion en brouillon"),
                          ("submitted_declaration", "insertion déposée"),
                          ("validated_declaration", "insertion validée")):
        f[family] = [by_label[f"{state} {side}"] for side in sides]

    # A line of each side's filed insertion declaration, for the facilitator's line check.
    f["submitted_line"] = [
        Target(f"ligne de l'insertion déposée {side}",
               {"declaration_id": t.path["declaration_id"],
                "line_id": sides[side].insertion[1].insertion_lines[0].id},
               side=side, contract=t.contract, version=t.version)
        for side, t in zip(sides, f["submitted_declaration"], strict=True)]

    def contract(key, side):
        return Target(f"contrat {key}", {"contract_id": c[key].id}, side=side, contract=c[key],
                      version=c[key].version)

    f["contract"] = [contract("A", "A"), contract("B", "B")]
    # Hoth is a purchasing central (tests/matrix_world.py): its agents pick the members of B.
    f["central_contract"] = [replace(t, extra={"central": t.contract.key == "B"})
                             for t in f["contract"]]
    f["membership"] = [Target("adhésion de Yavin à Hoth", {"membership_id": w.membership.id})]
    f["readable_contract"] = [*f["contract"], contract("A-DSP", "A"), contract("X", "X")]
    f["contract_query"] = [NOBODY, *(Target(f"contract_id={k}", query={"contract_id": c[k].id},
                                            side=k, contract=c[k]) for k in sides)]
    members = {"A": w.users["colleague"], "B": w.people["B"].invited}
    f["member"] = [Target(f"membre de {members[s].organisation.name}",
                          {"user_id": members[s].id}, side=s, org=holder_orgs[s]) for s in sides]
    f["mediator_member"] = [*f["member"], Target(
        "agent de Ville de Naboo", {"user_id": w.users["buyer_agent"].id}, side="A", org="BA")]
    f["access_request"] = [Target(f"demande d'ajout {s}", {"request_id": w.people[s].request.id},
                                  side=s, org=holder_orgs[s]) for s in sides]
    f["personal_token"] = [Target(f"jeton {s}", {"token_id": w.people[s].token.id}, side=s,
                                  owner=holders[s]) for s in sides]
    f["notification"] = [NOBODY, *(Target(f"notification {s}", side=s, owner=holders[s],
                                          extra={"id": _notification_id(db, w, s)})
                                   for s in sides)]
    f["mail"] = [Target(f"courriel {s}", {"mail_id": w.people[s].mail}, side=s) for s in sides]
    # The one-time link is the credential: one is enough.
    f["link"] = [Target("lien d'invitation A", {"token": w.people["A"].link}, side="A")]
    f["candidate_link"] = [Target("lien d'enquête de candidat A",
                                  {"token": _candidate_token(db, w)}, side="A", contract=c["A"])]
    f["invite_org"] = [Target(f"organisation {k}", side=side, org=k, extra={"kind": o[k].kind})
                       for k, side in (("H", "A"), ("S", "B"), ("BA", "BA"))] + [
        Target(f"facilitateur {k}", side=k, org=k, extra={"kind": o[k].kind, "buyer": buyer})
        for k, buyer in (("F", "BA"), ("G", "BB"))]
    f["question"] = [Target(f"question de {k}", {"question_id": _question_id(db, o[k].id)},
                            side=s, org=k) for k, s in (("BA", "A"), ("BB", "B"))]
    f["surveyed_supplier"] = [
        Target("Alderaan (évaluée par Naboo)", {"organisation_id": o["H"].id}, side="A",
               extra={"surveyed_by": {"BA"}}),
        Target("Sullust (évaluée par Hoth)", {"organisation_id": o["S"].id}, side="B",
               extra={"surveyed_by": {"BB"}})]
    f["campaign"] = [Target(f"campagne {s}", {"campaign_id": sides[s].campaign.id}, side=s,
                            contract=c[s]) for s in sides]
    keys = {org.id: k for k, org in o.items()}
    invitations = []
    for (side, respondent, subject), invitation in w.invitations.items():
        invitations.append(Target(
            f"enquête {side} de {keys[respondent]} sur {keys[subject]}",
            {"invitation_id": invitation.id}, side=side, contract=c[side],
            extra={"respondent": keys[respondent], "subject": keys[subject],
                   "submitted": invitation.status == "submitted",
                   "facilitator": invitation.direction == "facilitator_rates_clause"}))
    f["invitation"] = invitations
    f["open_invitation"] = [t for t in invitations if not t.extra["submitted"]]
    f["survey_view"] = [NOBODY, *(Target(f"vue={view}", query={"vue": view})
                                  for view in ("deposees", "recues", "entreprises"))]
    f["threshold"] = [Target("seuil AGEC", {"threshold_id": w.threshold.id})]
    f["document"] = [
        Target("rapport RSE 2025 (PDF) A", {"document_id": _csr_document(db, w, "H", 2025)},
               side="A", org="H", extra={"contracts": (c["A"], c["X"])}),
        Target("rapport RSE 2025 (PDF) B", {"document_id": _csr_document(db, w, "S", 2025)},
               side="B", org="S", extra={"contracts": (c["B"],)}),
        Target("brouillon RSE 2026 (PDF) du contrat croisé",
               {"document_id": _csr_document(db, w, "H", 2026)}, side="X", org="H",
               extra={"contracts": (c["X"],), "draft": True})]
    f["attestation"] = [Target(f"attestation {s}", {"code": attestations.display_code(
        sides[s].attestation.code)}, side=s) for s in sides]
    f["verification"] = [NOBODY, Target("code saisi", query={
        "code": f["attestation"][0].path["code"]})]

    def scoped(label, org, **path):
        return Target(f"{label}acheteur={org}", path, query={"acheteur": o[org].id}, org=org)

    f["scope"] = [NOBODY, scoped("", "BA"), scoped("", "BB")]
    # A PDF costs a second or two: the default scope, and another organisation's.
    f["report_scope"] = [NOBODY, scoped("", "BB")]
    f["indicator_siret"] = [NOBODY, *(Target(f"buyer_siret={k}", query={
        "buyer_siret": o[k].siret}, org=k) for k in ("BA", "BB"))]
    first = DEFINITIONS[0].id
    f["indicator"] = [Target(d.id, {"indicator_id": d.id}) for d in DEFINITIONS] + [
        scoped(f"{first}, ", k, indicator_id=first) for k in ("BA", "BB")]
    f["export"] = [Target(f"{name}.csv", {"name": name, "fmt": "csv"}) for name in DATASETS] + [
        Target(f"{WORKBOOK}.xlsx", {"name": WORKBOOK, "fmt": "xlsx"})] + [
        scoped("heures-insertion.csv, ", k, name="heures-insertion", fmt="csv")
        for k in ("BA", "BB")]
    f["annex"] = [Target("annexe CSV", {"fmt": "csv"}), Target("annexe XLSX", {"fmt": "xlsx"}),
                  *(scoped("annexe CSV, ", k, fmt="csv") for k in ("BA", "BB"))]
    f["static"] = [Target("portal.css", {"path": "portal.css"})]
    f["assignment"] = [Target(f"rattachement de {k}", {"assignment_id": w.assignments[k].id},
                              org=k) for k in ("F", "G")]
    f["followup_file"] = [Target(f"suivi.{fmt}", {"fmt": fmt}) for fmt in ("csv", "xlsx")]
    f["decp_import"] = [Target(f"import DECP de {k}", {"job_id": w.decp_imports[k].id}, org=k)
                        for k in ("BA", "BB")]
    # Naboo published its 2025 hours: the public pages read it (Hoth published nothing: 404).
    publications.publish(db, w.users["buyer"], o["BA"], parse_period("2025"),
                         ["insertion_hours"])
    supplier_of = {"A": "H", "B": "S"}
    f["mediation_request"] = [
        Target(f"demande de médiation {side}", {"request_id": m.request.id}, side=side,
               contract=c[side], extra={"supplier": supplier_of[side]})
        for side, m in w.mediation.items()]
    f["mediation_contract"] = [contract("A", "A"), contract("B", "B"), contract("X", "X")]
    f["mediation_attachment"] = [
        Target(f"pièce de médiation {side}", {"attachment_id": m.attachment.id}, side=side,
               contract=c[side], extra={"supplier": supplier_of[side]})
        for side, m in w.mediation.items()]
    f["publication"] = [Target("publication 2025 de BA",
                               {"siret": o["BA"].siret, "period": "2025"}, org="BA")]
    # The contract a supplier names in the invoice declaration's form (not in its address).
    f["invoice_contract"] = [Target(f"contrat {k} (choisi dans le formulaire)", side=k,
                                    contract=c[k]) for k in ("A", "B")]
    # An invoice each holder declared unpaid, awaiting its buyer's confirmation.
    f["invoice"] = []
    for side, holder in holders.items():
        word = {"A": "ALDERAAN", "B": "SULLUST"}[side]
        invoice = invoices.declare(db, actor=w.users[holder], contract_id=c[side].id,
                                   data=InvoiceForm(number=f"FAC-{word}-1",
                                                    received_on="2025-01-15",
                                                    amount_incl_vat="1000"))
        db.flush()
        f["invoice"].append(Target(f"facture déclarée {side}", {"invoice_id": invoice.id},
                                   side=side, contract=c[side], org=holder_orgs[side],
                                   version=invoice.version))


def _candidate_token(db, w) -> str:
    """A candidate of contract A invited by mail: its link's token (only the digest is kept, so
    the matrix's own token replaces the one mailed)."""
    contract = db.get(ContractRow, w.contracts["A"].id)
    candidate_surveys.invite(db, contract, ["candidat@exemple.fr"], user=w.users["buyer"])
    invitation = db.scalar(select(CandidateInvitation))
    token = "jeton-de-candidat-de-la-matrice"
    invitation.token_digest = token_digest(token)
    db.flush()
    return token


def _notification_id(db, w, side) -> int:
    return db.scalar(select(Notification.id).where(Notification.key == f"matrix-{side}"))


def _question_id(db, org_id) -> int:
    return db.scalar(select(Question.id).where(Question.buyer_org_id == org_id,
                                               Question.wording.like("Question %delais")))


def _csr_document(db, w, org, year) -> int:
    return db.scalar(select(CsrReport.document_id).where(
        CsrReport.organisation_id == w.orgs[org].id, CsrReport.year == year))


# --- Who may read what ---------------------------------------------------------------------------

def _actors_of(w, *orgs: str) -> frozenset[str]:
    """The actors of these organisations, and the administrator."""
    return frozenset({"admin", *(name for name, _role, org, _email in PEOPLE if org in orgs)})


def _suppliers_of(w, *orgs: str) -> frozenset[str]:
    """The suppliers among the actors of these organisations: what a draft holds is theirs."""
    return frozenset(name for name, role, org, _email in PEOPLE
                     if org in orgs and role == "supplier")


def _markers(w):
    """Each side's data, by a string that names it, with the actors allowed to read it."""
    partners = w.partners
    m = w.markers
    for contract in w.contracts.values():
        reference = {"A": "REF-ALDERAAN-1", "B": "REF-SULLUST-1", "A-DSP": "REF-ALDERAAN-DSP",
                     "B-DSP": "REF-SULLUST-DSP", "X": "REF-HOTH-ALDERAAN"}[contract.key]
        m[reference] = _actors_of(w, *contract.readers)
    for key in ("BA", "BB", "H", "C", "S"):
        m[w.orgs[key].name] = _actors_of(w, *partners[key])
        for _name, _role, org, email in PEOPLE:
            if org == key:
                m[email] = _actors_of(w, *partners[key])
    for word, readers in (("ALD", ("BA", "H", "C")), ("SUL", ("BB", "S"))):
        for n in (1, 2):
            m[f"BEN-{word}-{n:02d}"] = _actors_of(w, *readers)
        # The third line is a draft's: the supplier side's only (no buyer, no administrator).
        m[f"BEN-{word}-03"] = _suppliers_of(w, *readers)
    # A facilitator reads the contracts it follows, their parties and their filed insertion
    # lines: Kamino Naboo's contract A, Dagobah Hoth's contract B.
    for facilitator, markers in (("facilitator", ("REF-ALDERAAN-1", w.orgs["BA"].name,
                                                  w.orgs["H"].name, w.orgs["C"].name,
                                                  "BEN-ALD-01", "BEN-ALD-02")),
                                 ("other_facilitator", ("REF-SULLUST-1", w.orgs["BB"].name,
                                                        w.orgs["S"].name, "BEN-SUL-01",
                                                        "BEN-SUL-02"))):
        for marker in markers:
            m[marker] = m[marker] | {facilitator}
    # An invoice is its buyer's and its holder's, not the co-holder's.
    m["FAC-ALDERAAN-1"] = _actors_of(w, "BA", "H")
    m["FAC-SULLUST-1"] = _actors_of(w, "BB", "S")
    m["Action Alderaan de tri"] = _actors_of(w, "BA", "H", "C")
    m["Action Sullust de tri"] = _actors_of(w, "BB", "S")
    m["decp-naboo.json"] = m["Rejet naboo"] = _actors_of(w, "BA")
    m["decp-hoth.json"] = m["Rejet hoth"] = _actors_of(w, "BB")
    m["rse-alderaan-2025.pdf"] = _actors_of(w, "H", "C", "BA", "BB")
    m["rse-sullust-2025.pdf"] = _actors_of(w, "S", "BB")
    m["rse-alderaan-2026-brouillon.pdf"] = _suppliers_of(w, "H")
    m["Question Alderaan sur les delais"] = _actors_of(w, "BA", "H", "C")
    m["Question Sullust sur les delais"] = _actors_of(w, "BB", "S")
    # Double-blind: an evaluation is read by the other side only once it has answered too.
    m["Avis secret Alderaan"] = frozenset({"holder", "colleague"})
    m["Avis secret Naboo"] = frozenset({"buyer", "buyer_agent"})
    m["Avis secret Sullust"] = frozenset({"other_supplier"})
    # One person's own things.
    m["Jeton Alderaan"] = frozenset({"holder"})
    m["Jeton Sullust"] = frozenset({"other_supplier"})
    m["Notification Alderaan a lire"] = frozenset({"holder"})
    m["Notification Sullust a lire"] = frozenset({"other_supplier"})
    # A mediation request: its two parties (the company that opened it, the contract's buyer:
    # its agents and mediators), nobody else (not even the administrator).
    for word, readers in (("Alderaan", ("holder", "colleague", "buyer", "buyer_agent")),
                          ("Sullust", ("other_supplier", "other_buyer"))):
        m[f"Litige {word} confidentiel"] = frozenset(readers)
        m[f"Expose {word.lower()}"] = frozenset(readers)
        m[f"mediation-{word.lower()}.pdf"] = frozenset(readers)
    m["invite@alderaan.example.fr"] = _actors_of(w, "H")
    m["invite@sullust.example.fr"] = _actors_of(w, "S")
    m["demande@alderaan.example.fr"] = _actors_of(w, "H", "BA")
    m["demande@sullust.example.fr"] = _actors_of(w, "S", "BB")

