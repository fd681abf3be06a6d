"""Error answers: the shape of their body and the headers HTTP asks for."""

import html

import pytest


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
