"""Error answers: the shape of their body and the headers HTTP asks for."""

import html

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from tests import factories


@pytest.mark.parametrize("url, allowed", [("/api/v1/me", "GET"),
                                          ("/api/v1/auth/token", "POST")])
def test_a_method_the_api_does_not_take_is_a_405_naming_the_allowed_ones(client, url, allowed):
    response = client.request("TRACE", url)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json() == {"detail": "Cette action n'est pas possible ici."}


def test_a_page_answers_405_with_allow_too(client):
    response = client.delete("/connexion")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert "Cette action n'est pas possible ici." in html.unescape(response.text)


def test_allow_names_the_methods_of_every_route_on_the_address(client):
    # GET and PUT /api/v1/declarations/{id} are two routes.
    response = client.request("PATCH", "/api/v1/declarations/1")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"


def _operations(schema):
    return [(method.upper(), path, operation) for path, methods in schema["paths"].items()
            for method, operation in methods.items()]


def test_every_api_error_is_documented_with_the_body_it_really_has(client):
    schema = client.get("/openapi.json").json()
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert error_out["required"] == ["detail"]
    assert set(error_out["properties"]) == {"detail", "errors"}
    api_operations = [op for op in _operations(schema) if op[1].startswith("/api/")]
    assert len(api_operations) >= 17  # DESIGN.md §5's API, at the least
    for method, path, operation in api_operations:
        errors = {status: answer for status, answer in operation["responses"].items()
                  if status >= "400"}
        # A token can be missing or wrong, and any address, query or body refused, everywhere.
        assert {"401", "422"} <= set(errors), (method, path)
        if "requestBody" in operation:
            assert "413" in errors, (method, path)
        for status, answer in errors.items():
            body = answer["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def _error_shape(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and set(body) <= {"detail", "errors"}
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in body.get("errors", {}).items())
    return body


def test_real_error_bodies_have_that_shape(client, db, api):
    from portal.models import Role
    from tests import factories

    _error_shape(client.get("/api/v1/me"), 401)
    buyer = api(factories.make_user(db, Role.buyer))
    _error_shape(buyer.get("/api/v1/contracts/2147483647"), 404)
    refused = _error_shape(buyer.get("/api/v1/contracts/0"), 422)
    assert refused["errors"] == {"path.contract_id": "La valeur doit être supérieure à 0."}
    _error_shape(buyer.post("/api/v1/contracts", content=b"x" * 3_000_000), 413)
    assert "Retry-After" in str(client.get("/openapi.json").json()["paths"]["/api/v1/auth/token"]
                                ["post"]["responses"]["429"]["headers"])


@pytest.mark.parametrize("body", [b'{"email": "a@b.fr", "password": ', b"\xff\x0c\xfeW"],
                         ids=["malformed", "not-utf8"])
def test_a_body_that_is_not_json_is_one_french_422_keyed_body(client, body):
    response = client.post("/api/v1/auth/token", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {"detail": "Données invalides.", "errors": {
        "body": "Le corps de la requête n'est pas un JSON valide."}}


def test_openapi_describes_the_whole_api_and_no_page(app, client):
    documented = {(method, path) for method, path, _ in
                  _operations(client.get("/openapi.json").json())}
    served = {(method, context.path_format) for context in iter_route_contexts(app.routes)
              if isinstance(context.original_route, APIRoute)
              for method in context.methods - {"HEAD"}}
    api = {(method, path) for method, path in served if path.startswith("/api/v1/")}
    assert len(api) >= 17 and documented == api


def test_a_declaration_body_is_documented_as_the_shape_of_each_kind(client):
    from supplier.kinds import HANDLERS

    schema = client.get("/openapi.json").json()
    body = (schema["paths"]["/api/v1/declarations/{declaration_id}"]["put"]["requestBody"]
            ["content"]["application/json"]["schema"])
    names = [ref["$ref"].rsplit("/", 1)[1] for ref in body["anyOf"]]
    assert names == [handler.schema.__name__ for handler in HANDLERS.values()]
    for name in names:
        shape = schema["components"]["schemas"][name]
        assert shape["properties"]["version"]["type"] == "integer"
        assert "version" in shape["required"] and shape["additionalProperties"] is False


# Spaces, tabs and line breaks; the information separators Python's strip() removes but `\s`
# does not match in most regular expression engines; a no-break space, a zero-width one.
SAYS_NOTHING = [" \t", "\n\r", "\x1c\x1e", "\x1f", "\xa0\u200b", "\ufeff\u3000"]


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_the_review_comment_is_documented_as_required_and_one_saying_nothing_refused(
        client, db, api, world, action):
    import re

    pattern = (client.get("/openapi.json").json()["components"]["schemas"]["CommentIn"]
               ["properties"]["comment"]["pattern"])
    url = f"/api/v1/declarations/{world.declarations[0].id}/{action}"
    for comment in SAYS_NOTHING:
        assert not re.search(pattern, comment), repr(comment)
        response = api(world.buyer).post(url, json={"version": 1, "comment": comment})
        assert response.status_code == 422, repr(comment)
        assert response.json()["errors"] == {"comment": "Le commentaire est obligatoire."}
    assert re.search(pattern, "\x1e À corriger")
    factories.submit(db, world.declarations[0], world.holder)
    if action == "reopen":
        from execution.review import service as review

        review.validate(db, world.declarations[0].id, reviewer=world.buyer,
                        version=world.declarations[0].version)
        db.commit()
    done = api(world.buyer).post(url, json={"version": world.declarations[0].version,
                                            "comment": "\x1e À corriger"})
    assert done.status_code == 200, done.text


def test_the_rules_of_the_whole_api_are_in_its_description(client):
    description = client.get("/openapi.json").json()["info"]["description"]
    assert '{"detail": "…", "errors": {"champ": "message"}}' in description
    assert "caractère nul `\\0` : 422" in description
    refused = client.get("/api/v1/me?q=a%00b")
    assert refused.status_code == 422 and "caractère nul" in refused.json()["detail"]
