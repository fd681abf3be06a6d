"""Numbers put back into inputs — a draft opened again, a record being edited, a refused form —
are written in the French format of the hints (« 40 600,00 »), and sending the form back as the
browser does, untouched, saves the very same values."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from execution.indicators.config import current_settings
from portal import clock
from portal.commitments import params_of
from portal.models import CommitmentKind, OrgKind, Role
from tests import factories
from tests.agec_world import Q1_2025, make_agec_world
from tests.htmx import form_fields, form_in, parse
from tests.supplier.test_agec import form as agec_form

NNBSP = "\u202f"  # the thousands separator the pages print


def _as_sent(page_html: str, block_id: str, **typed: str) -> dict[str, list[str]]:
    """The form of the page as the browser sends it, with ``typed`` replacing some fields."""
    sent: dict[str, list[str]] = {}
    for name, value in form_fields(form_in(parse(page_html), block_id)):
        sent.setdefault(name, []).append(value)
    return {**sent, **{name: [value] for name, value in typed.items()}}


def _inputs(page_html: str, block_id: str, name: str) -> list[str]:
    return [value for field, value in form_fields(form_in(parse(page_html), block_id))
            if field == name]


def test_a_draft_shows_its_hours_in_the_french_format_and_saves_them_back_unchanged(
        client, db, login, post, world):
    declaration = world.declarations[0]
    url = f"/fournisseur/declarations/{declaration.id}"
    login(world.holder)
    rows = {"beneficiary_ref": ["B-1", "B-2"], "public_category": ["RSA", "RSA"],
            "sex": ["F", "M"], "age_band": ["26_49", "26_49"],
            "execution_mode": ["ETTI", "ETTI"], "hours": ["1336.26", "500"]}
    assert post(url, {**rows, "version": declaration.version, "action": "save"}
                ).status_code == 303

    page = client.get(url).text
    shown = _inputs(page, "declaration_form", "hours")
    assert shown[:2] == [f"1{NNBSP}336,26", "500,00"]  # then the empty row offered
    assert post(url, _as_sent(page, "declaration_form", action="save")).status_code == 303
    db.expire_all()
    assert [line.hours for line in declaration.insertion_lines] == [Decimal("1336.26"),
                                                                    Decimal("500.00")]
    assert _inputs(client.get(url).text, "declaration_form", "hours") == shown


def test_a_refused_form_shows_the_typed_amounts_in_the_french_format_and_they_read_back(
        client, db, login, post):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    aw = make_agec_world(db)
    declaration = aw.declarations[Q1_2025]
    url = f"/fournisseur/declarations/{declaration.id}"
    login(aw.holder)
    # Typed three ways; the recycled part exceeds the total, so the form comes back refused.
    refused = post(url, agec_form(declaration.version,
                                  ("D2024_TEXTILES", "40600", "500.5", "", "41 000,00")))
    assert refused.status_code == 422
    amounts = [_inputs(refused.text, "declaration_form", name)[0] for name in (
        "total_excl_vat", "reuse_excl_vat", "donation_excl_vat", "recycled_excl_vat")]
    assert amounts == [f"40{NNBSP}600,00", "500,50", "", f"41{NNBSP}000,00"]

    # The user corrects the recycled part only; what the form showed is read back as typed.
    fixed = _as_sent(refused.text, "declaration_form", action="save")
    fixed["recycled_excl_vat"] = ["300", *fixed["recycled_excl_vat"][1:]]
    assert post(url, fixed).status_code == 303
    db.expire_all()
    [saved] = declaration.agec_lines
    assert (saved.total_excl_vat, saved.reuse_excl_vat, saved.recycled_excl_vat) == (
        Decimal("40600.00"), Decimal("500.50"), Decimal("300.00"))
    assert _inputs(client.get(url).text, "declaration_form", "total_excl_vat")[0] == (
        f"40{NNBSP}600,00")


@pytest.mark.parametrize("typed", ["40600.00", "40600,00", f"40{NNBSP}600,00", "40 600"])
def test_every_spelling_of_an_amount_saves_the_same_value(client, db, login, post, typed):
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    aw = make_agec_world(db)
    declaration = aw.declarations[Q1_2025]
    login(aw.holder)
    assert post(f"/fournisseur/declarations/{declaration.id}", agec_form(
        declaration.version, ("D2024_TEXTILES", typed, "", "", ""))).status_code == 303
    db.expire_all()
    assert declaration.agec_lines[0].total_excl_vat == Decimal("40600.00")


def test_the_contract_form_shows_its_amounts_in_the_french_format_and_keeps_them(
        client, db, login, post):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_org(db, OrgKind.supplier)
    contract = factories.make_contract(db, buyer, holder, amount_excl_vat=Decimal("1250000.50"))
    url = f"/acheteur/contrats/{contract.id}/modifier"
    login(buyer)
    page = client.get(url).text
    assert _inputs(page, "contract_form", "amount_excl_vat") == [f"1{NNBSP}250{NNBSP}000,50"]
    assert _inputs(page, "contract_form", "insertion_target_hours") == [f"1{NNBSP}000,00"]
    assert post(url, _as_sent(page, "contract_form")).status_code == 303
    db.expire_all()
    assert contract.amount_excl_vat == Decimal("1250000.50")
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    assert params_of(commitment).target_hours == Decimal("1000.00")


def test_the_indicator_settings_read_back_what_they_show(client, db, login, post):
    admin = factories.make_user(db, Role.admin)
    login(admin)
    page = client.get("/admin/indicateurs").text
    assert _inputs(page, "settings_form", "fte_hours") == [f"1{NNBSP}607,00"]
    assert post("/admin/indicateurs", _as_sent(page, "settings_form")).status_code == 303
    db.expire_all()
    settings = current_settings(db)
    assert (settings.fte_hours, settings.consideration_threshold_eur) == (1607, 90000)
