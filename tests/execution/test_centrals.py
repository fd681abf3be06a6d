"""Purchasing centrals through HTTP: the central's consolidated figures (its contracts and its
members'), each member only its own plus its share of the central's contracts it uses, the
administrators' membership page and the central's members picker on its contracts.

Hand-computed world (2025, threshold 90 000 €):
- central C: CC1 100 000 € environmental, insertion commitment with 100 validated hours (no
  social flag ticked); CC2 200 000 € environmental.
- member M1: A 150 000 € social clause and environmental criterion, 40 validated hours.
- member M2: B 120 000 €, nothing.
- M1 uses CC1 for 25 000 € (25 000 / 100 000 × 100 h = 25 h); M2 uses CC1, amount not given.
"""

import csv
import io
from datetime import date
from decimal import Decimal as D
from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from execution.centrals import memberships
from execution.indicators.exports import csv_cell
from portal.centrals import CentralContractUse, CentralMembership
from portal.models import AuditEvent, CommitmentKind, OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution import indicator_world as w
from tests.scale import page_statements


def _validated_hours(db, contract, amount: str) -> None:
    commitment = w.commitment(db, contract, CommitmentKind.insertion_hours,
                              target_hours="1000", penalty_per_missing_hour=None)
    d = w.declaration(db, commitment, date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 15))
    w.hours(db, d, "RSA", "F", "26_49", amount)


@pytest.fixture
def central(db):
    c, m1, m2, outsider = (factories.make_org(db, OrgKind.buyer, name=name) for name in (
        "Centrale d'achat métropolitaine", "Commune A", "Commune B", "Département voisin"))
    admin = factories.make_user(db, Role.admin)
    users = {key: factories.make_user(db, Role.buyer, organisation=org)
             for key, org in (("c", c), ("m1", m1), ("m2", m2), ("out", outsider))}
    holder = factories.make_org(db)
    span = dict(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    cc1 = w.contract(db, c, holder, notified_on=date(2025, 2, 1), amount="100000",
                     environmental_clause=True, **span)
    _validated_hours(db, cc1, "100")
    cc2 = w.contract(db, c, holder, notified_on=date(2025, 3, 1), amount="200000",
                     environmental_clause=True, **span)
    a = w.contract(db, m1, holder, notified_on=date(2025, 4, 1), amount="150000",
                   social_clause=True, environmental_criterion=True, **span)
    _validated_hours(db, a, "40")
    b = w.contract(db, m2, holder, notified_on=date(2025, 5, 1), amount="120000", **span)
    for member in (m1, m2):
        memberships.add(db, admin=admin, central_siret=c.siret, member_siret=member.siret)
    db.add_all([CentralContractUse(contract_id=cc1.id, member_org_id=m1.id,
                                   amount_excl_vat=D("25000")),
                CentralContractUse(contract_id=cc1.id, member_org_id=m2.id)])
    db.commit()
    return SimpleNamespace(c=c, m1=m1, m2=m2, outsider=outsider, admin=admin, users=users,
                           cc1=cc1, cc2=cc2, a=a, b=b)


def _figures(client, query: str) -> dict[str, str]:
    response = client.get(f"/indicateurs/export/indicateurs.csv?{query}")
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[4] for row in rows[1:]}


def _text(html: str) -> str:
    """What a reader sees: tags gone, entities read, French spaces as plain ones."""
    return unescape(visible_text(html)).replace("\u202f", " ").replace("\xa0", " ")


def _cell(value: str) -> str:
    return csv_cell(D(value), "decimal")


def test_the_central_sees_its_members_consolidated(client, login, central):
    login(central.users["c"])
    own = _figures(client, "annee=2025")
    assert own["insertion_hours"] == _cell("100.00")
    assert own["environmental_consideration_share"] == _cell("100.0")  # CC1, CC2: 2 / 2
    consolidated = _figures(client, "annee=2025&perimetre=centrale")
    # CC1 + A: 100 + 40 h; environmental CC1, CC2, A of 4; social CC1 (insertion) and A of 4.
    assert consolidated["insertion_hours"] == _cell("140.00")
    assert consolidated["environmental_consideration_share"] == _cell("75.0")
    assert consolidated["social_consideration_share"] == _cell("50.0")
    page = _text(client.get("/indicateurs?annee=2025&perimetre=centrale").text)
    assert "et ses 2 membres (centrale d'achat, consolidé)" in page
    # The « par centrale d'achat » figures: its own contracts, whatever the perimeter.
    dashboard = _text(client.get("/indicateurs?annee=2025").text)
    assert "Par centrale d'achat — 2025" in dashboard
    assert "Centrale d'achat métropolitaine 2 100,00" in dashboard
    assert "Centrale + membres (consolidé)" in dashboard


