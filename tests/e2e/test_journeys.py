"""The portal's journeys as its users click them, in Chromium with JavaScript (htmx) on.

Each journey uses its own demo contracts, and axe-core checks every page state it passes.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.browser import compact, download

COMMENT_REQUIRED = "Expliquez au titulaire ce qu'il doit corriger"


def declaration_row(page: Page, contract: str, period: str):
    return (page.get_by_role("row").filter(has_text=contract)
            .filter(has=page.get_by_role("link", name=period, exact=True)))


def open_declaration(page: Page, contract: str, period: str) -> None:
    declaration_row(page, contract, period).get_by_role("link", name=period, exact=True).click()


def fill_insertion_line(page: Page, n: int, ref: str, category: str, sex: str, age: str,
                        mode: str, hours: str) -> None:
    page.get_by_label(f"Référence pseudonyme, ligne {n}", exact=True).fill(ref)
    page.get_by_label(f"Public éligible, ligne {n}", exact=True).select_option(label=category)
    page.get_by_label(f"Sexe, ligne {n}", exact=True).select_option(label=sex)
    page.get_by_label(f"Tranche d'âge, ligne {n}", exact=True).select_option(label=age)
    page.get_by_label(f"Modalité d'exécution, ligne {n}", exact=True).select_option(label=mode)
    page.get_by_label(f"Heures, ligne {n}", exact=True).fill(hours)


def status_of(page: Page) -> str:
    return compact(page.locator("main p").filter(has_text="Statut").first.inner_text())


def test_filing_review_and_correction(person):
    supplier = person("supplier")
    page = supplier.page
    supplier.check("accueil du titulaire")

    # Insertion hours for September, two people, saved as a draft then filed.
    supplier.goto("/fournisseur/declarations?state=todo")
    supplier.check("déclarations à faire")
    open_declaration(page, "LE-2026-003", "Septembre 2026")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Heures d'insertion — septembre 2026")
    supplier.check("formulaire d'heures vide")
    fill_insertion_line(page, 1, "B26-101", "Jeune de moins de 26 ans en démarche d'insertion",
                        "Femme", "Moins de 26 ans", "Embauche directe", "70,5")
    fill_insertion_line(page, 2, "B26-102", "Bénéficiaire du RSA", "Homme", "26 à 49 ans",
                        "Intérim d'insertion (ETTI)", "64")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#flash")).to_contain_text("Brouillon enregistré")
    supplier.check("brouillon enregistré")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("main")).to_contain_text("Déposée")
    supplier.screenshot("fournisseur-declaration-deposee")

    # An AGEC declaration: spending by category, with a reused and a recycled share.
    supplier.goto("/fournisseur/declarations?state=todo")
    open_declaration(page, "LE-2023-021", "4e trimestre 2025")
    supplier.check("formulaire AGEC vide")
    page.get_by_label("Montant total HT, ligne 1").fill("12 500,00")
    page.get_by_label("Dont réemploi ou réutilisation, ligne 1").fill("3 000")
    page.get_by_label("Dont matières recyclées, ligne 1").fill("1 250,50")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("main")).to_contain_text("Déposée")
    supplier.check("déclaration AGEC déposée")

    # The buyer returns the hours (a comment is required) and validates the AGEC shares.
    buyer = person("buyer_agent")
    review = buyer.page
    buyer.goto("/acheteur/declarations?state=to_review")
    buyer.check("déclarations à examiner")
    open_declaration(review, "LE-2026-003", "Septembre 2026")
    expect(review.locator("main table").first).to_contain_text("B26-101")
    expect(review.locator("main tfoot")).to_contain_text("134,5")
    buyer.check("examen d'une déclaration d'heures")
    review.get_by_role("button", name="Renvoyer pour correction").click()
    expect(review.get_by_role("alert")).to_contain_text(COMMENT_REQUIRED)
    buyer.check("renvoi sans commentaire refusé")
    buyer.screenshot("acheteur-examen-erreur")
    review.get_by_label("Commentaire pour le titulaire").fill(
        "Merci de joindre le relevé de mission de l'ETTI pour la ligne 2.")
    review.get_by_role("button", name="Renvoyer pour correction").click()
    expect(review.locator("main")).to_contain_text("Renvoyée pour correction")

    buyer.goto("/acheteur/declarations?state=to_review")
    open_declaration(review, "LE-2023-021", "4e trimestre 2025")
    expect(review.locator("main")).to_contain_text("12 500,00")
    review.get_by_role("button", name="Valider la déclaration").click()
    expect(review.locator("main")).to_contain_text("Validée")
    buyer.check("déclaration validée")

    # The supplier reads the comment, corrects the second line and files again.
    supplier.goto("/fournisseur")
    expect(page.locator("main")).to_contain_text("relevé de mission de l'ETTI pour la ligne 2")
    page.get_by_role("link", name=re.compile(r"LE-2026-003 — Heures d'insertion, septembre 2026"))\
        .first.click()
    expect(page.locator("main")).to_contain_text("Renvoyée pour correction")
    supplier.check("déclaration renvoyée")
    page.get_by_label("Heures, ligne 2", exact=True).fill("60")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("main")).to_contain_text("Déposée")

    buyer.goto("/acheteur/declarations?state=to_review")
    open_declaration(review, "LE-2026-003", "Septembre 2026")
    expect(review.locator("main tfoot")).to_contain_text("130,5")
    review.get_by_role("button", name="Valider la déclaration").click()
    expect(review.locator("main")).to_contain_text("Validée")


def answer_every_question(page: Page, score: str) -> None:
    """Ticks ``score`` on each scale question (its "score — label" radio, or the plain number
    of a 0–10 scale) and the first choice of the others (yes/no…)."""
    for question in page.locator("#survey_form fieldset").all():
        scored = question.get_by_role("radio", name=re.compile(rf"^{score}( — |$)"))
        (scored if scored.count() else question.get_by_role("radio").first).check()


def test_end_of_contract_survey_each_side_reads_the_other_only_when_both_answered(person):
    buyer = person("buyer")
    page = buyer.page
    buyer.goto("/acheteur/contrats?q=LE-2026-003")
    page.get_by_role("link", name="LE-2026-003", exact=True).click()
    page.get_by_role("button", name="Lancer l'enquête de fin de contrat").click()
    expect(page.locator("#flash")).to_contain_text("Enquête de fin de contrat lancée")

    buyer.goto("/enquetes?vue=a-remplir")
    buyer.check("enquêtes à remplir")
    page.get_by_role("row").filter(has_text="LE-2026-003").get_by_role("link").first.click()
    buyer.check("questionnaire de l'acheteur")
    answer_every_question(page, "4")
    page.get_by_label(re.compile("Commentaire libre")).fill("Chantier bien tenu, équipe réactive.")
    page.get_by_role("button", name="Déposer mes réponses").click()
    expect(page.locator("#flash")).to_contain_text("Réponses déposées")
    expect(page.locator("main")).to_contain_text("lisible quand les deux parties")
    buyer.check("réponses de l'acheteur déposées")
    survey_path = urlsplit(page.url).path

    supplier = person("supplier")
    spage = supplier.page
    supplier.goto("/enquetes?vue=a-remplir")
    spage.get_by_role("row").filter(has_text="LE-2026-003").get_by_role("link").first.click()
    expect(spage.locator("main")).not_to_contain_text("Chantier bien tenu")
    expect(spage.locator("main")).to_contain_text("lisible quand les deux parties")
    answer_every_question(spage, "5")
    spage.get_by_role("button", name="Déposer mes réponses").click()
    expect(spage.locator("#flash")).to_contain_text("Réponses déposées")
    expect(spage.locator("main")).to_contain_text("Chantier bien tenu, équipe réactive.")
    supplier.check("le titulaire lit l'évaluation de l'acheteur")
    supplier.screenshot("enquete-resultats")

    buyer.goto(survey_path)
    expect(page.locator("main")).to_contain_text("Très satisfait")
    buyer.check("l'acheteur lit l'évaluation du titulaire")


def test_dashboard_annual_report_exports_and_attestation(person):
    buyer = person("buyer")
    page = buyer.page
    buyer.goto("/indicateurs")
    buyer.check("tableau de bord des indicateurs")
    buyer.screenshot("indicateurs")
    exports = page.locator("main a[href*='/export/']")
    assert exports.count() > 0
    name, content = download(page, exports.first)
    assert name.endswith((".csv", ".xlsx")) and len(content) > 100

    buyer.goto("/rapports/annuel")
    buyer.check("rapport annuel")
    name, content = download(page, page.locator("main a[href^='/rapports/annuel.pdf']").first)
    assert name.endswith(".pdf") and content.startswith(b"%PDF-")
    name, content = download(page, page.locator("main a[href^='/rapports/annuel-contrats.csv']")
                             .first)
    assert content.decode("utf-8-sig").splitlines()[0].count(";") > 3

    # The supplier's attestation, then anyone checks its code on /verification.
    supplier = person("supplier")
    spage = supplier.page
    supplier.goto("/fournisseur/contrats")
    spage.get_by_role("link", name="LE-2024-001", exact=True).click()
    with spage.expect_download() as info:
        spage.get_by_role("button", name=re.compile("Générer l'attestation")).click()
    text = _pdf_text(info.value.path())
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b", text)
    assert code, text[:500]

    visitor = buyer  # the page is public: anyone may check a code
    visitor.goto("/verification")
    visitor.check("vérification d'une attestation")
    visitor.page.get_by_label(re.compile("Code")).fill(code.group(1).lower())
    visitor.page.get_by_role("button", name=re.compile("Vérifier")).click()
    expect(visitor.page.locator("main")).to_contain_text("LE-2024-001")
    visitor.check("attestation vérifiée")


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)
