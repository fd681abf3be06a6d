"""The AGEC declaration: the buyer's own totals per year and category, the holders' declared
figures beside them, and the official CSV (data.gouv.fr schema) built from the buyer's figures,
as a download and with `portal export-agec`."""

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from frictionless import Resource, Schema
from sqlalchemy import func, select

from execution.agec import declaration_file
from execution.agec.models import BuyerAgecTotal
from portal import clock
from portal.agec import DECLARATION_LABELS, AgecCategory, Regime
from portal.models import AuditEvent, Role
from supplier.models import Status
from tests import factories
from tests.agec_world import Q1_2025, Q2_2025, file, line, make_agec_world
from tests.conftest import visible_text
from tests.reference_data import AGEC_SCHEMA, reference

PAGE = "/donnees-ouvertes/agec"
FILE = "/donnees-ouvertes/agec.csv"


def _schema() -> dict:
    return json.loads(reference(AGEC_SCHEMA).read_text(encoding="utf-8"))


def _text(html: str) -> str:
    return visible_text(html).replace("&#39;", "'").replace("&#34;", '"').replace(
        "\xa0", " ").replace("\u202f", " ")


def _validate(path) -> list[list]:
    """The frictionless report's errors for the file against the official schema (a resource
    with that schema); empty when the file is valid."""
    resource = Resource(path=path.name, basepath=str(path.parent),
                        schema=Schema.from_descriptor(_schema()))
    report = resource.validate()
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type"])


@pytest.fixture(autouse=True)
def in_2026():
    clock.freeze(datetime(2026, 3, 2, 9, tzinfo=UTC))


@pytest.fixture
def buyer(db):
    return factories.make_user(db, Role.buyer)


def _form(db, year: int, lines: dict[str, tuple], versions: dict[str, int] | None = None):
    """The fields the page posts for some categories: (total, valorisation, dons, recyclés,
    commentaire), at the version read (0: no line yet)."""
    data = {}
    for code, values in lines.items():
        data[f"{code}.version"] = str((versions or {}).get(code, 0))
        for name, value in zip(("total_excl_vat", "reuse_and_donation_excl_vat",
                                "donation_excl_vat", "recycled_excl_vat", "comment"),
                               values, strict=False):
            data[f"{code}.{name}"] = value
    return data


def _lines(db, organisation_id: int, year: int) -> dict[str, BuyerAgecTotal]:
    db.expire_all()
    return {row.category_code: row for row in db.scalars(select(BuyerAgecTotal).where(
        BuyerAgecTotal.buyer_org_id == organisation_id, BuyerAgecTotal.year == year))}


# --- One mapping to the official labels --------------------------------------------------------

def test_every_category_of_the_2024_decree_has_its_official_label_and_no_other(db):
    enum = next(f for f in _schema()["fields"]
                if f["name"] == "type_produit_acquis")["constraints"]["enum"]
    assert sorted(DECLARATION_LABELS.values()) == sorted(enum)
    by_regime = {regime: {c.code: c.label for c in db.scalars(
        select(AgecCategory).where(AgecCategory.regime == regime))} for regime in Regime}
    assert set(DECLARATION_LABELS) == set(by_regime[Regime.decree_2024])
    # The 2021 decree's lines have no label in the file: none is mapped.
    assert not set(DECLARATION_LABELS) & set(by_regime[Regime.decree_2021])
    # The pages show the same words the file writes.
    assert by_regime[Regime.decree_2024] == DECLARATION_LABELS


# --- The form ----------------------------------------------------------------------------------

def test_a_buyer_records_its_totals_and_sees_them_again(client, db, login, post, buyer):
    login(buyer)
    page = client.get(f"{PAGE}?annee=2025")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Vos totaux 2025 (comptabilité de l'acheteur)" in text
    assert "décret n° 2024-134" in text
    assert text.count("Modifié le") == 0 and "Jeux et jouets" in text
    assert 'name="D2024_PAPIER.total_excl_vat"' in page.text
    assert "Aucun total n'est encore enregistré pour 2025" in text

    response = post(f"{PAGE}?annee=2025", _form(db, 2025, {
        "D2024_PAPIER": ("12 500,50", "2 000", "500", "6 000,25", "Dont ramettes recyclées"),
        "D2024_MOBILIER": ("40000", "", "", "")}))
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?annee=2025"
    lines = _lines(db, buyer.organisation_id, 2025)
    paper = lines["D2024_PAPIER"]
    assert (paper.total_excl_vat, paper.reuse_and_donation_excl_vat, paper.donation_excl_vat,
            paper.recycled_excl_vat) == (Decimal("12500.50"), Decimal("2000"), Decimal("500"),
                                         Decimal("6000.25"))
    assert paper.comment == "Dont ramettes recyclées" and paper.version == 1
    assert paper.updated_by_id == buyer.id
    assert lines["D2024_MOBILIER"].reuse_and_donation_excl_vat == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "agec_buyer_total")) == 1

    again = client.get(response.headers["location"])
    text = _text(again.text)
    assert "Totaux AGEC 2025 enregistrés : 2 catégories modifiées." in text
    assert 'value="12 500,50"' in again.text.replace("\u202f", " ")
    assert "Télécharger le fichier de déclaration AGEC 2025 (CSV)" in text
    # Shares of the buyer's own figures: 2 000 / 12 500,50 = 16,0 %.
    assert "16,0 %" in text