def test_a_consolidated_drill_down_lists_the_members_contracts(client, login, central):
    login(central.users["c"])
    page = client.get("/indicateurs/environmental_consideration_share?annee=2025"
                      "&perimetre=centrale").text
    assert all(c.reference in page for c in (central.cc1, central.cc2, central.a, central.b))
    # A member's contract page is the member's: no link the central could not follow.
    assert f'href="/acheteur/contrats/{central.a.id}"' not in page
    own = client.get("/indicateurs/environmental_consideration_share?annee=2025").text
    assert central.a.reference not in own


def test_a_member_sees_only_its_own_and_its_share(client, login, central):
    login(central.users["m1"])
    own = _figures(client, "annee=2025")
    assert own["insertion_hours"] == _cell("40.00")  # never the central's nor M2's
    assert own["environmental_consideration_share"] == _cell("100.0")
    page = _text(client.get("/indicateurs?annee=2025").text)
    # CC1 used: 1 contract, with an amount; its 100 h, 25 h pro rata, 0 h without an amount.
    assert "Contrats de centrales d'achat utilisés — 2025" in page
    assert "Centrale d'achat métropolitaine 1 1 100,00 h 25,00 h 0,00 h" in page
    assert "Commune B" not in page and "Par centrale d'achat" not in page
    assert "Centrale + membres" not in page
    # The consolidation, the central's figures and another member's are refused.
    assert client.get("/indicateurs?annee=2025&perimetre=centrale").status_code == 403
    assert client.get("/indicateurs/export/indicateurs.csv?annee=2025&perimetre=centrale"
                      ).status_code == 403
    for other in (central.c, central.m2):
        assert client.get(f"/indicateurs?annee=2025&acheteur={other.id}").status_code == 403


def test_a_member_without_amount_gets_the_hours_unapportioned(client, login, central):
    login(central.users["m2"])
    page = _text(client.get("/indicateurs?annee=2025").text)
    assert "Centrale d'achat métropolitaine 1 0 100,00 h 0,00 h 100,00 h" in page
    assert _figures(client, "annee=2025")["insertion_hours"] == _cell("0.00")


def test_no_consolidation_outside_a_central(client, login, central):
    login(central.users["out"])
    assert client.get("/indicateurs?annee=2025&perimetre=centrale").status_code == 403
    assert client.get("/indicateurs?annee=2025&perimetre=autre").status_code == 404
    page = client.get("/indicateurs?annee=2025").text
    assert "centrale" not in _text(page).lower()


def test_administrators_see_every_central_and_may_consolidate(client, login, central):
    login(central.admin)
    page = _text(client.get("/indicateurs?annee=2025").text)
    assert "Par centrale d'achat — 2025" in page and "Centrale d'achat métropolitaine" in page
    consolidated = _figures(client, f"annee=2025&acheteur={central.c.id}&perimetre=centrale")
    assert consolidated["insertion_hours"] == _cell("140.00")
    # A member is no central: nothing to consolidate; no buyer chosen: which central?
    assert client.get(f"/indicateurs?annee=2025&acheteur={central.m1.id}&perimetre=centrale"
                      ).status_code == 403
    assert client.get("/indicateurs?annee=2025&perimetre=centrale").status_code == 404


# --- Memberships (administrators) --------------------------------------------------------------

