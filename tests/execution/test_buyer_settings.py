"""Settings per buyer organisation: two buyers with the same contracts but different thresholds,
divisors and targets get different indicators; the all-buyers view counts each with its own
settings and says so; the TPE/PME and local-firm shares by number and by amount; the settings
page (gestionnaire edits, agent reads, other organisation refused, French errors, stale form)."""

import html
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from execution.indicators.buyer_config import effective_settings
from portal.models import AuditEvent, OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution import indicator_world as w

YEAR = 2025


def text(response) -> str:
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


def same_data(db, buyer, holders) -> None:
    """The same four contracts notified in 2025 and 3 214 validated insertion hours:
    100 000 € (social clause, a PME of the region), 50 000 € (social, a GE of the region),
    20 000 € (social, a TPE of the region), 200 000 € (no clause, a GE of Paris)."""
    pme, ge_local, tpe, ge_far = holders
    made = [w.contract(db, buyer, holder, starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 12, 31),
                       notified_on=date(YEAR, 1, 15), amount=amount, social_clause=social)
            for holder, amount, social in ((pme, "100000", True), (ge_local, "50000", True),
                                           (tpe, "20000", True), (ge_far, "200000", False))]
    d = w.declaration(db, w.insertion(db, made[0], "5000"), date(YEAR, 1, 1),
                      date(YEAR, 12, 31), date(YEAR + 1, 1, 31))
    w.hours(db, d, "RSA", "F", "26_49", "3214")


@pytest.fixture
def world(db):
    holders = (w.org(db, size="PME", postcode="59100"), w.org(db, size="GE", postcode="62000"),
               w.org(db, size="TPE", postcode="59100"), w.org(db, size="GE", postcode="75002"))
    metropole = w.org(db, OrgKind.buyer, postcode="59000", name="Métropole de Lille")
    nord = w.org(db, OrgKind.buyer, postcode="59800", name="Département du Nord")
    for buyer in (metropole, nord):
        same_data(db, buyer, holders)
    people = {}
    for key, buyer, manager in (("metropole", metropole, True), ("nord", nord, True),
                                ("agent", metropole, False)):
        user = factories.make_user(db, Role.buyer, organisation=buyer)
        user.is_manager = manager
        people[key] = user
    people["admin"] = factories.make_user(db, Role.admin)
    db.commit()
    return {"metropole_org": metropole, "nord_org": nord, **people}


def settings_form(client, **values) -> dict:
    """The settings form as the page offers it (its marker included), with ``values`` typed."""
    page = client.get("/acheteur/parametres" + values.pop("query", ""))
    assert page.status_code == 200
    marker = page.text.split('name="marker" value="')[1].split('"')[0]
    return {"marker": html.unescape(marker), "fte_hours": "", "threshold_mode": "instance",
            "consideration_threshold_eur": "", "payment_delay_days": "",
            "holder_amount_threshold_eur": "", **values}


def configure(client, login, post, world) -> None:
    """Each gestionnaire sets its organisation's rules through its settings page: the
    métropole 1 000 h per FTE, 90 000 € and 90 000 € for the shares by amount, a 30 % target;
    the Nord every notified contract (the rest the instance's), a 35 % target."""
    login(world["metropole"])
    assert post("/acheteur/parametres", settings_form(
        client, fte_hours="1 000", threshold_mode="montant", consideration_threshold_eur="90 000",
        holder_amount_threshold_eur="90000")).status_code == 303
    assert post("/acheteur/parametres/objectifs", {
        "indicator_id": "social_consideration_share", "year": str(YEAR), "value": "30"}
    ).status_code == 303
    login(world["nord"])
    assert post("/acheteur/parametres", settings_form(client, threshold_mode="tous")
                ).status_code == 303
    assert post("/acheteur/parametres/objectifs", {
        "indicator_id": "social_consideration_share", "year": str(YEAR), "value": "35"}
    ).status_code == 303


def figures(api, user) -> dict:
    """The API's indicators of 2025, their sentences with plain spaces."""
    answer = api(user).get(f"/api/v1/indicators?year={YEAR}")
    assert answer.status_code == 200, answer.text
    return {i["id"]: {**i, "sentence": i["sentence"].replace("\u202f", " ").replace("\xa0", " ")}
            for i in answer.json()["indicators"]}


