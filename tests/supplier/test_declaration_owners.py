"""Each declaration carries its contract's buyer organisation and holder (the queues are read
from them): they follow the contract when its holder changes, and decide who sees what."""

from datetime import UTC, datetime

from sqlalchemy import select

from execution import setup
from portal import clock
from portal.models import Role
from supplier.models import Declaration, Status
from tests import factories
from tests.conftest import visible_text


def owners(db, contract) -> set[tuple[int, int | None]]:
    db.expire_all()
    return set(tuple(row) for row in db.execute(
        select(Declaration.buyer_org_id, Declaration.holder_org_id)
        .where(Declaration.commitment_id.in_([c.id for c in contract.commitments]))).all())


def test_new_declarations_carry_the_buyer_and_the_holder(db, world):
    assert owners(db, world.contract) == {(world.buyer.organisation_id,
                                           world.holder.organisation_id)}


def test_a_new_holder_takes_over_every_declaration_filed_ones_too(
        db, client, login, world):
    clock.freeze(datetime(2025, 7, 20, 8, tzinfo=UTC))
    first = world.declarations[0]
    factories.submit(db, first, world.holder)
    newcomer = factories.make_user(db, Role.supplier)
    contract = world.contract
    setup.update_contract(db, contract.id,
                          factories.contract_data(newcomer.organisation,
                                                  reference=contract.reference),
                          buyer=world.buyer, version=contract.version)
    db.commit()
    assert owners(db, contract) == {(world.buyer.organisation_id,
                                     newcomer.organisation_id)}
    assert db.get(Declaration, first.id).status == Status.submitted

    login(newcomer)
    assert client.get(f"/fournisseur/declarations/{first.id}").status_code == 200
    assert contract.reference in client.get("/fournisseur/declarations?state=all").text
    login(world.holder)
    assert client.get(f"/fournisseur/declarations/{first.id}").status_code == 404
    assert "0 déclaration." in visible_text(
        client.get("/fournisseur/declarations?state=all").text)


def test_a_co_holder_sees_the_declarations_but_has_nothing_to_file(db, client, login):
    clock.freeze(datetime(2025, 3, 20, 8, tzinfo=UTC))
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    partner = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(db, buyer, holder.organisation,
                                       co_holder_ids=[partner.organisation_id])
    first = factories.declarations(db, contract)[0]

    login(partner)
    assert client.get(f"/fournisseur/declarations/{first.id}").status_code == 200
    assert "4 déclarations." in visible_text(
        client.get("/fournisseur/declarations?state=all").text)
    assert "0 déclaration." in visible_text(
        client.get("/fournisseur/declarations?state=todo").text)
    login(holder)
    assert "1 déclaration." in visible_text(
        client.get("/fournisseur/declarations?state=todo").text)
