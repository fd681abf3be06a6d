"""The yearly reports' demo data: every status, through the real services, loaded once."""

import subprocess
import tempfile

from sqlalchemy import func, select

from execution.demo import load as demo
from execution.demo import reports as demo_reports
from portal import identity
from portal.models import Contract, User
from supplier import csr
from supplier.models import Declaration, Status
from tests.conftest import visible_text


def _load(db):
    demo.load_demo(db)
    organisations = {spec["key"]: identity.find_organisation_by_siret(db, spec["siret"])
                     for spec in demo.ORGANISATIONS}
    users = {email: db.scalar(select(User).where(User.email == email))
             for email, *_ in demo.USERS}
    demo_reports.load(db, organisations, users)
    db.commit()
    return organisations, users


def _statuses(db, reference):
    contract = db.scalar(select(Contract).where(Contract.reference == reference))
    declarations = db.scalars(select(Declaration).where(
        Declaration.commitment_id.in_([c.id for c in contract.commitments]))
        .order_by(Declaration.period_start))
    return {d.period_start.year: d.status for d in declarations}


def test_demo_reports_tell_the_story_and_load_once(client, db, login):
    organisations, users = _load(db)
    assert "departement" in organisations
    assert demo_reports.DEPARTEMENT_AGENT[0] in users
    assert _statuses(db, "LE-2024-022") == {2024: Status.validated, 2025: Status.submitted,
                                           2026: Status.expected}
    assert _statuses(db, "CD-2024-105") == {2024: Status.validated, 2025: Status.returned,
                                           2026: Status.expected, 2027: Status.expected}
    assert _statuses(db, "LE-DSP-2024-01") == {
        2024: Status.validated, **{year: Status.expected for year in range(2025, 2031)}}
    report = csr.latest_report(db, organisations["proprete"].id, 2025)
    assert report.version == 1 and report.document.content_type == "application/pdf"
    assert report.document.path.read_bytes().startswith(b"%PDF-1.4")

    counts = [db.scalar(select(func.count()).select_from(model))
              for model in (Contract, Declaration, User)]
    _load(db)
    assert [db.scalar(select(func.count()).select_from(model))
            for model in (Contract, Declaration, User)] == counts

    # The département's agent logs in with the demo password and sees its returned report.
    departement = users[demo_reports.DEPARTEMENT_AGENT[0]]
    login(departement, password=demo.DEFAULT_PASSWORD)
    contract = db.scalar(select(Contract).where(Contract.reference == "CD-2024-105"))
    page = visible_text(client.get(f"/acheteur/contrats/{contract.id}").text)
    assert "Renvoyé pour correction" in page and "rapport-rse-2025" in page


def test_demo_pdf_is_a_readable_pdf():
    content = demo_reports.demo_pdf("Rapport RSE 2024 (Propreté Services)", "Index : 89/100")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        try:
            text = subprocess.run(["pdftotext", file.name, "-"], capture_output=True,
                                  text=True, check=True).stdout
        except FileNotFoundError:  # poppler is not everywhere: the structure check above stays
            return
    assert "Rapport RSE 2024 (Propreté Services)" in text and "89/100" in text
