"""A small dataset for the PDF tests: one buyer, one holder, one 2025 contract with insertion
hours, two validated declarations (120 h by a woman, 80 h by a man), one still submitted."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from pypdf import PdfReader

from execution.review import service as review
from portal import clock
from portal.models import OrgKind, Role
from tests import factories

BUYER_NAME = "Métropole de Valenciennes-Test"
HOLDER_NAME = "Bâtiments Solidaires du Nord"


def pdf_text(content: bytes) -> str:
    """The text of every page, French spaces made plain and whitespace collapsed."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def build(db) -> SimpleNamespace:
    clock.freeze(datetime(2026, 2, 2, 9, tzinfo=UTC))
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name=BUYER_NAME))
    holder = factories.make_user(db, Role.supplier, factories.make_org(db, name=HOLDER_NAME))
    contract = factories.make_contract(
        db, buyer, holder.organisation, reference="INS-2025-01",
        object="Réhabilitation du groupe scolaire Jules-Ferry",
        amount_excl_vat=Decimal("250000"), notified_on=date(2025, 1, 10), social_clause=True)
    first, second, third, _ = factories.declarations(db, contract)
    factories.submit(db, first, holder, factories.line(hours=Decimal("120"), sex="F"))
    factories.submit(db, second, holder, factories.line(beneficiary_ref="B-002",
                                                        hours=Decimal("80"), sex="M",
                                                        public_category="DELD_12M"))
    factories.submit(db, third, holder, factories.line(hours=Decimal("40")))
    for declaration in (first, second):
        db.refresh(declaration)
        review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
    db.commit()
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract,
                           declarations=(first, second, third))
