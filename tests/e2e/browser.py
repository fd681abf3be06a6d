"""Debian's Chromium driven by Playwright, as the portal's users meet it: a logged-in person per
browser context, axe-core run on what they see, screenshots for the README.

`playwright install` downloads its own browsers, which these machines cannot: the tests launch
/usr/bin/chromium (installed by `make e2e` with apt when run as root).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, expect

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# The WCAG 2.1 A and AA rules (axe's tags), nothing beyond: "best practices" are not the law.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REFUSED_FORM = re.compile(r"status of (422|409) ")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The demo's people (`portal demo` prints them; the README lists them).
PEOPLE = {
    "admin": "admin@loire-estuaire.example.fr",
    "buyer": "claire.martin@loire-estuaire.example.fr",
    "buyer_agent": "karim.benali@loire-estuaire.example.fr",
    "other_buyer": "helene.garnier@departement-loire-estuaire.example.fr",
    "supplier": "direction@batir-ouest.example.fr",
    "supplier_cleaning": "rse@proprete-atlantique.example.fr",
    "supplier_siae": "contact@tremplin-vert.example.fr",
    "facilitator": "ines.garnier@maison-emploi-loire.example.fr",
}
DEMO_PASSWORD = "demo-portail-2026"


@dataclass
class Accessibility:
    """Every page state axe-core checked during the run, and what it found."""
    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def check(self, page: Page, what: str = "") -> None:
        """Runs axe-core on the page as it is now (after a swap, an error…) and fails the test on
        any violation of a WCAG 2.1 A or AA rule, naming the rule and the elements."""
        page.evaluate(AXE_SOURCE)  # through the DevTools protocol: the page's CSP stays on
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))", WCAG_21_AA)
        label = f"{urlsplit(page.url).path}{' — ' + what if what else ''}"
        self.checked.append(label)
        found = [f"{label}: {v['id']} ({v['help']}) on {', '.join(v['nodes'])}" for v in result]
        self.violations += found
        assert not found, "axe-core:\n" + "\n".join(found)


class Person:
    """One demo user in their own browser context (cookies, JavaScript on or off, a screen
    size), with the console watched: a script the CSP blocks or an error in portal.js fails
    the test that caused it."""

    def __init__(self, browser: Browser, base_url: str, email: str, *, javascript: bool = True,
                 viewport: dict | None = None, axe: Accessibility, shots: Path):
        self.context: BrowserContext = browser.new_context(
            base_url=base_url, java_script_enabled=javascript, viewport=viewport or DESKTOP,
            locale="fr-FR", accept_downloads=True)
        self.page: Page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.axe, self.shots, self.email = axe, shots, email
        self.javascript = javascript
        self._browser, self._viewport = browser, viewport or DESKTOP
        self._twin: Page | None = None

    def _console(self, message) -> None:
        # A refused form answers 422 (or 409) with the form and its errors, which htmx swaps in:
        # Chromium still logs it as a failed load. Any other failed load or error counts.
        if message.type == "error" and not REFUSED_FORM.search(message.text):
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def log_in(self) -> "Person":
        self.page.goto("/connexion")
        self.page.get_by_label("Adresse e-mail").fill(self.email)
        self.page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        expect(self.page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        return self

    def goto(self, path: str) -> Page:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"GET {path} → {response and response.status}"
        return self.page

    def check(self, what: str = "") -> None:
        if self.javascript:
            self.axe.check(self.page, what)
        else:
            self.axe.check(self._twin_showing(self.page.url, self.page.content()), what)

    def _twin_showing(self, url: str, html: str) -> Page:
        """axe-core needs JavaScript (its timers do not run in a page without it): the HTML this
        person's browser received is shown at the same address in a twin page with JavaScript
        on, its style sheets loaded from the server, and checked there."""
        if self._twin is None:
            self._twin = self._browser.new_context(viewport=self._viewport,
                                                   locale="fr-FR").new_page()
        self._twin.route(url, lambda route: route.fulfill(body=html,
                                                          content_type="text/html"), times=1)
        self._twin.goto(url)
        return self._twin

    def screenshot(self, name: str) -> None:
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")

    def close(self) -> None:
        errors, self.console_errors = self.console_errors, []
        if self._twin is not None:
            self._twin.context.close()
        self.context.close()
        assert not errors, "browser console:\n" + "\n".join(errors)


def download(page: Page, trigger) -> tuple[str, bytes]:
    """Clicks what ``trigger`` finds and returns the downloaded file's name and bytes."""
    with page.expect_download() as info:
        trigger.click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()
