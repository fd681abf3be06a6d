"""Who may do what on the account, organisation and list routes: every route against every kind of
person. Each row is a route; each column what a person gets (303 after a change or to the
login page, 403 wrong role, 404 not theirs, 409 not possible now). Every person's attempt runs
in a savepoint rolled back afterwards, so they all meet the same state.
"""

from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from portal import access, api_tokens
from portal.models import OrgKind, Role
from tests import factories
from tests.conftest import csrf_token

ACTORS = ("anonymous", "holder", "colleague", "other_supplier", "buyer", "buyer_agent",
          "other_buyer", "admin")
EVERYONE = {actor: 200 for actor in ACTORS} | {"anonymous": 303}
SUPPLIERS = ("holder", "colleague", "other_supplier")
BUYERS = ("buyer", "buyer_agent", "other_buyer")


def row(default: int, **overrides: int) -> dict[str, int]:
    return {actor: default for actor in ACTORS} | {"anonymous": 303} | overrides


@pytest.fixture
def cast(db):
    """The holder (gestionnaire) and a colleague; another supplier; the buyer (gestionnaire), an
    agent of the same buyer, another buyer; an administrator; a pending request to the holder;
    a personal token of the holder."""
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    factories.make_contract(db, buyer, holder.organisation)
    people = SimpleNamespace(
        buyer=buyer, holder=holder,
        colleague=factories.make_user(db, Role.supplier, organisation=holder.organisation),
        other_supplier=factories.make_user(db, Role.supplier),
        buyer_agent=factories.make_user(db, Role.buyer, organisation=buyer.organisation),
        other_buyer=factories.make_user(db, Role.buyer),
        admin=factories.make_user(db, Role.admin,
                                  organisation=factories.make_org(db, OrgKind.buyer)))
    people.request = access.invite(db, inviter=buyer, organisation=holder.organisation,
                                   email="demande@example.fr", full_name="Demande")
    people.token, _secret = api_tokens.create(db, holder, name="Script", days=30)
    db.commit()
    return people


# (method, path, form, expected status per person); {colleague}, {request}, {token} are ids.
MATRIX = [
    ("GET", "/organisation", None, EVERYONE),
    ("GET", "/organisation/inviter", None,
     row(403, holder=200, buyer=200, other_supplier=200, other_buyer=200, admin=200)),
    ("POST", "/organisation/inviter", {"email": "nouveau@example.fr", "full_name": "N"},
     row(403, holder=303, buyer=303, other_supplier=303, other_buyer=303, admin=303)),
    ("POST", "/organisation/membres/{colleague}/desactiver", None,
     row(404, holder=303, colleague=403, admin=303)),
    ("POST", "/organisation/membres/{colleague}/reactiver", None,
     row(404, holder=409, colleague=403, admin=409)),
    ("POST", "/organisation/membres/{colleague}/gestionnaire", {"gestionnaire": "oui"},
     row(404, holder=303, colleague=403, admin=303)),
    ("POST", "/organisation/demandes/{request}/accepter", None,
     row(404, holder=303, colleague=403)),
    ("POST", "/organisation/demandes/{request}/refuser", {"comment": "Non"},
     row(404, holder=303, colleague=403)),
    ("GET", "/comptes/inviter", None, row(200, holder=403, colleague=403, other_supplier=403)),
    ("POST", "/comptes/inviter", {"organisation_id": "{holder_org}", "email": "x@example.fr",
                                  "full_name": "X"},
     row(403, buyer=303, buyer_agent=303)),
    ("GET", "/compte", None, EVERYONE),
    ("GET", "/compte/donnees", None, EVERYONE),
    ("GET", "/compte/jetons", None, EVERYONE),
    ("POST", "/compte/jetons", {"name": "Mon script", "days": "30"}, EVERYONE),
    ("POST", "/compte/jetons/{token}/revoquer", None, row(404, holder=303)),
    ("GET", "/admin/comptes/{colleague}", None, row(403, admin=200)),
    ("POST", "/admin/comptes/{colleague}/desactiver", None, row(403, admin=303)),
    ("POST", "/admin/comptes/{colleague}/reactiver", None, row(403, admin=409)),
    ("POST", "/admin/comptes/{colleague}/effacer", {"confirmation": "oui"},
     row(403, admin=303)),
    ("GET", "/admin/envois", None, row(403, admin=200)),
    ("GET", "/admin", None, row(403, admin=200)),
    ("GET", "/admin/comptes", None, row(403, admin=200)),
    # The lists: each role its own pages; what each row holds is tested with the lists.
    *[("GET", path, None, row(403, **dict.fromkeys(BUYERS, 200)))
      for path in ("/acheteur", "/acheteur/contrats", "/acheteur/declarations")],
    *[("GET", path, None, row(403, **dict.fromkeys(SUPPLIERS, 200)))
      for path in ("/fournisseur", "/fournisseur/contrats", "/fournisseur/declarations")],
]


@pytest.mark.parametrize(("method", "path", "form", "expected"), MATRIX,
                         ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_authorization_matrix(client, db: Session, cast, method, path, form, expected):
    ids = {"colleague": cast.colleague.id, "request": cast.request.id, "token": cast.token.id,
           "holder_org": cast.holder.organisation_id}
    url = path.format(**ids)
    data = {k: v.format(**ids) for k, v in (form or {}).items()}
    got = {}
    for actor in ACTORS:
        savepoint = db.begin_nested()
        client.cookies.clear()
        if actor != "anonymous":
            person = getattr(cast, actor)
            response = client.post("/connexion", data={
                "email": person.email, "password": factories.PASSWORD,
                "csrf_token": csrf_token(client)})
            assert response.status_code == 303, actor
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**data, "csrf_token": csrf_token(client)})
        got[actor] = response.status_code
        if actor == "anonymous" and response.status_code == 303:
            assert response.headers["location"].startswith("/connexion")
        savepoint.rollback()
        db.expire_all()
    assert got == expected
