"""The supplier's home: contracts across buyers, what is due or overdue, what was returned."""

from datetime import UTC, datetime

from execution.review import service as review
from portal import clock
from portal.models import Role
from tests import factories
from tests.conftest import visible_text


def test_supplier_home_lists_deadlines_returns_and_contracts_of_every_buyer(client, db, login,
                                                                          world):
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    other_buyer = factories.make_user(db, Role.buyer)
    factories.make_contract(db, other_buyer, world.holder.organisation, reference="AUTRE-1")
    first, second = world.declarations[:2]
    factories.submit(db, first, world.holder)
    review.return_to_holder(db, first.id, reviewer=world.buyer, version=first.version,
                            comment="Heures de juin manquantes")
    db.commit()

    login(world.holder)
    page = visible_text(client.get("/fournisseur").text).replace("&#39;", "'")
    assert "AUTRE-1" in page and world.contract.reference in page
    assert "« Heures de juin manquantes »" in page
    # Q2 2025 was due on 15/07/2025: overdue on 20/07.
    assert "2e trimestre 2025 15/07/2025 — À déclarer En retard" in page
    # Q3 2025 is due on 15/10/2025, more than 30 days ahead: not listed yet.
    assert "3e trimestre 2025" not in page
    assert second.due_on.isoformat() == "2025-07-15"


def test_buyer_home_lists_declarations_to_review_and_contracts_behind(client, db, login, world):
    clock.freeze(datetime(2025, 10, 1, 8, tzinfo=UTC))
    on_track = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       reference="A-JOUR")
    declaration = factories.declarations(db, on_track)[0]
    factories.submit(db, declaration, world.holder, factories.line(hours=900))
    review.validate(db, declaration.id, reviewer=world.buyer, version=declaration.version)
    factories.submit(db, world.declarations[1], world.holder)
    db.commit()

    login(world.buyer)
    page = visible_text(client.get("/acheteur").text)
    assert "Déclarations à examiner (1)" in page and "2e trimestre 2025" in page
    assert "Contrats en retard sur leur engagement d'insertion (1)" in page.replace("&#39;", "'")
    assert world.contract.reference in page.split("Contrats en retard")[1]
    assert "A-JOUR" not in page.split("Contrats en retard")[1]
