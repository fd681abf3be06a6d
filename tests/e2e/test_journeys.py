"""The portal's journeys as its users click them, in Chromium with JavaScript (htmx) on.

Each journey uses its own demo contracts, and axe-core checks every page state it passes.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.browser import download

COMMENT_REQUIRED = "Expliquez au titulaire ce qu'il doit corriger"


def declaration_row(page: Page, contract: str, period: str):
    return (page.get_by_role("row").filter(has_text=contract)
            .filter(has=page.get_by_role("link", name=period, exact=True)))


def open_declaration(page: Page, contract: str, period: str) -> None:
    declaration_row(page, contract, period).get_by_role("link", name=period, exact=True).click()


def open_first_to_file(page: Page, kind: str) -> None:
    """Opens the first declaration of that kind still to file, from the to-do list."""
    page.goto("/fournisseur/declarations?state=todo")
    page.locator("main tbody tr").filter(has_text=kind).filter(
        has_text="À déclarer").first.get_by_role("link").first.click()


def fill_insertion_line(page: Page, n: int, ref: str, category: str, sex: str, age: str,
                        mode: str, hours: str) -> None:
    page.get_by_label(f"Référence pseudonyme, ligne {n}", exact=True).fill(ref)
    page.get_by_label(f"Public éligible, ligne {n}", exact=True).select_option(label=category)
    page.get_by_label(f"Sexe, ligne {n}", exact=True).select_option(label=sex)
    page.get_by_label(f"Tranche d'âge, ligne {n}", exact=True).select_option(label=age)
    page.get_by_label(f"Modalité d'exécution, ligne {n}", exact=True).select_option(label=mode)
    page.get_by_label(f"Heures, ligne {n}", exact=True).fill(hours)


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
    # (On its list of returned declarations: its home page shows the earliest due first.)
    supplier.goto("/fournisseur/declarations?state=returned")
    expect(page.locator("main")).to_contain_text("relevé de mission de l'ETTI pour la ligne 2")
    open_declaration(page, "LE-2026-003", "Septembre 2026")
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


def focused(page: Page) -> str:
    """What has keyboard focus: its tag, id and the start of its text."""
    return page.evaluate("() => { const e = document.activeElement;"
                         " return `${e.tagName.toLowerCase()}#${e.id} ${e.textContent.trim()"
                         ".slice(0, 80)}`; }")


def test_keyboard_focus_follows_htmx_swaps(person):
    supplier = person("supplier_cleaning")
    page = supplier.page
    open_first_to_file(page, "Heures d'insertion")

    # More lines: focus goes to the first field of the first empty line, not back to <body>.
    fill_insertion_line(page, 1, "PSA-950", "Bénéficiaire du RSA", "Femme", "26 à 49 ans",
                        "Embauche directe", "trois")
    page.get_by_role("button", name="Ajouter des lignes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Référence pseudonyme, ligne 2", exact=True)).to_be_focused()
    supplier.check("lignes ajoutées")

    # A form with errors: focus on the error summary, which names the field.
    page.get_by_role("button", name="Enregistrer le brouillon").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Ligne 1, heures")
    supplier.check("erreur après échange htmx")
    supplier.screenshot("fournisseur-erreur-focus")

    # A saved draft: focus on the message that says so; the figure comes back in French.
    page.get_by_label("Heures, ligne 1", exact=True).fill("1250,5")
    page.get_by_role("button", name="Enregistrer le brouillon").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Brouillon enregistré")
    assert "Brouillon enregistré" in focused(page)
    expect(page.get_by_label("Heures, ligne 1", exact=True)).to_have_value("1\u202f250,50")


def test_closing_asks_for_confirmation_and_a_closed_contract_reopens(person):
    buyer = person("buyer")
    page = buyer.page
    buyer.goto("/acheteur/contrats?q=LE-2024-014")
    page.get_by_role("link", name="LE-2024-014", exact=True).click()
    contract_path = urlsplit(page.url).path
    page.get_by_role("link", name=re.compile("Clore le contrat aujourd'hui")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("aujourd'hui ?")
    expect(page.locator("main")).to_contain_text("Périodes de déclaration retirées")
    expect(page.locator("main")).to_contain_text("Enquête de fin de contrat")
    buyer.check("confirmation de clôture")
    buyer.screenshot("acheteur-cloture-confirmation")
    page.get_by_role("link", name="Annuler").click()
    assert urlsplit(page.url).path == contract_path
    closing = page.get_by_role("link", name=re.compile("Clore le contrat aujourd'hui"))
    expect(closing).to_be_visible()

    page.get_by_role("link", name=re.compile("Clore le contrat aujourd'hui")).click()
    page.get_by_role("button", name="Clore le contrat").click()
    expect(page.locator("#flash")).to_contain_text("clos")
    page.get_by_role("link", name=re.compile("Rouvrir le contrat")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rouvrir le contrat")
    buyer.check("confirmation de réouverture")
    page.get_by_role("button", name="Rouvrir le contrat").click()
    expect(page.locator("#flash")).to_contain_text("rouvert")
    expect(closing).to_be_visible()


def test_late_filings_are_listed_and_a_reminder_goes_once_a_day(person):
    buyer = person("buyer_agent")
    page = buyer.page
    buyer.goto("/acheteur")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dépôts en retard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("retard")
    buyer.check("dépôts en retard")
    buyer.screenshot("acheteur-depots-en-retard")
    row = page.locator("main tbody tr").filter(has_text="Aucune").first
    reference = row.locator("td").first.inner_text().strip()
    period = row.locator("td").nth(3).get_by_role("link").inner_text().strip()
    row.get_by_role("button", name=re.compile("^Relancer")).click()
    expect(page.locator("#flash")).to_contain_text("Relance envoyée")
    again = declaration_row(page, reference, period)
    expect(again.locator("td").nth(5)).not_to_have_text("Aucune")
    again.get_by_role("button", name=re.compile("^Relancer")).click()
    expect(page.get_by_role("alert")).to_contain_text("déjà été relancé")
    buyer.check("seconde relance refusée")


def test_a_buyer_reads_no_draft(person):
    buyer = person("buyer")
    page = buyer.page
    buyer.goto("/acheteur/declarations?state=all&q=LE-2026-003")
    draft = page.locator("main tbody tr").filter(has_text="Brouillon").first
    draft.get_by_role("link").first.click()
    expect(page.get_by_role("note")).to_contain_text("Brouillon en cours")
    expect(page.locator("main table")).to_have_count(0)
    buyer.check("brouillon vu par l'acheteur")


def test_the_dashboard_reads_satisfaction_as_an_average_over_answers(person):
    buyer = person("buyer")
    buyer.goto("/indicateurs")
    satisfaction = buyer.page.locator("main tr").filter(has_text="satisfaction").first
    expect(satisfaction).to_contain_text("/ 100")
    expect(satisfaction).to_contain_text(re.compile(r"\d+ réponses?"))


def test_the_facilitator_checks_a_line_and_asks_for_a_correction(person):
    facilitator = person("facilitator")
    page = facilitator.page
    facilitator.check("accueil du facilitateur")
    page.get_by_label("Rechercher").fill("LE-2026-003")
    page.get_by_role("button", name="Filtrer").click()
    row = page.locator("main tbody tr").filter(has_text="À vérifier").first
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heures d'insertion")
    facilitator.check("vérification d'une déclaration")
    declaration_id = urlsplit(page.url).path.rsplit("/", 1)[-1]

    # The first line: eligible public confirmed, proof seen (an htmx swap of that line only).
    first_line = page.locator("main section.card").first
    first_line.get_by_role("group", name="Public éligible confirmé").get_by_label("Oui").check()
    first_line.get_by_role("group", name="Justificatif vu").get_by_label("Oui").check()
    first_line.get_by_role("button", name=re.compile("Enregistrer la vérification")).click()
    expect(first_line.get_by_role("status")).to_have_text("Vérification de la ligne enregistrée.")

    # « À corriger » needs a comment, which the holder and the buyer read.
    page.get_by_role("radio", name="À corriger").check()
    page.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.get_by_role("alert")).to_contain_text("commentaire est obligatoire")
    facilitator.check("avis sans commentaire refusé")
    page.locator("#opinion_form").get_by_role("textbox").fill(
        "Le contrat de mission de la ligne 2 manque.")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.locator("main")).to_contain_text("Avis du facilitateur : À corriger")

    buyer = person("buyer_agent")
    buyer.goto(f"/acheteur/declarations/{declaration_id}")
    expect(buyer.page.locator("main")).to_contain_text("Avis du facilitateur : À corriger")
    expect(buyer.page.locator("main")).to_contain_text("Le contrat de mission de la ligne 2")
    buyer.check("avis du facilitateur lu par l'acheteur")
    holder = person("supplier")
    holder.goto(f"/fournisseur/declarations/{declaration_id}")
    expect(holder.page.locator("main")).to_contain_text("Le contrat de mission de la ligne 2")
