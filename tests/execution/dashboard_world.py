"""A crafted dataset for the dashboard and export tests, with hand-computed figures.

Buyer « Métropole Test » has one 2025 contract (1 000 insertion hours committed, 150 000 € HT,
notified in 2025 with a social clause): its first quarter is validated with 35 h by a woman and
20 h by a man (55 h), its second quarter is only submitted (100 h, not counted). Another buyer,
« Ville Voisine », has a contract with 999 validated hours that its neighbour must never see.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from execution.review import service as review
from portal.models import OrgKind, Role
from tests import factories

YEAR = 2025
HOURS = Decimal("55")  # 35 (F) + 20 (M), validated
WOMEN_SHARE = Decimal("63.6")  # 35 / 55 = 63,636… → 63,6 %
COMPLETION = Decimal("5.5")  # 55 / (1 000 × the whole 2025 duration)
OTHER_HOURS = Decimal("999")


def _file(db, declaration, holder, buyer, *lines, validate=True):
    factories.submit(db, declaration, holder, *lines)
    if validate:
        review.validate(db, declaration.id, reviewer=buyer, version=declaration.version)
        db.commit()


def make_world(db, *, reference: str = "MEL-2025-01", obj: str = "Travaux de voirie"):
    buyer_org = factories.make_org(db, OrgKind.buyer, name="Métropole Test")
    other_org = factories.make_org(db, OrgKind.buyer, name="Ville Voisine")
    buyer = factories.make_user(db, Role.buyer, buyer_org)
    other_buyer = factories.make_user(db, Role.buyer, other_org)
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Bâtiment Solidaire", size="PME"))
    admin = factories.make_user(db, Role.admin, factories.make_org(db, OrgKind.buyer,
                                                                    name="Portail"))
    contract = factories.make_contract(
        db, buyer, holder.organisation, reference=reference, object=obj,
        notified_on=date(2025, 2, 1), amount_excl_vat=Decimal("150000"), social_clause=True)
    quarters = factories.declarations(db, contract)
    _file(db, quarters[0], holder, buyer,
          factories.line(beneficiary_ref="B-001", sex="F", hours=Decimal("35")),
          factories.line(beneficiary_ref="B-002", public_category="DELD_12M", sex="M",
                         age_band="MOINS_26", hours=Decimal("20")))
    _file(db, quarters[1], holder, buyer, factories.line(beneficiary_ref="B-003",
                                                         hours=Decimal("100")),
          validate=False)
    other = factories.make_contract(db, other_buyer, holder.organisation,
                                    reference="VOISINE-99", object="Entretien des parcs")
    _file(db, factories.declarations(db, other)[0], holder, other_buyer,
          factories.line(beneficiary_ref="B-999", hours=OTHER_HOURS))
    return SimpleNamespace(buyer=buyer, other_buyer=other_buyer, holder=holder, admin=admin,
                           contract=contract, other=other, quarters=quarters)
