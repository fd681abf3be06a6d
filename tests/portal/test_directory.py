"""The administrators' directory: organisations and accounts, searched and paged."""

from portal.models import OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.scale import page_statements


def make_admin(db):
    return factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))


def test_organisations_page_by_fifty_and_are_found_by_name_or_siret(client, db, login):
    for n in range(55):
        factories.make_org(db, name=f"Annuaire {n:02d}")
    target = factories.make_org(db, name="Ébénisterie Martin")
    login(make_admin(db))
    first = client.get("/admin?q=annuaire")
    assert "55 organisations." in visible_text(first.text)
    assert first.text.count("Annuaire ") == 50
    assert client.get("/admin?q=annuaire&page=2").text.count("Annuaire ") == 5
    spaced = f"{target.siret[:3]} {target.siret[3:9]} {target.siret[9:]}"
    for search in ("rie mart", target.siret, spaced):
        page = visible_text(client.get("/admin", params={"q": search}).text)
        assert "1 organisation." in page and "Ébénisterie Martin" in page, search
    buyers = visible_text(client.get("/admin?kind=buyer&q=annuaire").text)
    assert "0 organisation." in buyers


def test_accounts_page_and_are_found_by_email_name_or_organisation(client, db, login):
    holder = factories.make_user(db, Role.supplier, full_name="Josiane Leclerc")
    login(make_admin(db))
    page = visible_text(client.get("/admin/comptes?q=leclerc").text)
    assert "1 compte." in page and holder.email in page
    assert holder.email in client.get("/admin/comptes",
                                      params={"q": holder.organisation.name}).text
    assert "0 compte." in visible_text(client.get("/admin/comptes?q=personne").text)


def test_the_directory_costs_the_same_statements_at_two_sizes(client, engine, db, login):
    admin = make_admin(db)
    login(admin)
    counts = []
    for size in (2, 8):
        for _ in range(size):
            buyer = factories.make_user(db, Role.buyer)
            factories.make_contract(db, buyer, factories.make_org(db))
        counts.append([len(page_statements(client, engine, url, db))
                       for url in ("/admin", "/admin/comptes")])
    assert counts[0] == counts[1]
