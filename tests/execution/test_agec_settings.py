"""Administrators fill the AGEC minimums the portal does not ship; compliance then uses them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import clock
from portal.agec import AgecThreshold
from portal.models import AuditEvent, Role
from tests import factories
from tests.agec_world import Q1_2025, file, line, make_agec_world
from tests.conftest import visible_text


@pytest.fixture
def admin(db):
    return factories.make_user(db, Role.admin)


def _threshold(db, code: str, year: int) -> AgecThreshold:
    return db.scalar(select(AgecThreshold).where(AgecThreshold.category_code == code,
                                                 AgecThreshold.from_year == year))


def _text(html: str) -> str:
    return visible_text(html).replace("&#39;", "'").replace("\xa0", " ").replace("\u202f", " ")


def test_the_page_lists_both_decrees_and_the_empty_thresholds(client, db, login, admin):
    login(admin)
    assert "/admin/seuils-agec" in client.get("/admin").text
    page = _text(client.get("/admin/seuils-agec").text)
    assert "Décret n° 2024-134" in page and "Décret n° 2021-254" in page
    assert "Ligne 4 : machines" in page and "Jeux et jouets" in page
    assert "seuil à renseigner" in page
    # Only the confirmed values ship: 5 lines of 2021 and the 3 textile steps of 2024.
    empty = db.scalars(select(AgecThreshold)).all()
    assert len(empty) == 16 + 17 * 3
    assert sum(1 for t in empty if t.is_complete) == 5 + 3
    assert "59 seuils à renseigner" in page


def test_admin_fills_a_threshold_and_compliance_uses_it(client, db, login, post, admin):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    aw = make_agec_world(db)
    # Furniture 2025: 3 000 €, reuse 1 500 (50,0 %), recycled 600 (20,0 %).
    file(db, aw, Q1_2025, line("D2024_MOBILIER", 3000, 1500, 0, 600))
    login(aw.buyer)
    row = _text(client.get(f"/acheteur/contrats/{aw.contract.id}").text)
    assert "50,0 % seuil à renseigner" in row

    client.cookies.clear()
    login(admin)
    threshold = _threshold(db, "D2024_MOBILIER", 2024)
    form_page = client.get(f"/admin/seuils-agec/{threshold.id}")
    assert form_page.status_code == 200 and "palier 2024" in _text(form_page.text)
    marker = threshold.marker
    response = post(f"/admin/seuils-agec/{threshold.id}", {
        "marker": marker, "reuse_min": "40", "recycled_min": "12,5",
        "source": "Décret n° 2024-134, annexe (Légifrance)"})
    assert response.status_code == 303
    listing = client.get("/admin/seuils-agec")
    assert "Seuil enregistré : Mobilier et aménagement d'intérieur, 2024." in _text(listing.text)
    db.expire_all()
    assert (threshold.reuse_min, threshold.recycled_min) == (40, 12.5)
    assert threshold.updated_by_id == admin.id
    event = db.scalar(select(AuditEvent).where(AuditEvent.entity == "agec_threshold",
                                               AuditEvent.entity_id == threshold.id))
    assert event.actor_id == admin.id and "D2024_MOBILIER 2024" in event.comment

    # 50,0 % ≥ 40 % and 20,0 % ≥ 12,5 %: the category is now met.
    client.cookies.clear()
    login(aw.buyer)
    page = _text(client.get(f"/acheteur/contrats/{aw.contract.id}").text)
    assert "50,0 % 40,0 % Atteint" in page and "20,0 % 12,5 % Atteint" in page
    assert "Seuil à renseigner" not in page  # the status badge; the legend still explains it


@pytest.mark.parametrize(("values", "message"), [
    ({"reuse_min": "120", "source": "x"}, "La valeur doit être inférieure ou égale à 100."),
    ({"reuse_min": "-1", "source": "x"}, "La valeur ne peut pas être négative."),
    ({"reuse_min": "douze", "source": "x"}, "Saisissez un nombre"),
    ({"reuse_min": "12,555", "source": "x"}, "Au plus 2 chiffres après la virgule."),
    ({"reuse_min": "12"}, "Indiquez la source de ce seuil"),
])
def test_bad_input_is_refused_in_french(client, db, login, post, admin, values, message):
    login(admin)
    threshold = _threshold(db, "D2024_JEUX_JOUETS", 2027)
    response = post(f"/admin/seuils-agec/{threshold.id}", {"marker": threshold.marker, **values})
    assert response.status_code == 422
    assert message in _text(response.text)
    assert f'value="{values["reuse_min"]}"' in response.text
    db.expire_all()
    assert threshold.reuse_min is None and threshold.updated_by_id is None


def test_an_htmx_form_with_errors_comes_back_as_its_fragment(client, db, login, post, admin):
    """The form posts through htmx: its errors come back in the swapped block, not a 500."""
    login(admin)
    threshold = _threshold(db, "D2024_JEUX_JOUETS", 2027)
    htmx = {"HX-Request": "true"}
    page = client.get(f"/admin/seuils-agec/{threshold.id}", headers=htmx)
    assert page.status_code == 200 and 'id="threshold_form"' in page.text
    response = post(f"/admin/seuils-agec/{threshold.id}",
                    {"marker": threshold.marker, "reuse_min": "120", "source": "x"}, headers=htmx)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="threshold_form">')
    assert "La valeur doit être inférieure ou égale à 100." in _text(response.text)


def test_of_which_reuse_cannot_exceed_the_global_share(client, db, login, post, admin):
    login(admin)
    threshold = _threshold(db, "D2021_JEUX_JOUETS", 2021)
    response = post(f"/admin/seuils-agec/{threshold.id}", {
        "marker": threshold.marker, "global_min": "20", "reuse_min": "25", "source": "x"})
    assert response.status_code == 422
    assert "ne peut pas la dépasser" in _text(response.text)


def test_two_admins_at_once_the_second_gets_a_conflict(client, db, login, post, admin):
    login(admin)
    threshold = _threshold(db, "D2024_PAPIER", 2024)
    read = threshold.marker
    first = post(f"/admin/seuils-agec/{threshold.id}", {
        "marker": read, "reuse_min": "0", "recycled_min": "40", "source": "Légifrance"})
    assert first.status_code == 303
    second = post(f"/admin/seuils-agec/{threshold.id}", {
        "marker": read, "reuse_min": "5", "recycled_min": "30", "source": "Légifrance"})
    assert second.status_code == 409
    assert "modifié entre-temps" in _text(second.text)
    db.expire_all()
    assert (threshold.reuse_min, threshold.recycled_min) == (0, 40)


@pytest.mark.parametrize("role", [Role.buyer, Role.supplier])
def test_non_admins_get_403(client, db, login, post, role):
    login(factories.make_user(db, role))
    threshold = _threshold(db, "D2024_PAPIER", 2024)
    assert client.get("/admin/seuils-agec").status_code == 403
    assert client.get(f"/admin/seuils-agec/{threshold.id}").status_code == 403
    response = post(f"/admin/seuils-agec/{threshold.id}", {
        "marker": threshold.marker, "reuse_min": "1", "recycled_min": "1", "source": "x"})
    assert response.status_code == 403
    db.expire_all()
    assert threshold.reuse_min is None


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/admin/seuils-agec")
    assert response.status_code == 303 and response.headers["location"].startswith("/connexion")