def test_two_buyers_with_the_same_data_get_their_own_indicators(client, db, login, post, api,
                                                                world):
    before = figures(api, world["metropole"])
    configure(client, login, post, world)
    metropole, nord = figures(api, world["metropole"]), figures(api, world["nord"])
    # Métropole: from 90 000 € two contracts, one social (50 %); 3 214 h / 1 000 h = 3,2 ETP.
    assert D(metropole["social_consideration_share"]["value"]) == D("50.0")
    assert D(metropole["insertion_fte"]["value"]) == D("3.2")
    assert D(metropole["social_consideration_share"]["target"]) == 30
    assert "90 000 € HT (règle propre à l'organisation)" in \
        metropole["social_consideration_share"]["sentence"]
    # Nord: every notified contract, three social of four (75 %); 3 214 h / 1 607 h = 2,0 ETP.
    assert D(nord["social_consideration_share"]["value"]) == D("75.0")
    assert D(nord["insertion_fte"]["value"]) == D("2.0")
    assert D(nord["social_consideration_share"]["target"]) == 35
    assert "tous les contrats notifiés" in nord["social_consideration_share"]["sentence"]
    assert "valeur par défaut de l'instance" in nord["insertion_fte"]["sentence"]
    # The contracts behind the share: each buyer's own rule.
    for user, counted in ((world["metropole"], 2), (world["nord"], 4)):
        login(user)
        drill = client.get(f"/indicateurs/social_consideration_share?annee={YEAR}")
        assert drill.status_code == 200
        assert text(drill).count("IND-") == counted
    # Before, both had the instance's: from 90 000 €, 1 607 h, no target.
    assert D(before["insertion_fte"]["value"]) == D("2.0")
    assert before["social_consideration_share"]["target"] is None


def test_the_all_buyers_view_counts_each_buyer_with_its_own_settings(client, db, login, post,
                                                                     api, world):
    configure(client, login, post, world)
    every = figures(api, world["admin"])
    # 1 + 3 social of 2 + 4 counted contracts; 3 214 / 1 000 + 3 214 / 1 607 = 5,214 ETP.
    assert D(every["social_consideration_share"]["value"]) == D("66.7")
    assert D(every["insertion_fte"]["value"]) == D("5.2")
    assert "paramètres propres à chaque acheteur" in every["insertion_fte"]["sentence"]
    assert "paramètres propres à chaque acheteur" in \
        every["social_consideration_share"]["sentence"]
    assert every["social_consideration_share"]["target"] is None  # the instance's: none
    # The dashboard names the settings each buyer's figures used.
    login(world["admin"])
    page = text(client.get(f"/indicateurs?annee={YEAR}"))
    assert "Paramètres utilisés pour chaque organisation acheteuse" in page
    assert ("Département du Nord 1 607,00 Tous les contrats notifiés 40 000,00 € HT propre à "
            "l'organisation") in page
    assert ("Métropole de Lille 1 000,00 À partir de 90 000,00 € HT 90 000,00 € HT propre à "
            "l'organisation") in page
    # One buyer chosen: its own settings, said beside its figures.
    page = text(client.get(f"/indicateurs?annee={YEAR}&acheteur={world['nord_org'].id}"))
    assert "utilisent ses paramètres : 1 607,00 heures par ETP (valeur par défaut de " \
           "l'instance) ; tous les contrats notifiés dans les parts de contrats (propre à " \
           "l'organisation)" in page


