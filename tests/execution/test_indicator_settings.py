"""The administrator's settings of the indicators: divisor, threshold, targets per year."""

import html
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from execution.indicators.config import IndicatorTarget, current_settings
from execution.indicators.service import compute_indicators
from portal.models import AuditEvent, OrgKind, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution import indicator_world as w


def text(response) -> str:
    return html.unescape(visible_text(response.text)).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def admin(db):
    return factories.make_user(db, Role.admin)


@pytest.fixture
def metropole(db):
    """340 723 validated insertion hours in 2021."""
    buyer = w.org(db, OrgKind.buyer, postcode="59000")
    c = w.contract(db, buyer, w.org(db), starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31))
    d = w.declaration(db, w.insertion(db, c, "340723"), date(2021, 1, 1), date(2021, 12, 31),
                      date(2022, 1, 31))
    w.hours(db, d, "RSA", "F", "26_49", "340723")
    db.commit()
    return buyer


def fte(db, buyer) -> Decimal:
    db.expire_all()
    return next(i for i in compute_indicators(db, year=2021, buyer_org_id=buyer.id)
                if i.id == "insertion_fte").value


def test_only_administrators_reach_the_page(client, db, login):
    assert client.get("/admin/indicateurs").status_code == 303  # to the login page
    login(factories.make_user(db, Role.buyer))
    refused = client.get("/admin/indicateurs")
    assert refused.status_code == 403
    assert "réservée aux administrateurs" in text(refused)


def test_the_page_shows_the_defaults_and_is_linked_from_the_administration(client, db, login,
                                                                            admin):
    login(admin)
    assert "/admin/indicateurs" in client.get("/admin").text
    page = client.get("/admin/indicateurs")
    assert page.status_code == 200
    assert 'name="fte_hours" type="text" value="1\u202f607,00"' in page.text
    assert 'name="consideration_threshold_eur" type="text" value="90\u202f000,00"' in page.text
    assert "Aucun objectif n'est encore fixé." in text(page)


def test_changing_the_fte_hours_changes_insertion_fte(client, db, login, post, admin, metropole):
    assert fte(db, metropole) == Decimal("212.0")  # 340 723 / 1 607 = 212,02
    login(admin)
    page = client.get("/admin/indicateurs")
    marker = current_settings(db).marker
    assert f'value="{marker}"' in page.text
    response = post("/admin/indicateurs", {"marker": marker, "fte_hours": "1 600",
                                           "consideration_threshold_eur": "40 000"})
    assert response.status_code == 303
    assert "Paramètres des indicateurs enregistrés." in text(client.get("/admin/indicateurs"))
    # 340 723 / 1 600 = 212,95 → 213,0.
    assert fte(db, metropole) == Decimal("213.0")
    settings = current_settings(db)
    assert (settings.fte_hours, settings.consideration_threshold_eur) == (1600, 40000)
    event = db.scalar(select(AuditEvent).where(AuditEvent.entity == "indicator_settings"))
    assert event.actor_id == admin.id and "1607.00 h/ETP" in event.comment


# `shown`: what was typed, shown again in the French format (never rounded).
@pytest.mark.parametrize(("values", "shown", "message"), [
    ({"fte_hours": "0"}, "0,00", "La valeur doit être supérieure à 0."),
    ({"fte_hours": "mille"}, "mille", "Saisissez un nombre (par exemple 12,5)."),
    ({"fte_hours": "9000"}, "9\u202f000,00", "La valeur doit être inférieure ou égale à 8784."),
    ({"fte_hours": ""}, "", "Saisissez un nombre (par exemple 12,5)."),
    ({"consideration_threshold_eur": "-1"}, "-1,00", "La valeur ne peut pas être négative."),
    ({"consideration_threshold_eur": "90 000,001"}, "90\u202f000,001",
     "Au plus 2 chiffres après la virgule."),
    ({"payment_delay_days": "trente"}, None, "Saisissez un nombre entier."),
    # A list of the code's three legal delays: what is not one of them is refused.
    ({"payment_delay_days": "45"}, None, "Choisissez un délai légal : 30, 50 ou 60 jours."),
    ({"payment_delay_days": "400"}, None, "Choisissez un délai légal : 30, 50 ou 60 jours."),
    ({"holder_amount_threshold_eur": "-5"}, "-5,00", "La valeur ne peut pas être négative."),
])
def test_bad_settings_are_refused_in_french(client, db, login, post, admin, values, shown,
                                            message):
    login(admin)
    form = {"marker": current_settings(db).marker, "fte_hours": "1607",
            "consideration_threshold_eur": "90000", **values}
    response = post("/admin/indicateurs", form)
    assert response.status_code == 422
    assert message in text(response)
    assert "Les paramètres n'ont pas été enregistrés" in text(response)
    field = next(iter(values))
    assert f'aria-describedby="{field}-error"' in response.text
    if shown is not None:  # a select shows its options, not what was sent
        assert f'value="{html.escape(shown)}"' in response.text
    db.expire_all()
    assert current_settings(db).fte_hours == 1607


