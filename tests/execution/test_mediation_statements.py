"""The mediation lists send as many SQL statements with 2 requests as with 7 (and the request
page with 2 messages as with 7): no row loaded one by one."""

from datetime import timedelta
from io import BytesIO

from execution.mediation import service
from portal import clock
from tests.execution import mediation_world
from tests.execution.mediation_world import at
from tests.pdfs import PDF
from tests.scale import page_statements

MEDIATOR_PAGES = ["/acheteur/mediation", "/acheteur/mediation?q=retard&statut=ongoing",
                  "/acheteur/mediation/{request}"]
SUPPLIER_PAGES = ["/fournisseur/mediation", "/fournisseur/mediation?statut=answered",
                  "/fournisseur/mediation/{request}"]


def _world(db, size):
    w = mediation_world.build(db)
    first = None
    for n in range(size):
        request = mediation_world.open_request(db, w, when=at("2026-03-02") + timedelta(hours=n),
                                               subject=f"Retard numéro {n}", with_file=True)
        first = first or request
        clock.freeze(at("2026-03-05") + timedelta(hours=n))
        service.reply(db, request.id, user=w.mediator, body=f"Réponse {n}")
        # The first request's thread grows with the size too, each message with a file.
        service.reply(db, first.id, user=w.holder, body=f"Relance {n}",
                      upload=service.Upload(f"relance-{n}.pdf", BytesIO(PDF)))
    db.commit()
    return w, first


def _counts(client, engine, db, login, user, urls, request_id):
    client.cookies.clear()
    login(user)
    return [len(page_statements(client, engine, url.format(request=request_id), db))
            for url in urls]


def test_the_mediation_pages_cost_the_same_statements_at_two_sizes(client, engine, db, login):
    small, small_first = _world(db, 2)
    large, large_first = _world(db, 7)
    for role, urls in (("mediator", MEDIATOR_PAGES), ("holder", SUPPLIER_PAGES)):
        few = _counts(client, engine, db, login, getattr(small, role), urls, small_first.id)
        many = _counts(client, engine, db, login, getattr(large, role), urls, large_first.id)
        assert few == many, role
    # The large lists are full.
    assert client.get("/fournisseur/mediation").text.count("Retard numéro") == 7
    page = client.get(f"/fournisseur/mediation/{large_first.id}").text
    assert page.count("Relance") == 7 and page.count("relance-") == 7
