"""Demo data of the yearly reports: one CSR report a year serving two contracts of the same holder
with two different buyers, and a concession with its annual report. Loading it twice changes
nothing.

Story (Propreté Services Atlantique):
- CSR 2024 filed once in June 2025 for both contracts, validated by the métropole and by the
  département; CSR 2025 filed in June 2026, still under review at the métropole, returned by the
  département; 2026 expected.
- The school-catering concession: 2024 annual report validated, 2025 report missing.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import setup
from execution.demo.flow import at as _at
from execution.review import service as review
from portal import clock, identity
from portal.models import CommitmentKind, Contract, Organisation, OrgKind, Role, User
from portal.schemas import ContractIn
from supplier import service as filing
from supplier.models import Declaration
from supplier.report_schemas import ConcessionDeclarationIn, CsrDeclarationIn

AGENT = "claire.martin@loire-estuaire.example.fr"
HOLDER = "rse@proprete-atlantique.example.fr"
DEPARTEMENT = dict(name="Département de Loire-Estuaire", siret="22440000200016",
                   kind=OrgKind.buyer, postcode="44000", address="3 quai Ceineray, Nantes")
DEPARTEMENT_AGENT = ("helene.garnier@departement-loire-estuaire.example.fr", "Hélène Garnier")

CSR_CONTRACTS = [
    # (buyer key, reference, object, start, end, amount)
    ("metropole", "LE-2024-022", "Nettoyage et désinfection des équipements sportifs "
     "métropolitains", date(2024, 1, 1), date(2026, 12, 31), "640000"),
    ("departement", "CD-2024-105", "Nettoyage des collèges publics du département",
     date(2024, 9, 1), date(2027, 8, 31), "1180000"),
]
CONCESSION = ("LE-DSP-2024-01", "Délégation de service public de la restauration scolaire",
              date(2024, 1, 1), date(2030, 12, 31), "24000000")

CSR_2024 = dict(headcount=1240, women_share=Decimal("57.3"), equality_index=89,
                ghg_scope12_tco2e=Decimal("1385.4"), accident_frequency_rate=Decimal("24.6"),
                local_suppliers_share=Decimal("63.0"))
CSR_2025 = dict(headcount=1312, women_share=Decimal("58.1"), equality_index=94,
                ghg_scope12_tco2e=Decimal("1262.9"), accident_frequency_rate=Decimal("21.8"),
                local_suppliers_share=Decimal("66.5"))
CONCESSION_2024 = dict(
    total_purchases=Decimal("3850000"), sme_purchases=Decimal("1424500"),
    local_purchases=Decimal("1963500"), siae_purchases=Decimal("96250"),
    ea_esat_purchases=Decimal("57750"), ess_purchases=Decimal("231000"),
    insertion_hours_contractual=Decimal("4000"), insertion_hours_realised=Decimal("4385"),
    agec_summary="Vaisselle réemployable dans 42 restaurants sur 47 ; 100 % des bacs gastronormes "
                 "en inox réemployés ; papier des menus 100 % recyclé.",
    payment_delay_days=Decimal("41.5"), invoices_paid_60d_share=Decimal("93.2"),
    subcontracts_count=6, subcontracts_with_clauses=4,
    user_satisfaction="Enquête annuelle auprès des familles : 84 % satisfaites (81 % en 2023). "
                      "37 réclamations, toutes traitées sous 15 jours.",
    comments="Passage à 50 % de produits durables et de qualité (loi EGalim) en septembre.")



def demo_pdf(*lines: str) -> bytes:
    """A tiny but valid one-page PDF (Helvetica, WinAnsi text), so demo downloads open."""
    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 14 Tf 56 780 Td 20 TL " + " ".join(f"({escape(line)}) '" for line in lines)
    stream = (text + " ET").encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _upload(filename: str, *lines: str) -> SimpleNamespace:
    # What the form hands the handler (an UploadFile's name and stream): the demo PDFs go
    # through the same checks and storage as a real upload (portal.documents.store_upload).
    return SimpleNamespace(filename=filename, file=BytesIO(demo_pdf(*lines)))


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    agent, holder = users[AGENT], users[HOLDER]
    departement = _departement(db, agent)
    organisations.setdefault("departement", departement.organisation)
    users.setdefault(departement.email, departement)
    buyers = {"metropole": agent, "departement": departement}
    try:
        if not _exists(db, agent, CSR_CONTRACTS[0][1]):
            _csr_story(db, buyers, organisations["proprete"], holder)
        if not _exists(db, agent, CONCESSION[0]):
            _concession_story(db, agent, organisations["proprete"], holder)
    finally:
        clock.freeze(None)


def _departement(db: Session, agent: User) -> User:
    """A second buyer organisation and its agent, with the same demo password as the others."""
    email, name = DEPARTEMENT_AGENT
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        organisation = (identity.find_organisation_by_siret(db, DEPARTEMENT["siret"])
                        or identity.create_organisation(db, **DEPARTEMENT))
        user = identity.create_user(db, email=email, full_name=name, role=Role.buyer,
                                    organisation=organisation, password=None)
    # Whatever password the demo was loaded with (portal demo --password) works here too.
    if user.password_hash != agent.password_hash:
        user.password_hash = agent.password_hash
    return user


def _exists(db: Session, buyer: User, reference: str) -> bool:
    return db.scalar(select(Contract.id).where(Contract.buyer_org_id == buyer.organisation_id,
                                               Contract.reference == reference)) is not None


def _declaration(db: Session, contract: Contract, kind: CommitmentKind, year: int) -> Declaration:
    return next(d for d in filing.declarations_of(db, contract)
                if d.commitment.kind == kind and d.period_start.year == year)


def _csr_story(db, buyers, holder_org, holder) -> None:
    contracts = {}
    for key, reference, object_, start, end, amount in CSR_CONTRACTS:
        data = ContractIn(reference=reference, object=object_, nature="services",
                          holder_id=holder_org.id, starts_on=start, ends_on=end,
                          notified_on=date(start.year - 1, 11, 15), frequency="yearly",
                          amount_excl_vat=Decimal(amount), social_clause=True,
                          environmental_clause=True, csr_report=True)
        clock.freeze(_at(data.notified_on))
        contracts[key] = setup.create_contract(db, data, buyer=buyers[key])

    def file(year: int, via: str, figures: dict, day: date) -> list[Declaration]:
        clock.freeze(_at(day))
        declaration = _declaration(db, contracts[via], CommitmentKind.csr_report, year)
        data = CsrDeclarationIn(version=declaration.version, **figures)
        data._upload = _upload(f"rapport-rse-{year}-propreté-services-atlantique.pdf",
                               f"Propreté Services Atlantique - rapport RSE {year}",
                               f"Effectif : {figures['headcount']} salariés",
                               f"Index de l'égalité professionnelle : {figures['equality_index']}"
                               "/100")
        filing.submit(db, declaration.id, data, user=holder)
        return [_declaration(db, contracts[key], CommitmentKind.csr_report, year)
                for key in ("metropole", "departement")]

    metropole_2024, departement_2024 = file(2024, "metropole", CSR_2024, date(2025, 6, 12))
    clock.freeze(_at(date(2025, 6, 20)))
    review.validate(db, metropole_2024.id, reviewer=buyers["metropole"],
                    version=metropole_2024.version)
    clock.freeze(_at(date(2025, 6, 25)))
    review.validate(db, departement_2024.id, reviewer=buyers["departement"],
                    version=departement_2024.version)

    _, departement_2025 = file(2025, "departement", CSR_2025, date(2026, 6, 18))
    clock.freeze(_at(date(2026, 6, 26)))
    review.return_to_holder(
        db, departement_2025.id, reviewer=buyers["departement"],
        version=departement_2025.version,
        comment="L'index de l'égalité professionnelle 2025 (94/100) ne correspond pas à celui "
                "publié sur votre site (91/100) : merci de vérifier le chiffre et le rapport "
                "joint.")


def _concession_story(db, agent, holder_org, holder) -> None:
    reference, object_, start, end, amount = CONCESSION
    data = ContractIn(reference=reference, object=object_, kind="concession", nature="services",
                      holder_id=holder_org.id, starts_on=start, ends_on=end,
                      notified_on=date(2023, 10, 2), frequency="yearly",
                      amount_excl_vat=Decimal(amount), social_clause=True,
                      environmental_clause=True, concession_report=True)
    clock.freeze(_at(data.notified_on))
    contract = setup.create_contract(db, data, buyer=agent)
    first = _declaration(db, contract, CommitmentKind.concession_report, 2024)
    clock.freeze(_at(date(2025, 5, 20)))
    content = ConcessionDeclarationIn(version=first.version, **CONCESSION_2024)
    content._uploads = [_upload("rapport-annuel-2024-restauration-scolaire.pdf",
                                "Restauration scolaire - rapport annuel du délégataire 2024",
                                "Annexe : achats responsables et satisfaction des usagers")]
    filing.submit(db, first.id, content, user=holder)
    clock.freeze(_at(date(2025, 6, 10)))
    review.validate(db, first.id, reviewer=agent, version=first.version)