def test_the_form_fragment_alone_for_htmx(client, db, login, post, admin):
    login(admin)
    response = post("/admin/indicateurs", {"marker": current_settings(db).marker,
                                           "fte_hours": "0",
                                           "consideration_threshold_eur": "90000"},
                    headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="settings_form">')


def test_two_administrators_at_once_the_second_gets_a_conflict(client, db, login, post, admin):
    login(admin)
    read = current_settings(db).marker
    assert post("/admin/indicateurs", {"marker": read, "fte_hours": "1600",
                                       "consideration_threshold_eur": "90000"}
                ).status_code == 303
    second = post("/admin/indicateurs", {"marker": read, "fte_hours": "1500",
                                         "consideration_threshold_eur": "90000"})
    assert second.status_code == 409
    assert "modifiés entre-temps" in text(second)
    db.expire_all()
    assert current_settings(db).fte_hours == 1600


def test_a_form_without_the_csrf_token_is_refused(client, db, login, admin):
    login(admin)
    response = client.post("/admin/indicateurs", data={"fte_hours": "1"})
    assert response.status_code == 403
    db.expire_all()
    assert current_settings(db).fte_hours == 1607


def test_targets_are_set_shown_used_and_removed(client, db, login, post, admin, metropole):
    login(admin)
    response = post("/admin/indicateurs/objectifs", {
        "indicator_id": "insertion_hours", "year": "2021", "value": "400 000"})
    assert response.status_code == 303
    page = text(client.get("/admin/indicateurs"))
    assert "Objectif enregistré : Heures d'insertion réalisées, 2021." in page
    assert "2021 Heures d'insertion réalisées 400 000,00 h" in page
    hours = next(i for i in compute_indicators(db, year=2021, buyer_org_id=metropole.id)
                 if i.id == "insertion_hours")
    assert hours.target == Decimal(400000)
    # The same indicator and year again: the target is replaced, not duplicated.
    post("/admin/indicateurs/objectifs", {"indicator_id": "insertion_hours", "year": "2021",
                                          "value": "350000"})
    assert db.scalars(select(IndicatorTarget.value)).all() == [350000]
    removed = post("/admin/indicateurs/objectifs", {"indicator_id": "insertion_hours",
                                                    "year": "2021", "value": ""})
    assert removed.status_code == 303
    assert "Objectif retiré : Heures d'insertion réalisées, 2021." in text(
        client.get("/admin/indicateurs"))
    assert db.scalars(select(IndicatorTarget)).all() == []
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "indicator_target").order_by(AuditEvent.id)).all()
    assert actions == ["update", "update", "delete"]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"value": "150"}, "value", "Un objectif en pourcentage ou en score ne peut pas dépasser 100."),
    ({"value": "trente"}, "value", "Saisissez un nombre (par exemple 12,5)."),
    ({"indicator_id": "nope"}, "indicator_id", "Choisissez un indicateur de la liste."),
    ({"year": "20x5"}, "year", "Saisissez un nombre entier."),
    ({"year": "1999"}, "year", "L'année doit être comprise entre 2000 et 2100."),
])
def test_bad_targets_are_refused_in_french(client, db, login, post, admin, values, field,
                                           message):
    login(admin)
    form = {"indicator_id": "social_consideration_share", "year": "2025", "value": "30",
            **values}
    response = post("/admin/indicateurs/objectifs", form)
    assert response.status_code == 422
    assert message in text(response)
    assert f'aria-describedby="{field}-error"' in response.text
    assert db.scalars(select(IndicatorTarget)).all() == []


def test_the_legal_delay_is_a_list_of_the_codes_three(client, db, login, admin):
    login(admin)
    page = client.get("/admin/indicateurs").text
    assert '<option value="30" selected>30 jours — État' in page
    assert "50 jours — établissements publics de santé" in page
    assert "60 jours — entreprises publiques" in page