def test_shares_of_tpe_pme_and_local_firms_by_number_and_by_amount(client, db, login, post,
                                                                    api, world):
    configure(client, login, post, world)
    metropole, nord = figures(api, world["metropole"]), figures(api, world["nord"])
    every = figures(api, world["admin"])
    for found in (metropole, nord):
        # By number: the PME and the TPE of four holders; three of them in the region.
        assert D(found["sme_holders_share"]["value"]) == D("50.0")
        assert D(found["regional_holders_share"]["value"]) == D("75.0")
    # By amount, métropole from 90 000 €: 100 000 (PME, region) of 300 000.
    sme = metropole["sme_holders_share"]
    assert (D(sme["details"]["amount"]), D(sme["details"]["amount_total"]),
            D(sme["details"]["amount_share"])) == (100000, 300000, D("33.3"))
    assert D(metropole["regional_holders_share"]["details"]["amount_share"]) == D("33.3")
    # Nord from the instance's 40 000 €: PME 100 000 of 350 000; region 150 000 of 350 000.
    assert D(nord["sme_holders_share"]["details"]["amount_share"]) == D("28.6")
    assert D(nord["regional_holders_share"]["details"]["amount_share"]) == D("42.9")
    assert ("40 000 € HT (valeur par défaut de l'instance) dont le titulaire est une TPE ou "
            "une PME") in nord["sme_holders_share"]["sentence"]
    # All buyers, each by its own threshold: 200 000 of 650 000, and 250 000 of 650 000.
    assert D(every["sme_holders_share"]["details"]["amount_share"]) == D("30.8")
    assert D(every["regional_holders_share"]["details"]["amount_share"]) == D("38.5")
    # Both measures in the breakdown export, under the indicator's id.
    login(world["metropole"])
    export = client.get(f"/indicateurs/export/ventilations.csv?annee={YEAR}")
    lines = [line.replace("\u202f", " ").replace("\xa0", " ")
             for line in export.content.decode("utf-8-sig").splitlines()
             if line.startswith("sme_holders_share;")]
    assert len(lines) == 2
    assert "En nombre d'attributaires" in lines[0] and "50" in lines[0]
    assert "En montant (marchés d'un montant supérieur ou égal à 90 000" in lines[1]
    assert "33,3" in lines[1] or "33.3" in lines[1]
    # And beside the value on the dashboard.
    page = text(client.get(f"/indicateurs?annee={YEAR}"))
    assert "Part en valeur : 33,3 %" in page
    # The drill-down shows which amounts the share by amount took (métropole: from 90 000 €).
    drill = text(client.get(f"/indicateurs/sme_holders_share?annee={YEAR}"))
    assert "Compté en montant" in drill and "Montant retenu" in drill
    assert "100 000,00 €" in drill and "200 000,00 €" in drill
    assert "50 000,00 €" not in drill and "20 000,00 €" not in drill


def test_the_agent_reads_the_settings_and_cannot_change_them(client, db, login, post, world):
    configure(client, login, post, world)
    login(world["agent"])
    page = client.get("/acheteur/parametres")
    assert page.status_code == 200
    shown = text(page)
    assert "Heures par équivalent temps plein (ETP) 1 000,00 h propre à l'organisation" in shown
    assert "Délai légal de paiement 30 jours valeur par défaut de l'instance" in shown
    assert "Avis du facilitateur" in shown
    assert 'name="marker"' not in page.text and "Seuls les gestionnaires" in shown
    refused = post("/acheteur/parametres", {"fte_hours": "1", "threshold_mode": "instance"})
    assert refused.status_code == 403
    assert post("/acheteur/parametres/objectifs", {
        "indicator_id": "insertion_hours", "year": "2025", "value": "1"}).status_code == 403
    assert effective_settings(db, world["metropole_org"].id).fte_hours == 1000


def test_the_facilitator_opinion_is_set_from_the_same_page(client, db, login, post, world):
    login(world["metropole"])
    page = client.get("/acheteur/parametres")
    assert 'name="requires_facilitator_opinion"' in page.text
    answer = post("/organisation/avis-facilitateur", {"requires_facilitator_opinion": "oui",
                                                      "retour": "parametres"})
    assert answer.status_code == 303 and answer.headers["location"] == "/acheteur/parametres"
    shown = text(client.get("/acheteur/parametres"))
    assert "Avis du facilitateur avant de valider les heures d'insertion Requis" in shown
    login(world["agent"])  # read, not changed, by an agent
    page = client.get("/acheteur/parametres")
    assert 'name="requires_facilitator_opinion"' not in page.text
    assert "Avis du facilitateur avant de valider les heures d'insertion Requis" in text(page)


def test_another_organisation_suppliers_and_facilitators_are_refused(client, db, login, post,
                                                                     world):
    login(world["metropole"])
    other = f"/acheteur/parametres?acheteur={world['nord_org'].id}"
    assert client.get(other).status_code == 403
    assert post(other, {"fte_hours": "1", "threshold_mode": "instance"}).status_code == 403
    login(factories.make_user(db, Role.supplier))
    assert client.get("/acheteur/parametres").status_code == 403
    login(factories.make_user(db, Role.facilitator))
    assert client.get("/acheteur/parametres").status_code == 403
    db.expire_all()
    assert effective_settings(db, world["nord_org"].id).own == frozenset()


