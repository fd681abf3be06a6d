"""Every form block (`{% block …_form %}`): refused through htmx, its answer swapped into the page
as the browser does it gives the very page a browser without JavaScript gets for the same POST:
the same form, the same errors, what the user typed."""

import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from execution.payments import service as invoices
from execution.payments.schemas import InvoiceForm
from portal.agec import AgecThreshold
from portal.centrals import CentralMembership
from portal.facilitators import FacilitatorAssignment
from portal.models import OrgKind, Role
from portal.templating import TEMPLATES_DIR
from surveys import service as surveys
from surveys.models import LaunchReason
from tests import factories
from tests.htmx import by_id, canonical, filled, form_fields, form_in, main, parse, swap

BLOCK = re.compile(r"{%-?\s*block\s+(\w+_form)\s*-?%}")


def _declaration(db, world):
    return world.holder, f"/fournisseur/declarations/{world.declarations[0].id}", {
        "beneficiary_ref": ["B-001"], "hours": ["beaucoup"], "action": "save"}


def _survey(db, world):
    campaign = surveys.launch_campaign(db, world.contract, reason=LaunchReason.manual,
                                       by=world.buyer)
    db.commit()
    mine = next(i for i in campaign.invitations
                if i.respondent_org_id == world.buyer.organisation_id)
    return world.buyer, f"/enquetes/{mine.id}", {"action": "submit"}


def _contract(db, world):
    return world.buyer, "/acheteur/contrats/nouveau", {
        "reference": "", "object": "Entretien des espaces verts", "starts_on": "2025-06-01",
        "ends_on": "2025-01-01"}


def _threshold(db, world):
    threshold = db.scalar(select(AgecThreshold).where(
        AgecThreshold.category_code == "D2024_MOBILIER", AgecThreshold.from_year == 2024))
    return factories.make_user(db, Role.admin), f"/admin/seuils-agec/{threshold.id}", {
        "reuse_min": "cent", "source": "Annexe du décret"}


def _settings(db, world):
    return factories.make_user(db, Role.admin), "/admin/indicateurs", {"fte_hours": "zéro"}


def _target(db, world):
    return factories.make_user(db, Role.admin), "/admin/indicateurs", {
        "year": "deux mille", "value": "30"}


def _buyer_manager(world):
    world.buyer.is_manager = True
    return world.buyer


def _buyer_settings(db, world):
    return _buyer_manager(world), "/acheteur/parametres", {"fte_hours": "zéro",
                                                           "payment_delay_days": "30"}


def _buyer_target(db, world):
    return _buyer_manager(world), "/acheteur/parametres", {"year": "deux mille", "value": "35"}


def _review(db, world):
    declaration = factories.submit(db, world.declarations[0], world.holder)
    return world.buyer, f"/acheteur/declarations/{declaration.id}", {"comment": "  "}


def _commentary(db, world):
    return world.buyer, "/rapports/annuel?annee=2025", {"text_overview": "x" * 10_001,
                                                       "text_social": "Gardé tel quel."}


def _opinion(db, world):
    organisation = factories.make_org(db, OrgKind.facilitator)
    db.add(FacilitatorAssignment(facilitator_org_id=organisation.id,
                                 buyer_org_id=world.contract.buyer_org_id))
    facilitator = factories.make_user(db, Role.facilitator, organisation=organisation)
    declaration = factories.submit(db, world.declarations[0], world.holder)
    return facilitator, f"/facilitateur/declarations/{declaration.id}", {
        "opinion": "to_correct", "comment": "  "}


def _subcontractor(db, world):
    return world.holder, f"/fournisseur/contrats/{world.contract.id}/sous-traitants", {
        "siret": "12345678901234", "name": "Régie de quartier"}


def _central_uses(db, world):
    member = factories.make_org(db, OrgKind.buyer)
    db.add(CentralMembership(central_org_id=world.contract.buyer_org_id,
                             member_org_id=member.id))
    db.commit()
    return world.buyer, f"/acheteur/contrats/{world.contract.id}/membres", {
        f"amount_{member.id}": "beaucoup"}


