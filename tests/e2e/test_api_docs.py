"""/api/docs in Chromium: Swagger UI, served by the portal, draws every operation under the
portal's strict Content-Security-Policy (a blocked script or style is a console error, which
fails the test) and fetches nothing from another origin.

Not in the accessibility crawl: axe-core finds violations in Swagger UI's own markup (nested
interactive controls in each operation's summary, colour contrast of its badges), which are not
the portal's pages.
"""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.portal.test_openapi_document import OPERATION_IDS


def test_swagger_ui_draws_every_operation_from_the_portal_alone(person):
    someone = person("supplier")
    page = someone.page
    origins = set()
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
    someone.goto("/api/docs")
    operations = page.locator(".opblock")
    expect(operations).to_have_count(len(OPERATION_IDS))
    expect(page.locator("#operations-declarations-declarations-submit")).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert origins == {urlsplit(page.url).netloc}
    assert someone.overflow() == 0