def test_the_administrator_edits_any_buyer_and_the_change_is_audited(client, db, login, post,
                                                                      world):
    login(world["admin"])
    query = f"?acheteur={world['nord_org'].id}"
    form = settings_form(client, query=query, payment_delay_days="60")
    assert post(f"/acheteur/parametres{query}", form).status_code == 303
    db.expire_all()
    nord = effective_settings(db, world["nord_org"].id)
    assert (nord.payment_delay_days, nord.source("payment_delay_days")) == (
        60, "propre à l'organisation")
    event = db.scalar(select(AuditEvent).where(AuditEvent.entity == "buyer_indicator_settings"))
    assert event.entity_id == world["nord_org"].id and "délai de paiement 30 j" in event.comment
    assert "délai de paiement 60 j" in event.comment
    # Without a chosen organisation, the administrator is asked to choose one.
    chooser = text(client.get("/acheteur/parametres"))
    assert "Choisissez l'organisation acheteuse" in chooser and "Département du Nord" in chooser


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"fte_hours": "zéro"}, "zéro", "Saisissez un nombre (par exemple 12,5)."),
    ({"payment_delay_days": "trente"}, None, "Saisissez un nombre entier."),
    # The legal maximum is one of the code's three delays, chosen from a list.
    ({"payment_delay_days": "0"}, None, "Choisissez un délai légal : 30, 50 ou 60 jours."),
    ({"payment_delay_days": "45"}, None, "Choisissez un délai légal : 30, 50 ou 60 jours."),
    ({"threshold_mode": "montant"}, None,
     "Saisissez le montant du seuil, ou choisissez « valeur par défaut de l'instance » ou "
     "« aucun seuil »."),
])
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(client, db, login, post, world,
                                                                  values, field, message):
    login(world["metropole"])
    response = post("/acheteur/parametres", settings_form(client, **values))
    assert response.status_code == 422
    shown = text(response)
    assert message in shown and "Les paramètres n'ont pas été enregistrés" in shown
    if field is not None:
        assert f'value="{field}"' in response.text
    db.expire_all()
    assert effective_settings(db, world["metropole_org"].id).own == frozenset()


def test_a_stale_form_does_not_overwrite_the_other_gestionnaire(client, db, login, post, world):
    login(world["metropole"])
    stale = settings_form(client, fte_hours="1500")
    assert post("/acheteur/parametres", settings_form(client, fte_hours="1600")
                ).status_code == 303
    second = post("/acheteur/parametres", stale)
    assert second.status_code == 409
    assert "modifiés entre-temps" in text(second)
    assert 'value="1\u202f500,00"' in second.text  # what was typed is still there
    db.expire_all()
    assert effective_settings(db, world["metropole_org"].id).fte_hours == 1600


def test_an_instance_without_threshold_applies_to_buyers_without_their_own(client, db, login,
                                                                          post, api, world):
    login(world["admin"])
    page = client.get("/admin/indicateurs")
    marker = html.unescape(page.text.split('name="marker" value="')[1].split('"')[0])
    assert post("/admin/indicateurs", {
        "marker": marker, "fte_hours": "1607", "consideration_threshold_eur": "90000",
        "threshold_mode": "tous", "payment_delay_days": "50",
        "holder_amount_threshold_eur": "40000"}).status_code == 303
    found = figures(api, world["metropole"])
    assert D(found["social_consideration_share"]["value"]) == D("75.0")
    assert "aucun seuil" in found["social_consideration_share"]["sentence"]
    settings = effective_settings(db, world["metropole_org"].id)
    assert (settings.threshold, settings.payment_delay_days) == (None, 50)
    assert settings.source("threshold") == "valeur par défaut de l'instance"


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999", "1e3", "-1", "abc"])
def test_an_odd_organisation_in_the_address_is_a_404_not_a_500(client, login, world, value):
    for user in (world["metropole"], world["admin"]):
        login(user)
        for path in ("/indicateurs", "/indicateurs/completude", "/acheteur/parametres",
                     "/indicateurs/export/indicateurs.csv", "/indicateurs/insertion_hours"):
            response = client.get(path, params={"acheteur": value})
            assert response.status_code == 404, (user.email, path, value, response.status_code)
            if "export" not in path:
                assert "Organisation inconnue." in text(response)


def test_the_legal_delay_is_chosen_among_the_codes_three(client, db, login, world):
    login(world["metropole"])
    page = html.unescape(client.get("/acheteur/parametres").text)
    assert '<select id="payment_delay_days" name="payment_delay_days"' in page
    for label in ("Valeur de l'instance (30 jours)",
                  "30 jours — État, collectivités territoriales et leurs établissements publics",
                  "50 jours — établissements publics de santé",
                  "60 jours — entreprises publiques"):
        assert label in page
