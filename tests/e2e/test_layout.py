"""What got in the way of the first real users, in the browser: forms in their error state that
push headers and messages off-screen, lists that cut their labels."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE
from tests.e2e.test_journeys import fill_insertion_line, open_first_to_file

# The room an option's text needs in its select: the text itself, the select's padding and its
# arrow (about 20 px in Chromium).
FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
    return widest + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 20
        <= select.getBoundingClientRect().width;
}"""


def cut_off(page, selector: str) -> list[str]:
    """The elements ``selector`` finds that do not fit in the window once scrolled to (the
    message of a field in a table that scrolls sideways is read after scrolling to it)."""
    cut = []
    for element in page.locator(selector).all():
        element.scroll_into_view_if_needed()
        if element.evaluate("e => { const box = e.getBoundingClientRect();"
                            " return box.left < -1 || box.right > window.innerWidth + 1; }"):
            cut.append(element.inner_text()[:60])
    return cut


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_agec_form_errors_fit_the_screen(person, viewport):
    supplier = person("supplier", viewport=viewport)
    page = supplier.page
    supplier.goto("/fournisseur/declarations?state=todo")
    page.locator("main tbody tr").filter(has_text="Parts AGEC").filter(
        has_text="LE-2023-021").first.get_by_role("link").first.click()
    page.get_by_label("Montant total HT, ligne 1").fill("douze mille")
    page.get_by_label("Dont réemploi ou réutilisation, ligne 1").fill("99 999 999")
    page.get_by_label("Montant total HT, ligne 2").fill("-5")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("alert")).to_be_visible()
    supplier.check(f"erreurs du formulaire AGEC à {viewport['width']} px")
    supplier.screenshot(f"fournisseur-agec-erreurs-{viewport['width']}")
    assert supplier.overflow() == 0
    assert cut_off(page, "[role=alert], .field-error") == []
    if viewport is DESKTOP:  # at a desktop width the whole table shows, headers included
        page.evaluate("window.scrollTo(0, 0)")
        assert cut_off(page, "main table.lines th") == []
        assert page.locator("main table.lines").evaluate(
            "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")


def test_selects_show_their_whole_labels_at_1280px(person):
    supplier = person("supplier")
    page = supplier.page
    open_first_to_file(page, "Heures d'insertion")
    fill_insertion_line(page, 1, "B26-201", "Jeune de moins de 26 ans en démarche d'insertion",
                        "Homme", "Moins de 26 ans",
                        "Mise à disposition par une association intermédiaire", "10")
    cut = [select.get_attribute("aria-label")
           for select in page.locator("main select").all() if not select.evaluate(FITS)]
    assert cut == []
