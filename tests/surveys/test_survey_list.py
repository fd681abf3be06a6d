"""The survey page and the home pages' box at scale: tabs of ~50 rows with their totals,
search by contract or organisation, never another organisation's surveys."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.models import OrgKind, Role
from portal.web import templates
from surveys import lists
from surveys.models import Invitation, InvitationStatus
from tests import factories
from tests.scale import counting, page_statements
from tests.surveys.conftest import at, launch_surveys, page_text


@pytest.fixture
def parties(db):
    buyer = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Ville de Saint-Aubin"))
    holder = factories.make_user(db, Role.supplier, factories.make_org(
        db, name="Paysages Durables"))
    return SimpleNamespace(buyer=buyer, holder=holder)


def _submit_all(db, organisation_id: int) -> None:
    """The organisation's surveys marked submitted (the answering itself is tested elsewhere)."""
    for invitation in db.scalars(select(Invitation).where(
            Invitation.respondent_org_id == organisation_id)).unique():
        invitation.status, invitation.submitted_at = InvitationStatus.submitted, at(
            date(2026, 1, 5))
    db.commit()


def _references(response) -> list[str]:
    return [w for w in page_text(response).split() if w.startswith("ENQ-")]


def test_surveys_to_answer_come_fifty_a_page(client, db, login, parties):
    launch_surveys(db, parties, 1, 60)
    login(parties.holder)
    first = client.get("/enquetes")
    text = page_text(first)
    assert "À remplir (60)" in text and "Page 1 sur 2" in text
    assert _references(first) == [f"ENQ-{n:03d}" for n in range(1, 51)]
    assert 'href="/enquetes?vue=a-remplir&amp;page=2"' in first.text
    second = client.get("/enquetes?vue=a-remplir&page=2")
    assert _references(second) == [f"ENQ-{n:03d}" for n in range(51, 61)]
    assert _references(client.get("/enquetes?page=999")) == _references(second)
    assert _references(client.get("/enquetes?page=abc")) == _references(first)


def test_search_by_contract_or_organisation_and_only_my_organisation(client, db, login,
                                                                      parties):
    launch_surveys(db, parties, 1, 60)
    stranger = SimpleNamespace(buyer=factories.make_user(db, Role.buyer),
                               holder=factories.make_user(db, Role.supplier))
    launch_surveys(db, stranger, 61, 62)
    login(parties.holder)
    assert _references(client.get("/enquetes?q=enq-042")) == ["ENQ-042"]
    assert _references(client.get("/enquetes?q=parc+n°+7")) == ["ENQ-007"]
    found = client.get("/enquetes?q=saint-aubin")
    assert "À remplir (60 pour « saint-aubin »)" in page_text(found)
    assert "Aucun résultat pour « ENQ-061 »." in page_text(client.get("/enquetes?q=ENQ-061"))
    assert not {"ENQ-061", "ENQ-062"} & set(_references(client.get("/enquetes?page=2")))
    form = client.get("/enquetes").text
    assert '<label for="q">' in form and '<input type="hidden" name="vue" value="a-remplir">' \
        in form


def test_submitted_received_and_rated_suppliers_tabs(client, db, login, parties):
    launch_surveys(db, parties, 1, 3)
    _submit_all(db, parties.holder.organisation_id)
    login(parties.holder)
    tabs = page_text(client.get("/enquetes"))
    assert "À remplir (0)" in tabs and "Réponses déposées (3)" in tabs
    assert "Évaluations de votre organisation (3)" in tabs
    assert "Résultats par entreprise" not in tabs  # buyers only
    answered = page_text(client.get("/enquetes?vue=deposees"))
    assert "ENQ-002 — évaluation de Ville de Saint-Aubin , déposée le 05/01/2026" in answered
    received = page_text(client.get("/enquetes?vue=recues"))
    assert received.count("Pas encore déposée") == 3
    # A supplier asking for the buyers' tab gets its own surveys.
    assert "Aucune enquête à remplir." in page_text(client.get("/enquetes?vue=entreprises"))

    client.cookies.clear()
    login(parties.buyer)
    received = page_text(client.get("/enquetes?vue=recues"))
    # The holder answered, the buyer has not: double-blind keeps the answers closed.
    assert received.count("Déposée ; lisible quand vous aurez répondu") == 3
    rated = page_text(client.get("/enquetes?vue=entreprises"))
    assert "Paysages Durables (3 enquêtes)" in rated
    assert "Aucun résultat" in page_text(client.get("/enquetes?vue=entreprises&q=zzz"))


def test_htmx_search_swaps_only_the_list(client, db, login, parties):
    launch_surveys(db, parties, 1, 2)
    login(parties.holder)
    fragment = client.get("/enquetes?vue=a-remplir&q=ENQ-001", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="survey_list"')
    assert "ENQ-001" in fragment.text and "ENQ-002" not in fragment.text


@pytest.mark.parametrize(("who", "view"), [
    ("holder", "a-remplir"), ("holder", "deposees"), ("holder", "recues"),
    ("buyer", "entreprises"), ("buyer", "recues")])
def test_each_tab_sends_as_many_statements_for_3_or_60_surveys(client, db, engine, login,
                                                               parties, who, view):
    other_holders = [factories.make_org(db) for _ in range(2)]
    launch_surveys(db, parties, 1, 3)
    if view == "deposees":
        _submit_all(db, parties.holder.organisation_id)
    login(getattr(parties, who))
    url = f"/enquetes?vue={view}"
    small = page_statements(client, engine, url, db)
    launch_surveys(db, parties, 4, 60)
    # Many suppliers too, for the buyers' tab of rated suppliers.
    for n, organisation in enumerate(other_holders, start=61):
        launch_surveys(db, parties, n, n, holder_org=organisation)
    if view == "deposees":
        _submit_all(db, parties.holder.organisation_id)
    large = page_statements(client, engine, url, db)
    assert len(small) == len(large), (len(small), len(large))


def test_the_home_box_shows_the_count_and_the_first_five(client, db, engine, login, parties):
    launch_surveys(db, parties, 1, 7)
    login(parties.holder)
    home = page_text(client.get("/fournisseur"))
    assert "Enquêtes de satisfaction à remplir (7)" in home
    assert "Contrat ENQ-005 — évaluer Ville de Saint-Aubin" in home
    assert "Contrat ENQ-006" not in home
    assert "Voir les 7 enquêtes à remplir" in home
    client.cookies.clear()
    login(parties.buyer)
    home = client.get("/acheteur")
    assert "Enquêtes de satisfaction à remplir (7)" in page_text(home)
    assert 'href="/enquetes?vue=a-remplir"' in home.text


def test_the_home_box_sends_as_many_statements_for_3_or_60_surveys(db, engine, parties):
    box = templates.env.get_template("surveys/_pending.html")

    def statements() -> int:
        db.expire_all()
        with counting(engine) as seen:
            html = box.render(pending_surveys=lists.pending_for(db, parties.holder))
        assert "Enquêtes de satisfaction à remplir" in html
        return len(seen)

    launch_surveys(db, parties, 1, 3)
    small = statements()
    launch_surveys(db, parties, 4, 60)
    assert statements() == small
    assert lists.pending_for(db, parties.holder).total == 60
    assert len(lists.pending_for(db, parties.holder).items) == 5