def test_saving_the_same_figures_changes_nothing_and_an_emptied_line_is_removed(
        client, db, login, post, buyer):
    login(buyer)
    lines = {"D2024_PAPIER": ("100", "10", "0", "0")}
    assert post(f"{PAGE}?annee=2025", _form(db, 2025, lines)).status_code == 303
    again = post(f"{PAGE}?annee=2025", _form(db, 2025, lines, {"D2024_PAPIER": 1}))
    assert again.status_code == 303
    assert _lines(db, buyer.organisation_id, 2025)["D2024_PAPIER"].version == 1
    assert "aucun changement" in _text(client.get(again.headers["location"]).text)
    emptied = post(f"{PAGE}?annee=2025", _form(db, 2025, {"D2024_PAPIER": ("", "", "", "")},
                                                {"D2024_PAPIER": 1}))
    assert emptied.status_code == 303
    assert _lines(db, buyer.organisation_id, 2025) == {}


def test_wrong_figures_are_refused_in_french_and_what_was_typed_stays(client, db, login, post,
                                                                      buyer):
    login(buyer)
    response = post(f"{PAGE}?annee=2025", _form(db, 2025, {
        "D2024_PAPIER": ("1 000", "1 500", "0", "0"),
        "D2024_MOBILIER": ("1 000", "300", "400", "0"),
        "D2024_SPORT": ("-5", "", "", ""),
        "D2024_TEXTILES": ("", "200", "", "", "Sans total"),
        "D2024_JEUX_JOUETS": ("douze", "", "", "")}))
    assert response.status_code == 422
    text = _text(response.text)
    assert "Les totaux n'ont pas été enregistrés : corrigez les champs signalés." in text
    assert ("Ce montant (1 500,00 € HT) dépasse le montant total HT de la catégorie "
            "(1 000,00 € HT).") in text
    assert ("Les dons (400,00 € HT) sont compris dans le montant « réemploi, réutilisation et "
            "dons » (300,00 € HT) : ils ne peuvent pas le dépasser.") in text
    assert "La valeur ne peut pas être négative." in text
    assert "Indiquez le montant total HT de la catégorie" in text
    assert "Saisissez un nombre" in text
    # The summary names each field; the inputs keep what was typed.
    assert "Papier, dont réemploi, réutilisation et dons" in text
    assert 'value="douze"' in response.text and 'value="-5,00"' in response.text
    assert 'value="Sans total"' in response.text
    assert 'aria-invalid="true" aria-describedby="D2024_SPORT.total_excl_vat-error"' \
        in response.text
    assert _lines(db, buyer.organisation_id, 2025) == {}


def test_a_stale_page_gets_a_conflict_and_overwrites_nothing(client, db, login, post, buyer):
    colleague = factories.make_user(db, Role.buyer, organisation=buyer.organisation)
    login(colleague)
    assert post(f"{PAGE}?annee=2025", _form(db, 2025, {
        "D2024_PAPIER": ("100", "10", "0", "0")})).status_code == 303
    client.cookies.clear()
    login(buyer)
    # Read before the colleague saved: version 0.
    response = post(f"{PAGE}?annee=2025", _form(db, 2025, {
        "D2024_PAPIER": ("999", "0", "0", "0")}))
    assert response.status_code == 409
    text = _text(response.text)
    assert "Ces totaux ont été modifiés entre-temps par une autre personne (Papier)" in text
    assert "rien n'a été enregistré" in text
    assert 'value="999,00"' in response.text
    line = _lines(db, buyer.organisation_id, 2025)["D2024_PAPIER"]
    assert line.total_excl_vat == 100 and line.updated_by_id == colleague.id


