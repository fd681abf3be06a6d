"""/api/docs: Swagger UI from the portal's own files (no CDN), started by a static script under
the strict Content-Security-Policy, in a French page that leads back to the portal."""

import re
from pathlib import Path

import pytest

from portal.app import STATIC_DIR

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@pytest.fixture
def page(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response


def _loaded(html: str) -> list[str]:
    """What the browser fetches to build the page: scripts, style sheets, icons."""
    return (re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
            + re.findall(r"<link[^>]*\shref=\"([^\"]+)\"", html))


def test_every_file_the_page_loads_is_the_portal_s_own_and_is_served(client, page):
    loaded = _loaded(page.text)
    assert {"/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css",
            "/static/swagger-init.js"} <= set(loaded)
    for url in loaded:
        assert url.startswith("/static/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        expected = CONTENT_TYPES[Path(url).suffix]
        assert response.headers["content-type"].startswith(expected), url


def test_the_page_runs_no_inline_script_and_keeps_the_strict_policy(page):
    assert not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page.text)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe" not in policy and "http" not in policy and "*" not in policy


def test_the_page_is_french_titled_and_leads_back_to_the_portal(page):
    assert re.search(r"<html lang=\"fr\">", page.text)
    assert "<title>Documentation de l'API — Portail des achats responsables</title>" in (
        page.text.replace("&#39;", "'"))
    assert re.search(r"<a class=\"brand\" href=\"/\">", page.text)
    assert "<h1>Documentation de l" in page.text


def test_swagger_ui_is_started_on_the_openapi_document_and_calls_nothing_outside(client, page):
    spec_url = re.search(r"id=\"swagger-ui\" data-spec-url=\"([^\"]+)\"", page.text).group(1)
    assert spec_url == "/openapi.json"
    assert client.get(spec_url).json()["info"]["title"] == "Portail des achats responsables"
    init = (STATIC_DIR / "swagger-init.js").read_text()
    assert 'getAttribute("data-spec-url")' in init and "validatorUrl: null" in init


def test_the_vendored_swagger_ui_ships_with_its_license():
    folder = STATIC_DIR / "swagger-ui"
    assert "Apache License" in (folder / "LICENSE").read_text()
    # The bundle needs no eval: its only `new Function` is webpack's guarded globalThis
    # fallback, which modern browsers never reach (so the policy needs no 'unsafe-eval').
    bundle = (folder / "swagger-ui-bundle.js").read_text()
    assert re.findall(r"new Function\([^)]*\)", bundle) == ['new Function("return this")']
    assert not re.search(r"[^\w.]eval\(", bundle)


def test_fastapi_s_own_cdn_pages_are_gone(client):
    for url in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(url).status_code == 404
