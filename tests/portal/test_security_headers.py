"""Every answer tells the browser to run nothing but the portal's own files; logging in gives
a new CSRF token."""

import re
from pathlib import Path

import pytest

from portal.models import Role
from portal.templating import TEMPLATES_DIR
from portal.web import CSRF_COOKIE, signer
from tests import factories
from tests.conftest import csrf_token

CSP = re.compile(r"default-src 'self'.*script-src 'self'.*style-src 'self'")


def _secured(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert CSP.search(policy) and "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy and "http" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/connexion", "/healthz", "/page-inconnue",
                                 "/static/portal.css", "/api/v1/me",
                                 "/api/v1/contracts/99999999999999999999"])
def test_every_kind_of_answer_carries_the_security_headers(client, url):
    response = client.get(url)
    _secured(response)


def test_a_refused_oversized_form_carries_them_too(client):
    response = client.post("/connexion", content=b"x" * 3_000_000,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    _secured(response)


# E-mails (read in mail clients, which drop style sheets) and PDFs (rendered on the server by
# WeasyPrint) are not pages of the portal: the policy does not apply to them.
NOT_PAGES = ("mail", "pdf")


def test_no_page_template_has_an_inline_script_or_style():
    offending = []
    for path in sorted(Path(TEMPLATES_DIR).rglob("*.html")):
        if path.relative_to(TEMPLATES_DIR).parts[0] in NOT_PAGES:
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\sstyle=", r"<style", r"\son[a-z]+=",
                        r"\shx-on", r"javascript:"):
            if re.search(pattern, text, re.IGNORECASE):
                offending.append((path.name, pattern))
    assert offending == []


def test_htmx_is_told_not_to_eval_nor_inject_styles(client):
    page = client.get("/connexion").text
    assert '"allowEval":false' in page and '"includeIndicatorStyles":false' in page


def test_the_csrf_token_changes_at_login_and_the_old_one_is_refused(client, db):
    user = factories.make_user(db, Role.supplier)
    before = csrf_token(client)
    response = client.post("/connexion", data={"email": user.email,
                                               "password": factories.PASSWORD,
                                               "csrf_token": before})
    assert response.status_code == 303
    after = signer("csrf").unsign(client.cookies[CSRF_COOKIE])
    assert after and after != before
    refused = client.post("/notifications/lues", data={"csrf_token": before})
    assert refused.status_code == 403
    assert "Le formulaire a expiré" in refused.text
    accepted = client.post("/notifications/lues", data={"csrf_token": after})
    assert accepted.status_code == 303


@pytest.mark.parametrize("url", ["/boom", "/api/v1/boom"])
def test_an_unexpected_error_answers_a_500_that_carries_them_too(db, url):
    # A fresh app, so the failing route exists in this test only.
    from fastapi.testclient import TestClient

    from portal.app import create_app

    app = create_app()

    @app.get(url)
    def boom():
        raise RuntimeError("boom")

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        response = client.get(url)
    assert response.status_code == 500
    _secured(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "erreur inattendue" in response.text