def test_membership_page_adds_and_removes_audited(client, db, login, post, central):
    login(central.admin)
    page = client.get("/admin/centrales?q=commune")
    assert page.status_code == 200 and "Commune A" in page.text and "2 adhésions" in page.text
    response = post("/admin/centrales", {"central_siret": central.c.siret,
                                         "member_siret": central.outsider.siret})
    assert response.status_code == 303
    added = db.scalar(select(CentralMembership).where(
        CentralMembership.member_org_id == central.outsider.id))
    assert added is not None
    assert db.scalar(select(AuditEvent.comment).where(
        AuditEvent.entity == "central_membership", AuditEvent.action == "add",
        AuditEvent.entity_id == added.id)) == \
        "Département voisin membre de Centrale d'achat métropolitaine"
    added_id = added.id
    assert post(f"/admin/centrales/{added_id}/retirer").status_code == 303
    db.expire_all()
    assert db.get(CentralMembership, added_id) is None
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.entity == "central_membership",
                                                 AuditEvent.action == "remove")) is not None
    assert post(f"/admin/centrales/{added_id}/retirer").status_code == 404


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"central_siret": "", "member_siret": ""}, 422,
     "Indiquez le SIRET d'une organisation acheteuse du portail."),
    ({"member_siret": "same"}, 422, "Une centrale d'achat n'est pas membre d'elle-même."),
    ({"central_siret": "supplier"}, 422,
     "Indiquez le SIRET d'une organisation acheteuse du portail."),
    ({"member_siret": "00000000000000"}, 422,
     "Indiquez le SIRET d'une organisation acheteuse du portail."),
    ({}, 409, "est déjà membre de"),
    ({"member_siret": "supplier"}, 422, "Indiquez le SIRET d'une organisation acheteuse"),
])
def test_membership_refusals_keep_what_was_typed(client, db, login, post, central, fields,
                                                 status, message):
    login(central.admin)
    sirets = {"same": central.c.siret, "supplier": central.cc1.holder.siret}
    values = {"central_siret": central.c.siret, "member_siret": central.m1.siret}
    values |= {key: sirets.get(value, value) for key, value in fields.items()}
    before = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    response = post("/admin/centrales", values)
    assert response.status_code == status
    text = _text(response.text)
    assert message in text
    if values["member_siret"]:
        assert f'value="{values["member_siret"]}"' in response.text
    assert db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before


def test_a_member_of_a_central_cannot_be_a_central(client, login, post, central):
    login(central.admin)
    response = post("/admin/centrales", {"central_siret": central.m1.siret,
                                         "member_siret": central.outsider.siret})
    assert response.status_code == 422
    assert "Commune A est membre d'une centrale" in _text(response.text)


@pytest.mark.parametrize("who", ["c", "m1"])
def test_membership_page_is_for_administrators(client, login, post, central, who):
    login(central.users[who])
    assert client.get("/admin/centrales").status_code == 403
    assert post("/admin/centrales", {"central_siret": central.c.siret,
                                     "member_siret": central.outsider.siret}).status_code == 403


# --- Members using a central's contract --------------------------------------------------------

def test_the_central_picks_the_members_of_its_contract(client, db, login, post, central):
    login(central.users["c"])
    page = client.get(f"/acheteur/contrats/{central.cc2.id}")
    assert "Membres de la centrale qui utilisent ce contrat" in page.text
    form = client.get(f"/acheteur/contrats/{central.cc2.id}/membres")
    assert form.status_code == 200 and "Commune A" in form.text and "Commune B" in form.text
    response = post(f"/acheteur/contrats/{central.cc2.id}/membres", {
        "members": [str(central.m1.id), str(central.m2.id)],
        f"amount_{central.m1.id}": "12 500,50", "marker": ""})
    assert response.status_code == 303
    db.expire_all()
    saved = {u.member_org_id: u.amount_excl_vat for u in db.scalars(
        select(CentralContractUse).where(CentralContractUse.contract_id == central.cc2.id))}
    assert saved == {central.m1.id: D("12500.50"), central.m2.id: None}
    assert "Commune A — 12 500,50" in _text(
        client.get(f"/acheteur/contrats/{central.cc2.id}").text)
    assert db.scalar(select(AuditEvent.comment).where(AuditEvent.action == "central_uses")
                     ).startswith("Membres utilisateurs : Commune A")


