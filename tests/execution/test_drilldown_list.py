"""Indicator drill-downs at scale: 50 rows a page with the total, a search by contract
reference, the same statement count whatever the number of contracts."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from execution.indicators.config import BY_ID
from execution.indicators.drilldown import _DRILLS, drill_down
from portal import clock
from portal.models import Contract, OrgKind, Role
from tests import factories
from tests.execution import indicator_world as w
from tests.execution.test_dashboard import text_of
from tests.execution.test_indicator_statements import populate
from tests.scale import page_statements

DRILLED = sorted(set(_DRILLS) & set(BY_ID))


@pytest.fixture
def buyer(db):
    clock.freeze(datetime(2026, 2, 1, tzinfo=UTC))
    organisation = w.org(db, OrgKind.buyer, postcode="59000")
    return factories.make_user(db, Role.buyer, organisation)


def _references(response) -> list[str]:
    return re.findall(r"IND-\d{5}", text_of(response))


def test_a_drill_down_comes_fifty_rows_a_page_with_its_total(client, db, login, buyer):
    populate(db, buyer.organisation, 30)  # 30 contracts, 2 validated quarters each
    neighbour = w.org(db, OrgKind.buyer, postcode="59000")
    populate(db, neighbour, 1)
    login(buyer)
    url = "/indicateurs/insertion_hours?annee=2025"
    first = client.get(url)
    text = text_of(first)
    assert "Contrats et déclarations comptés (60)" in text and "Page 1 sur 2" in text
    assert first.text.count('<th scope="row">') == 50
    org = buyer.organisation_id
    assert f'href="/indicateurs/insertion_hours?annee=2025&amp;acheteur={org}&amp;page=2"' \
        in first.text
    second = client.get(url + "&page=2")
    assert second.text.count('<th scope="row">') == 10
    assert "Contrats et déclarations comptés (60)" in text_of(second)
    # Both pages together are the whole list, each row once, none of the neighbour's.
    ours = set(db.scalars(select(Contract.reference).where(
        Contract.buyer_org_id == buyer.organisation_id)))
    listed = _references(first) + _references(second)
    assert set(listed) == ours and len(listed) == 60
    assert client.get(url + "&page=999").text.count('<th scope="row">') == 10
    assert _references(client.get(url + "&page=abc")) == _references(first)


def test_search_by_contract_reference(client, db, login, buyer):
    populate(db, buyer.organisation, 30)
    login(buyer)
    reference = db.scalar(select(Contract.reference).where(
        Contract.buyer_org_id == buyer.organisation_id).order_by(Contract.id.desc()))
    found = client.get(f"/indicateurs/insertion_hours?annee=2025&q={reference.lower()}")
    assert set(_references(found)) == {reference}
    assert f"Contrats et déclarations comptés (2 pour « {reference.lower()} »)" in text_of(found)
    assert '<label for="q">Rechercher un contrat' in found.text
    assert '<input type="hidden" name="annee" value="2025">' in found.text
    none = text_of(client.get("/indicateurs/insertion_hours?annee=2025&q=zzz"))
    assert "Aucun contrat dont la référence contient « zzz » n'est compté" in none
    fragment = client.get(f"/indicateurs/insertion_hours?annee=2025&q={reference}",
                          headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="indicateurs">')


def test_the_whole_list_stays_available_for_files(db, buyer):
    populate(db, buyer.organisation, 30)
    drill = drill_down(db, "insertion_hours", year=2025, buyer_org_id=buyer.organisation_id)
    assert len(drill.rows) == 60 and drill.page is None
    paged = drill_down(db, "insertion_hours", year=2025, buyer_org_id=buyer.organisation_id,
                       page=2)
    assert [r.declaration_id for r in paged.rows] == [r.declaration_id for r in drill.rows][50:]


def test_every_drill_down_sends_as_many_statements_for_3_or_30_contracts(client, db, engine,
                                                                         login, buyer):
    populate(db, buyer.organisation, 3)
    login(buyer)
    urls = [f"/indicateurs/{indicator_id}?annee=2025" for indicator_id in DRILLED]
    small = {url: len(page_statements(client, engine, url, db)) for url in urls}
    populate(db, buyer.organisation, 27)
    large = {url: len(page_statements(client, engine, url, db)) for url in urls}
    assert small == large
