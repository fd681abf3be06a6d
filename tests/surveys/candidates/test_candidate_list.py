"""The candidate surveys list and the results pages send as many SQL statements with 2
surveys as with 7."""

from portal.models import OrgKind, Role
from surveys.candidates import service
from tests import factories
from tests.scale import page_statements

PAGES = ["/enquetes-candidats", "/enquetes-candidats?q=c-", "/enquetes-candidats/resultats"]


def _buyer_with_surveys(db, size: int):
    buyer = factories.make_user(db, Role.buyer, factories.make_org(db, OrgKind.buyer))
    holder = factories.make_org(db)
    for n in range(size):
        contract = factories.make_contract(db, buyer, holder, insertion=None)
        service.invite(db, contract, [f"c{n}-{k}@exemple.fr" for k in range(3)], user=buyer)
    db.commit()
    return buyer


def test_list_and_results_cost_the_same_statements_at_two_sizes(client, engine, db, login):
    measured = []
    for size in (2, 7):
        login(_buyer_with_surveys(db, size))
        measured.append({url: len(page_statements(client, engine, url, db)) for url in PAGES})
        rows = client.get("/enquetes-candidats").text.count("<tr>")
        assert rows == size + 1  # the header and one row a survey
        client.cookies.clear()
    assert measured[0] == measured[1]