def test_another_buyer_and_suppliers_are_refused(client, db, login, post, buyer):
    other = factories.make_user(db, Role.buyer)
    login(other)
    query = f"?annee=2025&acheteur={buyer.organisation_id}"
    assert client.get(PAGE + query).status_code == 403
    assert client.get(FILE + query).status_code == 403
    assert post(PAGE + query, _form(db, 2025, {"D2024_PAPIER": ("1", "0", "0", "0")}
                                    )).status_code == 403
    assert _lines(db, buyer.organisation_id, 2025) == {}
    client.cookies.clear()
    login(factories.make_user(db, Role.supplier))
    assert client.get(f"{PAGE}?annee=2025").status_code == 403


def test_an_administrator_chooses_the_buyer_then_records_for_it(client, db, login, post, buyer):
    admin = factories.make_user(db, Role.admin)
    login(admin)
    chooser = _text(client.get(f"{PAGE}?annee=2025").text)
    assert "Choisissez une organisation acheteuse pour saisir ses totaux AGEC." in chooser
    assert buyer.organisation.name in chooser
    assert client.get(f"{FILE}?annee=2025").status_code == 404
    query = f"?annee=2025&acheteur={buyer.organisation_id}"
    assert buyer.organisation.name in _text(client.get(PAGE + query).text)
    response = post(PAGE + query, _form(db, 2025, {"D2024_PAPIER": ("10", "1", "0", "2")}))
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?annee=2025&acheteur={buyer.organisation_id}"
    assert _lines(db, buyer.organisation_id, 2025)["D2024_PAPIER"].updated_by_id == admin.id


def test_years_outside_the_obligation_are_refused(client, db, login, buyer):
    login(buyer)
    assert client.get(f"{PAGE}?annee=2020").status_code == 404
    assert client.get(f"{PAGE}?annee=2027").status_code == 404
    assert client.get(f"{PAGE}?annee=20x5").status_code == 404
    # By default, the year being declared now: the one before.
    assert "Vos totaux 2025" in _text(client.get(PAGE).text)


def test_a_year_of_the_2021_decree_lists_its_lines_and_has_no_file(client, db, login, post,
                                                                   buyer):
    login(buyer)
    text = _text(client.get(f"{PAGE}?annee=2023").text)
    assert "décret n° 2021-254" in text and "Ligne 4 : machines" in text
    assert "les catégories du décret n° 2021-254 n'y ont pas de libellé" in text
    assert post(f"{PAGE}?annee=2023", _form(db, 2023, {"D2021_L04": ("50", "10", "0", "0")})
                ).status_code == 303
    refused = client.get(f"{FILE}?annee=2023")
    assert refused.status_code == 404
    assert "couvre les années à partir de 2024" in _text(refused.text)


# --- Beside: what the holders declared ----------------------------------------------------------

def test_the_page_shows_the_holders_validated_figures_summed_per_category(client, db, login,
                                                                         post):
    aw = make_agec_world(db)
    file(db, aw, Q1_2025, line("D2024_MOBILIER", 3000, 1500, 100, 600))
    file(db, aw, Q2_2025, line("D2024_MOBILIER", 1000, 500, 0, 200),
         line("D2024_TEXTILES", 800, 80, 0, 0))
    # Submitted, not validated: not counted.
    file(db, aw, Q2_2025 + 1, line("D2024_MOBILIER", 50000, 0, 0, 0), status=Status.submitted)
    login(aw.buyer)
    post(f"{PAGE}?annee=2025", _form(db, 2025, {"D2024_MOBILIER": ("10 000", "2 500", "0", "0")}))
    text = _text(client.get(f"{PAGE}?annee=2025").text)
    assert "déclarations validées" in text
    row = text[text.index("Mobilier et aménagement d'intérieur", text.index("Votre comptabilité")):]
    row = row[:row.index("Mobilier urbain")]
    # Accounts: 10 000, 2 500 (25,0 %); holders: 4 000, 2 000 + 100 of donations (52,5 %),
    # 100 of donations (2,5 %), 800 recycled (20,0 %), on 2 lines.
    assert "10 000,00 € HT 2 500,00 € HT (25,0 %)" in row
    assert ("4 000,00 € HT 2 100,00 € HT (52,5 %) 100,00 € HT (2,5 %) 800,00 € HT (20,0 %) 2"
            in row)
    assert "54 000" not in text and "50 000" not in text


# --- The file ----------------------------------------------------------------------------------

def _record(client, db, login, post, user):
    login(user)
    response = post(f"{PAGE}?annee=2025", _form(db, 2025, {
        "D2024_MOBILIER": ("1 234 567,5", "200 000", "15 000,25", "300 000"),
        "D2024_PAPIER": ("8 000", "0", "0", "2 400", "=HYPERLINK(\"x\")"),
        "D2024_TEXTILES": ("0", "", "", "")}))
    assert response.status_code == 303, response.text