def _invoice(db, world):
    return world.buyer, f"/acheteur/contrats/{world.contract.id}/factures", {
        "number": "F-1", "received_on": "2025-03-01", "amount_incl_vat": "douze"}


def _invoice_edit(db, world):
    invoice = invoices.create(db, actor=world.buyer, contract=world.contract, data=InvoiceForm(
        number="F-2", received_on="2025-03-01", amount_incl_vat="100"))
    db.commit()
    return world.buyer, f"/acheteur/factures/{invoice.id}", {"paid_on": "2025-02-01"}


def _invoice_declare(db, world):
    return world.holder, "/fournisseur/factures/declarer", {
        "number": "T-1", "received_on": "2025-03-01", "amount_incl_vat": "-5"}
def _mediation(db, world):
    from execution.mediation import service as mediation

    world.buyer.is_mediator = True
    request = mediation.open_request(db, user=world.holder, contract_id=world.contract.id,
                                     subject="Retard de paiement", description="Les faits.")
    db.commit()
    return request


def _mediation_request(db, world):
    return world.holder, f"/fournisseur/contrats/{world.contract.id}/mediation", {
        "subject": "  ", "description": "Gardé tel quel."}


def _mediation_reply(db, world):
    return world.buyer, f"/acheteur/mediation/{_mediation(db, world).id}", {"body": " "}


def _mediation_close(db, world):
    return world.buyer, f"/acheteur/mediation/{_mediation(db, world).id}", {
        "outcome": "", "comment": "Gardé tel quel."}


CASES = {"declaration_form": _declaration, "survey_form": _survey, "contract_form": _contract,
         "subcontractor_form": _subcontractor, "threshold_form": _threshold,
         "settings_form": _settings, "target_form": _target, "review_form": _review,
         "commentary_form": _commentary, "opinion_form": _opinion,
         "uses_form": _central_uses, "buyer_settings_form": _buyer_settings,
         "buyer_target_form": _buyer_target, "invoice_form": _invoice,
         "invoice_edit_form": _invoice_edit, "invoice_declare_form": _invoice_declare,
         "request_form": _mediation_request, "reply_form": _mediation_reply,
         "close_form": _mediation_close}


def test_every_form_block_has_a_case():
    blocks = {name for path in Path(TEMPLATES_DIR).rglob("*.html")
              for name in BLOCK.findall(path.read_text(encoding="utf-8"))}
    assert blocks == set(CASES)


def _body(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    body = defaultdict(list)
    for name, value in fields:
        body[name].append(value)
    return dict(body)


@pytest.mark.parametrize("block", sorted(CASES))
def test_the_htmx_answer_swapped_in_is_the_page_without_javascript(block, client, db, login,
                                                                   world):
    user, url, typed = CASES[block](db, world)
    login(user)
    client.get(url)  # shows the welcome message once
    page = parse(client.get(url).text)
    form = form_in(page, block)
    # Without JavaScript the same form posts to the same address.
    assert form.get("action") == form.get("hx-post") and form.get("method") == "post"
    body = _body(filled(form, typed))

    fragment = client.post(form.get("hx-post"), data=body, headers={"HX-Request": "true"})
    assert fragment.status_code == 422, fragment.text
    assert "<html" not in fragment.text  # only the block travels
    whole = client.post(form.get("action"), data=body)
    assert whole.status_code == 422 and "<html" in whole.text

    swapped = swap(page, form, fragment)
    assert canonical(main(swapped)) == canonical(main(parse(whole.text)))
    # And that page is the form again, with the refusal and what was typed.
    shown = by_id(swapped, block)
    notices = [e for e in shown.iter() if e.get("role") == "alert"]
    assert notices and notices[0].get("tabindex") == "-1"
    assert any(e.get("aria-invalid") == "true" for e in shown.iter())
    again = dict(form_fields(form_in(swapped, block)))
    for name, value in typed.items():
        if name != "action" and isinstance(value, str):
            assert again[name] == value, name
