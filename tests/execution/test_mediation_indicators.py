"""The mediation indicators on crafted data, with a fixed clock: counts, mean and median days
to the first answer and to the closing, by buyer organisation and period."""

from decimal import Decimal

from execution.mediation import service
from execution.mediation.indicators import mediation_figures
from portal import clock
from portal.reporting_period import parse_period
from tests.conftest import visible_text
from tests.execution import mediation_world
from tests.execution.mediation_world import at


def _answer(db, w, request, when):
    clock.freeze(when)
    service.reply(db, request.id, user=w.mediator, body="Réponse")


def _close(db, w, request, when, outcome="accord"):
    clock.freeze(when)
    service.close(db, request.id, user=w.mediator, outcome=outcome)


def test_days_to_first_answer_and_to_closing(db):
    w = mediation_world.build(db)
    first = mediation_world.open_request(db, w, when=at("2026-01-05"))
    second = mediation_world.open_request(db, w, when=at("2026-02-02"))
    third = mediation_world.open_request(db, w, when=at("2026-03-02"))
    mediation_world.open_request(db, w, when=at("2026-04-01"))  # never answered
    _answer(db, w, first, at("2026-01-06"))           # 1 day
    _answer(db, w, second, at("2026-02-04"))          # 2 days
    _answer(db, w, third, at("2026-03-08"))           # 6 days
    _answer(db, w, third, at("2026-03-09"))           # a second answer changes nothing
    _close(db, w, first, at("2026-01-09"))            # 4 days
    _close(db, w, second, at("2026-02-12", 21))       # 10.5 days
    # Answered and closed in July: the second semester's.
    late = mediation_world.open_request(db, w, when=at("2026-06-29"))
    _close(db, w, late, at("2026-07-02"), outcome="hors_champ")  # 3 days, closing answers
    # Another buyer's request never counts here.
    other = mediation_world.build(db)
    mediation_world.open_request(db, other, when=at("2026-01-05"))

    s1 = mediation_figures(db, w.buyer_org.id, parse_period("2026-S1"))
    assert (s1.opened, s1.closed) == (5, 2)
    assert (s1.first_answer.count, s1.first_answer.mean_days,
            s1.first_answer.median_days) == (3, Decimal("3.0"), Decimal("2.0"))
    assert (s1.closing.count, s1.closing.mean_days,
            s1.closing.median_days) == (2, Decimal("7.3"), Decimal("7.3"))  # 7.25, half up

    s2 = mediation_figures(db, w.buyer_org.id, parse_period("2026-S2"))
    assert (s2.opened, s2.closed) == (0, 1)
    assert (s2.first_answer.mean_days, s2.closing.median_days) == (Decimal("3.0"),
                                                                    Decimal("3.0"))
    year = mediation_figures(db, w.buyer_org.id, parse_period("2026"))
    assert (year.opened, year.closed, year.closing.count) == (5, 3, 3)
    assert year.closing.median_days == Decimal("4.0")

    empty = mediation_figures(db, w.buyer_org.id, parse_period("2025"))
    assert (empty.opened, empty.first_answer.count, empty.first_answer.mean_days,
            empty.closing.median_days) == (0, 0, None, None)


def test_a_period_counts_in_paris_time(db):
    """Opened on 31 December 2025 at 23:30 UTC: 1 January 2026 in Paris."""
    w = mediation_world.build(db)
    mediation_world.open_request(db, w, when=at("2025-12-31", 23).replace(minute=30))
    assert mediation_figures(db, w.buyer_org.id, parse_period("2026")).opened == 1
    assert mediation_figures(db, w.buyer_org.id, parse_period("2025")).opened == 0


def test_the_list_page_shows_them_and_refuses_an_odd_period(client, db, login):
    w = mediation_world.build(db)
    request = mediation_world.open_request(db, w, when=at("2026-01-05"))
    _answer(db, w, request, at("2026-01-07", 21))
    db.commit()
    clock.freeze(at("2026-02-01"))
    login(w.mediator)
    page = client.get("/acheteur/mediation").text  # the current year by default
    assert "Indicateurs — 2026" in page and "2,5 jours" in page
    odd = client.get("/acheteur/mediation?periode=2026-X9")
    assert odd.status_code == 200 and "n&#39;est pas une période" in odd.text


def test_the_indicators_page_by_buyer_organisation(client, db, login):
    """Any agent reads its organisation's aggregates (not the requests); the administrator
    every buyer organisation's, by organisation; a supplier nothing."""
    w = mediation_world.build(db)
    first = mediation_world.open_request(db, w, when=at("2026-01-05"))
    _answer(db, w, first, at("2026-01-06"))
    other = mediation_world.build(db)
    second = mediation_world.open_request(db, other, when=at("2026-02-02"))
    clock.freeze(at("2026-02-05"))
    service.reply(db, second.id, user=other.mediator, body="Réponse")
    db.commit()
    clock.freeze(at("2026-03-01"))
    login(w.agent)
    page = visible_text(client.get("/acheteur/mediation/indicateurs?periode=2026-T1").text)
    assert "Ville de Naboo 1 0 1,0 j (1,0 j) sur 1 demande" in page
    assert "Retard de paiement" not in page and "3,0 j" not in page
    login(w.admin)
    page = visible_text(client.get("/acheteur/mediation/indicateurs?periode=2026").text)
    assert "1,0 j (1,0 j)" in page and "3,0 j (3,0 j)" in page
    assert "Aucune demande" in client.get("/acheteur/mediation/indicateurs?periode=2025").text
    login(w.holder)
    assert client.get("/acheteur/mediation/indicateurs").status_code == 403
