"""No address makes the portal fail: every route of the app, with ids beyond the database's
integers, as a buyer and as a supplier, answers 404 or 422, never a 500."""

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from portal.models import Role
from tests import factories
from tests.conftest import csrf_token

HUGE_IDS = ("99999999999999999999", "2147483648")
PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


def _routes(app):
    """(method, path, route) of every route, those of included routers too."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in sorted(context.methods - {"HEAD"}):
                yield method, context.path_format, route


def _int_params(route, where: str):
    return [param for param in getattr(route.dependant, where)
            if param.field_info.annotation in (int, int | None)]


def _address(path: str, route, value: str) -> str:
    ints = {param.name for param in _int_params(route, "path_params")}

    def fill(match: re.Match) -> str:
        # Text parameters (a SIRET, a period, a format) keep a plausible value.
        return value if match.group(1) in ints else {"fmt": "csv", "period": "2025"}.get(
            match.group(1), "12345678901234")
    return PARAM.sub(fill, path)


def test_every_integer_of_an_address_is_bounded(app):
    """One alias (portal.web.RowId / QueryId) bounds them all: a new route cannot forget."""
    unbounded = [(path, param.name) for _method, path, route in _routes(app)
                 for where in ("path_params", "query_params")
                 for param in _int_params(route, where)
                 if not any(getattr(rule, "le", None) for rule in param.field_info.metadata)]
    assert unbounded == []


@pytest.mark.parametrize("role", [Role.buyer, Role.supplier])
def test_no_route_fails_on_an_id_beyond_the_database(app, client, db, login, role):
    user = factories.make_user(db, role)
    login(user)
    token = client.post("/api/v1/auth/token", json={"email": user.email,
                                                    "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}",
               "X-CSRF-Token": csrf_token(client)}
    tried = []
    for method, path, route in _routes(app):
        for value in HUGE_IDS:
            url = _address(path, route, value)
            if value not in url:
                continue
            kwargs = {"json": {}} if url.startswith("/api/") and method != "GET" else {}
            response = client.request(method, url, headers=headers, **kwargs)
            tried.append(url)
            assert response.status_code < 500, (method, url, response.text[:300])
            assert response.status_code in (303, 403, 404, 405, 409, 422), (method, url)
    assert len(tried) > 40


def test_ids_in_the_query_beyond_the_database(app, client, db, login):
    login(factories.make_user(db, Role.buyer))
    tried = []
    for method, path, route in _routes(app):
        names = [param.name for param in _int_params(route, "query_params")]
        if method != "GET" or not names or "/api/" in path:
            continue
        for value in HUGE_IDS:
            url = _address(path, route, value) + "?" + "&".join(f"{n}={value}" for n in names)
            response = client.get(url)
            tried.append(url)
            assert response.status_code in (403, 404), (url, response.status_code)
    assert any("acheteur=" in url for url in tried)


def test_an_id_beyond_the_database_in_the_api_is_a_french_422(api, db):
    user = factories.make_user(db, Role.buyer)
    for url in ("/api/v1/contracts/99999999999999999999", "/api/v1/contracts/2147483648",
                "/api/v1/declarations?contract_id=2147483648"):
        response = api(user).get(url)
        assert response.status_code == 422, url
        assert response.json()["detail"] == "Données invalides."
        assert "inférieure ou égale à 2147483647" in str(response.json()["errors"])
