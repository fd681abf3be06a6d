"""Consistent counting: an insertion-hours commitment is a social consideration even with no
flag ticked (and the buyer is warned); a reserved contract keeps its legal basis, required by
the form and the API, shown on its page, read from the DECP only where it is named, and the
reserved contracts indicator is split by it."""

import csv
import io
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from execution.decp.facts import considerations
from portal.models import Contract, Role
from tests import factories
from tests.conftest import visible_text
from tests.execution import indicator_world as w

FORM = {"reference": "2025-INS-001", "object": "Entretien des espaces verts", "kind": "market",
        "nature": "services", "amount_excl_vat": "150 000", "notified_on": "2025-03-01",
        "starts_on": "2025-04-01", "ends_on": "2025-12-31", "frequency": "quarterly",
        "has_insertion": "on", "insertion_target_hours": "600"}
WARNING = "aucune considération sociale n'est cochée"


def _text(html: str) -> str:
    return unescape(visible_text(html)).replace("\u202f", " ").replace("\xa0", " ")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_an_insertion_only_contract_counts_as_social_and_the_buyer_is_warned(
        client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau",
                    {**FORM, "holder_id": world.holder.organisation_id})
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    text = _text(page.text)
    assert "Attention : aucune considération sociale n'est cochée" in text  # the flash
    assert "Ce contrat comporte un engagement d'heures d'insertion mais aucune considération " \
           "sociale n'est cochée" in text
    contract = db.scalar(select(Contract).where(Contract.reference == "2025-INS-001"))
    assert WARNING in _text(client.get(f"/acheteur/contrats/{contract.id}/modifier").text)
    # The 2025 notified contracts of this buyer at or above 90 000 €: this one only, counted.
    rows = _csv(client.get("/indicateurs/export/indicateurs.csv?annee=2025"))
    social = next(row for row in rows if row[0] == "social_consideration_share")
    assert (social[4], social[6], social[7]) == ("100,0", "1", "1")
    assert any("engagement d'heures d'insertion même sans case cochée" in cell
               for cell in social)
    drill = _text(client.get("/indicateurs/social_consideration_share?annee=2025").text)
    assert "Heures d'insertion (sans case cochée)" in drill and "Oui" in drill


def test_no_warning_once_a_social_flag_is_ticked(client, db, login, post, world):
    login(world.buyer)
    response = post("/acheteur/contrats/nouveau", {**FORM, "social_clause": "on",
                                                    "holder_id": world.holder.organisation_id})
    assert response.status_code == 303
    assert WARNING not in _text(client.get(response.headers["location"]).text)


def test_the_holder_never_sees_the_buyers_warning(client, db, login, world):
    contract = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       notified_on=date(2025, 1, 10))
    login(world.holder)
    assert WARNING not in _text(client.get(f"/entreprise/contrats/{contract.id}").text)


def test_the_form_requires_the_basis_of_a_reserved_contract(client, db, login, post, world):
    login(world.buyer)
    values = {**FORM, "reserved": "on", "holder_id": world.holder.organisation_id}
    refused = post("/acheteur/contrats/nouveau", values)
    assert refused.status_code == 422
    text = _text(refused.text)
    assert "Indiquez la base légale du marché réservé" in text
    assert 'value="2025-INS-001"' in refused.text  # what was typed stays
    assert db.scalar(select(Contract).where(Contract.reference == "2025-INS-001")) is None
    odd = post("/acheteur/contrats/nouveau", {**values, "reserved_basis": "L2113-99"})
    assert odd.status_code == 422 and "Choisissez une valeur de la liste." in _text(odd.text)
    saved = post("/acheteur/contrats/nouveau", {**values, "reserved_basis": "L2113-13"})
    assert saved.status_code == 303
    contract = db.scalar(select(Contract).where(Contract.reference == "2025-INS-001"))
    assert contract.reserved_basis == "L2113-13"
    page = _text(client.get(saved.headers["location"]).text)
    assert "Base de la réservation L2113-13 — structures d'insertion par l'activité " \
           "économique (SIAE)" in page
    # Not reserved any more: the basis goes with it.
    edit = client.get(f"/acheteur/contrats/{contract.id}/modifier").text
    assert '<option value="L2113-13" selected' in edit
    changed = post(f"/acheteur/contrats/{contract.id}/modifier", {
        **FORM, "reserved_basis": "L2113-13", "holder_id": world.holder.organisation_id,
        "version": contract.version})
    assert changed.status_code == 303
    db.expire_all()
    assert db.get(Contract, contract.id).reserved_basis is None


def test_the_api_takes_the_basis_and_refuses_a_reserved_contract_without_it(db, api, world):
    body = factories.contract_data(world.holder.organisation, reference="API-RES"
                                   ).model_dump(mode="json")
    refused = api(world.buyer).post("/api/v1/contracts", json={**body, "reserved": True})
    assert refused.status_code == 422
    assert refused.json()["errors"]["reserved_basis"].startswith(
        "Indiquez la base légale du marché réservé")
    created = api(world.buyer).post("/api/v1/contracts", json={
        **body, "reserved": True, "reserved_basis": "L2113-12"})
    assert created.status_code == 201
    assert created.json()["reserved_basis"] == "L2113-12"


def test_the_reserved_indicator_is_split_by_basis(client, db, login):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_org(db)
    span = dict(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
                notified_on=date(2025, 2, 1))
    for basis, amount in (("L2113-12", "10000"), ("L2113-13", "20000"), ("L2113-13", "30000"),
                          (None, "40000")):
        w.contract(db, buyer.organisation, holder, amount=amount, reserved=True,
                   reserved_basis=basis, **span)
    w.contract(db, buyer.organisation, holder, amount="50000", **span)  # not reserved
    db.commit()
    login(buyer)
    rows = _csv(client.get("/indicateurs/export/ventilations.csv?annee=2025"))
    split = {row[5]: (row[6], row[9]) for row in rows if row[3] == "Base légale de la réservation"}
    assert split == {
        "L2113-12 — entreprises adaptées et ESAT": ("1", "25,0"),
        "L2113-13 — structures d'insertion par l'activité économique (SIAE)": ("2", "50,0"),
        "L2113-15 — entreprises de l'ESS (services de santé, sociaux et culturels)": ("0", "0,0"),
        "Base non renseignée": ("1", "25,0")}
    page = _text(client.get("/indicateurs?annee=2025").text)
    assert "Marchés réservés par base légale" in page
    assert "Base non renseignée 1 40 000,00 € HT 25,0 %" in page


@pytest.mark.parametrize(("labels", "reserved", "basis"), [
    (["Marché réservé"], True, None),  # the DECP vocabulary says no more: no basis guessed
    (["Marché réservé (article L2113-13)"], True, "L2113-13"),
    (["Clause sociale", "Marché réservé aux ESAT, art. L. 2113-12"], True, "L2113-12"),
    (["L2113-12", "L2113-13"], True, None),  # two articles: not certain
    (["Clause sociale"], False, None),
])
def test_the_decp_import_maps_the_basis_only_when_named(labels, reserved, basis):
    flags = considerations({"considerationsSociales": {"considerationSociale": labels}})
    assert flags["reserved"] is reserved
    assert flags.get("reserved_basis") == basis