def test_the_download_is_the_official_file_of_the_buyers_figures(client, db, login, post, buyer,
                                                                  tmp_path):
    aw = make_agec_world(db)
    file(db, aw, Q1_2025, line("D2024_JEUX_JOUETS", 3000, 1500, 0, 600))
    _record(client, db, login, post, aw.buyer)
    response = client.get(f"{FILE}?annee=2025")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    siret = aw.buyer.organisation.siret
    assert f'filename="declaration-agec-2025-{siret}.csv"' in \
        response.headers["content-disposition"]
    path = tmp_path / "declaration.csv"
    path.write_bytes(response.content)
    assert _validate(path) == []

    content = response.content.decode("utf-8")
    assert not content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == [f["name"] for f in _schema()["fields"]]
    name = aw.buyer.organisation.name
    # In the decree's order; the holders' category (toys) is not in the buyer's file.
    assert rows[1:] == [
        ["2025", siret, name, "Produits textiles à l'exception des équipements de protection "
         "individuels", "0.00", "0.00", "0.00", "0.00", ""],
        ["2025", siret, name, "Papier", "8000.00", "0.00", "0.00", "2400.00",
         "'=HYPERLINK(\"x\")"],
        ["2025", siret, name, "Mobilier et aménagement d'intérieur", "1234567.50", "200000.00",
         "15000.25", "300000.00", ""]]


def test_frictionless_sees_a_wrong_column_or_label(client, db, login, post, buyer, tmp_path):
    """The validation the test above relies on fails on the mistakes it guards against."""
    _record(client, db, login, post, buyer)
    content = client.get(f"{FILE}?annee=2025").content.decode("utf-8")
    cases = {"libellé": content.replace("Papier,", "Papiers,"),
             "colonnes": content.replace("montant_produits_issus_don,montant_produits_recycles",
                                         "montant_produits_recycles,montant_produits_issus_don"),
             "nombre": content.replace("8000.00", "8 000,00"),
             "année": content.replace("2025,", "2025-01-01,")}
    for case, text in cases.items():
        path = tmp_path / f"{case}.csv"
        path.write_text(text, encoding="utf-8", newline="")
        assert _validate(path), case


def test_a_year_without_figures_is_refused_rather_than_an_empty_file(client, db, login, buyer):
    login(buyer)
    response = client.get(f"{FILE}?annee=2025")
    assert response.status_code == 404
    assert (f"Aucun total AGEC n'est enregistré pour {buyer.organisation.name} en 2025"
            in _text(response.text))


def test_the_hub_links_to_the_declaration(client, db, login, buyer):
    login(buyer)
    page = client.get("/donnees-ouvertes")
    assert 'href="/donnees-ouvertes/agec"' in page.text
    assert "bientôt disponible" not in _text(page.text).split("Déclaration AGEC")[1][:300]


# --- The command -------------------------------------------------------------------------------

def test_export_agec_writes_the_file_and_says_so(client, db, login, post, buyer, tmp_path,
                                                 portal_command):
    _record(client, db, login, post, buyer)
    output = tmp_path / "agec.csv"
    code, out, err = portal_command("export-agec", "--year", "2025", "--buyer",
                                    buyer.organisation.siret, "-o", str(output))
    assert code in (0, None), err
    assert out.strip() == (f"Déclaration AGEC 2025 de {buyer.organisation.name} écrite dans "
                           f"{output} : 3 catégories.")
    assert output.read_bytes() == client.get(f"{FILE}?annee=2025").content
    assert _validate(output) == []


@pytest.mark.parametrize(("args", "message"), [
    (("--year", "2025", "--buyer", "21440109300015"),
     "Erreur : aucune organisation acheteuse n'a le SIRET « 21440109300015 »."),
    (("--year", "2025", "--buyer", "{siret}"),
     "Erreur : Aucun total AGEC n'est enregistré pour {name} en 2025"),
    (("--year", "2019", "--buyer", "{siret}"),
     "Erreur : Aucune déclaration AGEC pour l'année 2019"),
])
def test_export_agec_errors_are_one_french_line(db, buyer, tmp_path, portal_command, args,
                                                message):
    output = tmp_path / "agec.csv"
    organisation = buyer.organisation
    args = tuple(a.format(siret=organisation.siret) for a in args)
    code, out, err = portal_command("export-agec", *args, "-o", str(output))
    assert code == 1
    assert err.startswith(message.format(name=organisation.name))
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not output.exists()


