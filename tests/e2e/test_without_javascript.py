"""The core forms with JavaScript off: plain form posts and full pages, nothing lost."""

from playwright.sync_api import expect

from tests.e2e.test_journeys import (
    COMMENT_REQUIRED,
    answer_every_question,
    fill_insertion_line,
    open_declaration,
)


def test_filing_with_errors_more_lines_and_review_without_javascript(person):
    supplier = person("supplier_cleaning", javascript=False)
    page = supplier.page
    supplier.goto("/fournisseur/declarations?state=todo")
    link = page.locator("main tbody tr").filter(has_text="Heures d'insertion").filter(
        has_text="À déclarer").first.get_by_role("link").first
    contract = page.locator("main tbody tr").filter(has_text="Heures d'insertion").filter(
        has_text="À déclarer").first.locator("td").first.inner_text().strip()
    period = link.inner_text().strip()
    link.click()

    # A wrong figure: the page comes back with the error summary and what was typed.
    fill_insertion_line(page, 1, "PSA-901", "Bénéficiaire du RSA", "Femme", "26 à 49 ans",
                        "Embauche directe", "quarante")
    page.get_by_role("button", name="Déposer la déclaration").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ligne 1, heures : Saisissez un nombre")
    expect(page.get_by_label("Référence pseudonyme, ligne 1", exact=True)).to_have_value("PSA-901")
    expect(page.get_by_label("Heures, ligne 1", exact=True)).to_have_value("quarante")
    supplier.check("erreur sans JavaScript")

    # More lines than the form shows: the button reloads the page with empty lines added.
    page.get_by_label("Heures, ligne 1", exact=True).fill("40")
    page.get_by_role("button", name="Ajouter des lignes").click()
    expect(page.get_by_label("Heures, ligne 4", exact=True)).to_be_visible()
    expect(page.get_by_label("Référence pseudonyme, ligne 1", exact=True)).to_have_value("PSA-901")
    fill_insertion_line(page, 4, "PSA-904", "Travailleur handicapé (RQTH)", "Homme",
                        "50 ans et plus", "Recours à une EA ou un ESAT", "12,25")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("main")).to_contain_text("Déposée")

    buyer = person("buyer_agent", javascript=False)
    review = buyer.page
    buyer.goto("/acheteur/declarations?state=to_review")
    open_declaration(review, contract, period)
    expect(review.locator("main tfoot")).to_contain_text("52,25")
    review.get_by_role("button", name="Renvoyer pour correction").click()
    expect(review.get_by_role("alert")).to_contain_text(COMMENT_REQUIRED)
    review.get_by_label("Commentaire pour le titulaire").fill("La ligne 4 : quel établissement ?")
    review.get_by_role("button", name="Renvoyer pour correction").click()
    expect(review.locator("main")).to_contain_text("Renvoyée pour correction")
    buyer.check("renvoi sans JavaScript")


def test_survey_answered_without_javascript(person):
    supplier = person("supplier_siae", javascript=False)
    page = supplier.page
    supplier.goto("/enquetes?vue=a-remplir")
    page.locator("main tbody tr").first.get_by_role("link").first.click()
    page.get_by_role("button", name="Déposer mes réponses").click()
    expect(page.get_by_role("alert")).to_contain_text("il manque des réponses")
    supplier.check("enquête incomplète sans JavaScript")
    answer_every_question(page, "3")
    page.get_by_role("button", name="Déposer mes réponses").click()
    expect(page.locator("#flash")).to_contain_text("Réponses déposées")
