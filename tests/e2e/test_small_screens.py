"""The main pages on a phone (390 px wide): the page never scrolls sideways, a table wider than
the screen scrolls inside its own region (which the keyboard can reach), and axe-core finds no
violation at that size either."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE

PAGES = {
    "supplier": ["/fournisseur", "/fournisseur/contrats", "/fournisseur/declarations?state=all",
                 "/enquetes", "/compte", "/organisation"],
    "buyer": ["/acheteur", "/acheteur/contrats", "/acheteur/declarations?state=all",
              "/indicateurs", "/rapports/annuel", "/enquetes", "/notifications",
              "/acheteur/contrats/nouveau"],
    "admin": ["/admin", "/admin/comptes", "/admin/envois", "/admin/seuils-agec"],
}


def first_link(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("href")


@pytest.mark.parametrize("who", list(PAGES))
def test_main_pages_fit_a_phone(person, who):
    someone = person(who, viewport=PHONE)
    page = someone.page
    paths = list(PAGES[who])
    # A contract page and a declaration page of each side: the widest tables are there.
    if who == "supplier":
        someone.goto("/fournisseur/declarations?state=todo")
        paths.append(first_link(page, "main tbody a[href^='/fournisseur/declarations/']"))
        someone.goto("/fournisseur/contrats")
        paths.append(first_link(page, "main tbody a[href^='/fournisseur/contrats/']"))
    if who == "buyer":
        someone.goto("/acheteur/contrats")
        paths.append(first_link(page, "main tbody a[href^='/acheteur/contrats/']"))
        someone.goto("/acheteur/declarations?state=to_review")
        paths.append(first_link(page, "main tbody a[href^='/acheteur/declarations/']"))
    too_wide = []
    for path in paths:
        someone.goto(path)
        someone.check("390 px")
        if (extra := someone.overflow()) > 0:
            too_wide.append(f"{path}: {extra} px")
        for region in page.locator("main .table-scroll").all():
            if region.evaluate("r => r.scrollWidth > r.clientWidth"):
                expect(region).to_have_attribute("tabindex", "0")
    assert not too_wide, "wider than a 390 px phone:\n" + "\n".join(too_wide)