def test_the_picker_refuses_bad_input_and_a_stale_list(client, db, login, post, central):
    login(central.users["c"])
    url = f"/acheteur/contrats/{central.cc1.id}/membres"
    marker = f"{central.m1.id}:25000.00;{central.m2.id}:None"
    bad = post(url, {"members": [str(central.m1.id)], f"amount_{central.m1.id}": "beaucoup",
                     "marker": marker})
    assert bad.status_code == 422
    assert "Saisissez un nombre" in _text(bad.text)
    assert 'value="beaucoup"' in bad.text
    outsider = post(url, {"members": [str(central.outsider.id)], "marker": marker})
    assert outsider.status_code == 422
    assert "Choisissez parmi les membres de la centrale." in _text(outsider.text)
    stale = post(url, {"members": [str(central.m1.id)], "marker": "1:2"})
    assert stale.status_code == 409
    db.expire_all()
    assert len(db.scalars(select(CentralContractUse).where(
        CentralContractUse.contract_id == central.cc1.id)).all()) == 2


@pytest.mark.parametrize("who", ["m1", "out"])
def test_only_the_centrals_buyers_pick_members(client, login, post, central, who):
    login(central.users[who])
    url = f"/acheteur/contrats/{central.cc1.id}/membres"
    assert client.get(url).status_code == 404  # not its contract: not even seen
    assert post(url, {"members": [str(central.m1.id)], "marker": ""}).status_code == 404


def test_no_picker_on_a_contract_of_a_buyer_without_members(client, login, post, central):
    login(central.users["m1"])
    url = f"/acheteur/contrats/{central.a.id}/membres"
    assert client.get(url).status_code == 403
    assert "utilisent ce contrat" not in client.get(f"/acheteur/contrats/{central.a.id}").text


# --- Statements at two sizes --------------------------------------------------------------------

def _central_of(db, size: int) -> SimpleNamespace:
    """A central with ``size`` members, each using the central's contract with an amount."""
    central = factories.make_org(db, OrgKind.buyer, name=f"Centrale {size}")
    agent = factories.make_user(db, Role.buyer, organisation=central)
    holder = factories.make_org(db)
    contract = w.contract(db, central, holder, notified_on=date(2025, 2, 1), amount="100000",
                          starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    _validated_hours(db, contract, "100")
    member_users = []
    for n in range(size):
        member = factories.make_org(db, OrgKind.buyer, name=f"Commune {size}-{n}")
        db.add(CentralMembership(central_org_id=central.id, member_org_id=member.id))
        db.add(CentralContractUse(contract_id=contract.id, member_org_id=member.id,
                                  amount_excl_vat=D("1000")))
        member_users.append(factories.make_user(db, Role.buyer, organisation=member))
    db.commit()
    return SimpleNamespace(agent=agent, member=member_users[0], contract=contract)


def test_central_pages_cost_the_same_statements_at_two_sizes(client, engine, db, login):
    admin = factories.make_user(db, Role.admin)

    def count(user, urls):
        client.cookies.clear()
        login(user)
        return [len(page_statements(client, engine, url, db)) for url in urls]

    # The administrator's pages list every central: measured with the small one, then both.
    admin_urls = ["/admin/centrales", "/admin/centrales?q=commune", "/indicateurs?annee=2025"]
    small = _central_of(db, 2)
    few = count(admin, admin_urls)
    large = _central_of(db, 7)
    assert few == count(admin, admin_urls)
    for role in ("agent", "member"):
        def urls(world, role=role):
            if role == "member":
                return ["/indicateurs?annee=2025"]
            return ["/indicateurs?annee=2025", "/indicateurs?annee=2025&perimetre=centrale",
                    f"/acheteur/contrats/{world.contract.id}",
                    f"/acheteur/contrats/{world.contract.id}/membres"]
        assert count(getattr(small, role), urls(small)) == \
            count(getattr(large, role), urls(large)), role
    # The large lists are full: 9 memberships, 7 members to pick.
    login(admin)
    assert client.get("/admin/centrales").text.count("/retirer") == 9
    login(large.agent)
    assert client.get(f"/acheteur/contrats/{large.contract.id}/membres"
                      ).text.count('name="members"') == 7
