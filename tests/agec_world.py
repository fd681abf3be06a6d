"""An AGEC supplies contract over both decrees, and a helper to file and review its quarters."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from execution.review import service as review
from portal.commitments import AgecParams
from portal.models import Role
from supplier import service as filing
from supplier.kinds.agec import AgecDeclarationIn, AgecLineIn
from supplier.models import Status
from tests import factories

# The contract's categories: two lines of décret 2021-254 and two categories of décret 2024-134.
CATEGORIES = ["D2021_L04", "D2021_L03", "D2024_TEXTILES", "D2024_MOBILIER"]
# Index of each quarter among the contract's declarations (2023-01-01 → 2025-12-31).
Q1_2023, Q2_2023, Q3_2023, Q2_2024, Q3_2024, Q1_2025, Q2_2025 = 0, 1, 2, 5, 6, 8, 9


def make_agec_world(db, categories=CATEGORIES):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(
        db, buyer, holder.organisation, object="Fourniture de matériel informatique et de "
        "mobilier de bureau", nature="supplies", starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31), insertion=None, agec=AgecParams(categories=categories))
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract,
                           declarations=factories.declarations(db, contract))


def line(code: str, total, reuse=0, donation=0, recycled=0) -> AgecLineIn:
    return AgecLineIn(category_code=code, total_excl_vat=Decimal(str(total)),
                      reuse_excl_vat=Decimal(str(reuse)), donation_excl_vat=Decimal(str(donation)),
                      recycled_excl_vat=Decimal(str(recycled)))


def file(db, world, index: int, *lines: AgecLineIn, status: Status = Status.validated):
    """Files one quarter through the services and takes it to ``status``."""
    declaration = world.declarations[index]
    data = AgecDeclarationIn(version=declaration.version, lines=list(lines))
    filing.save_draft(db, declaration.id, data, user=world.holder)
    if status != Status.draft:
        filing.submit(db, declaration.id, user=world.holder, version=declaration.version)
    if status == Status.validated:
        review.validate(db, declaration.id, reviewer=world.buyer, version=declaration.version)
    db.commit()
    return declaration