def test_the_file_rows_are_built_by_one_statement(db, buyer, engine):
    from tests.scale import counting

    db.add_all([BuyerAgecTotal(buyer_org_id=buyer.organisation_id, year=2025,
                               category_code=code, total_excl_vat=Decimal(10),
                               reuse_and_donation_excl_vat=Decimal(1),
                               donation_excl_vat=Decimal(0), recycled_excl_vat=Decimal(0),
                               updated_by_id=buyer.id)
                for code in list(DECLARATION_LABELS)[:5]])
    db.flush()
    with counting(engine) as seen:
        rows = declaration_file.declaration_rows(db, buyer.organisation, 2025)
    assert len(rows) == 5 and len(seen) == 1


# --- Statements: the page costs the same with few or many records -------------------------------

def _buyer_with(db, contracts: int, categories: int):
    """A buyer with ``contracts`` AGEC contracts, each with two validated quarters of 2025
    over two categories, and its own totals for ``categories`` categories."""
    from types import SimpleNamespace

    from portal.commitments import AgecParams

    aw = make_agec_world(db)
    for n in range(contracts):
        contract = aw.contract if n == 0 else factories.make_contract(
            db, aw.buyer, aw.holder.organisation, nature="supplies", insertion=None,
            starts_on=aw.contract.starts_on, ends_on=aw.contract.ends_on,
            agec=AgecParams(categories=["D2024_TEXTILES", "D2024_MOBILIER"]))
        world = SimpleNamespace(buyer=aw.buyer, holder=aw.holder,
                                declarations=factories.declarations(db, contract))
        for quarter in (Q1_2025, Q2_2025):
            file(db, world, quarter, line("D2024_MOBILIER", 1000, 100, 0, 50),
                 line("D2024_TEXTILES", 500, 20, 0, 10))
    for code in list(DECLARATION_LABELS)[:categories]:
        db.add(BuyerAgecTotal(buyer_org_id=aw.buyer.organisation_id, year=2025,
                              category_code=code, total_excl_vat=Decimal(100),
                              reuse_and_donation_excl_vat=Decimal(10),
                              donation_excl_vat=Decimal(0), recycled_excl_vat=Decimal(5),
                              updated_by_id=aw.buyer.id))
    db.commit()
    return aw.buyer


def test_the_totals_page_costs_the_same_statements_at_two_sizes(client, engine, db, login):
    from tests.scale import page_statements

    counts = []
    for contracts, categories in ((1, 1), (6, 12)):
        buyer = _buyer_with(db, contracts, categories)
        client.cookies.clear()
        login(buyer)
        seen = page_statements(client, engine, f"{PAGE}?annee=2025", db)
        counts.append(len(seen))
        text = _text(client.get(f"{PAGE}?annee=2025").text)
        # The holders' lines of every contract are summed: 2 quarters × each contract.
        assert f"{1000 * 2 * contracts:,},00 € HT".replace(",", " ", 1) in text
        assert text.count("Modifié le") == categories
    assert counts[0] == counts[1], counts


# --- The indicator pages say which figure is which -----------------------------------------------

def test_the_agec_indicator_pages_name_the_source_of_each_figure(client, db, login, post):
    aw = make_agec_world(db)
    file(db, aw, Q1_2025, line("D2024_MOBILIER", 3000, 1500, 0, 600))
    login(aw.buyer)
    post(f"{PAGE}?annee=2025", _form(db, 2025, {"D2024_MOBILIER": ("45 000", "9 000", "0", "0")}))
    dashboard = _text(client.get("/indicateurs?annee=2025").text)
    assert ("Parts calculées sur les montants déclarés par les titulaires sur les contrats "
            "(déclarations validées)") in dashboard
    panel = dashboard[dashboard.index("Parts AGEC par catégorie de produits"):]
    assert "Dépense HT déclarée par les titulaires" in panel
    assert "Dépense HT selon la comptabilité de l'acheteur" in panel
    # The furniture row: 3 000 declared by the holder, 45 000 in the buyer's accounts.
    assert ("Mobilier et aménagement d'intérieur 3 000,00 € HT 50,0 % à renseigner 20,0 % à "
            "renseigner Seuil à renseigner 45 000,00 € HT") in panel
    assert ("Dépense totale selon la comptabilité de l'acheteur (déclaration AGEC) : "
            "45 000,00 € HT") in dashboard
    drill = _text(client.get("/indicateurs/agec_shares?annee=2025").text)
    assert ("montants déclarés par les titulaires sur les contrats, et non la comptabilité de "
            "l'acheteur") in drill
    assert "déclarés par les titulaires sur les contrats" in drill.split("Mode de calcul")[1]
