"""The carbon declaration through HTTP: emissions by scope, method, evidence file, review."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal import clock
from portal.facilitators import FacilitatorAssignment
from portal.models import OrgKind, Role
from supplier.kinds.carbon import evidence_of, report_of
from supplier.models import Status
from tests import factories
from tests.supplier.report_helpers import EXECUTABLE, PDF, add_outsiders, pdf, switch, text

FIGURES = {"scope1_tco2e": "12,5", "scope2_tco2e": "3,25", "scope3_tco2e": "",
           "method": "bilan_carbone", "method_other": "", "note": "Chantier et engins"}


@pytest.fixture
def w(db):
    """A works contract of 2025 with quarterly carbon declarations; 20 January 2026, so every
    quarter is due."""
    clock.freeze(datetime(2026, 1, 20, 9, tzinfo=UTC))
    holder = factories.make_user(db, Role.supplier)
    buyer = factories.make_user(db, Role.buyer)
    contract = factories.make_contract(db, buyer, holder.organisation, reference="TX-CARBONE",
                                       insertion=None, carbon_report=True, carbon_clause=True,
                                       starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    return SimpleNamespace(holder=holder, buyer=buyer, contract=contract,
                           declarations=factories.declarations(db, contract))


def form(declaration, action="submit", **changes):
    return {**FIGURES, "version": declaration.version, "action": action, **changes}


def test_one_declaration_per_period_of_the_contract(w):
    assert [(d.period_start, d.period_end) for d in w.declarations] == [
        (date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 12, 31))]
    assert all(d.status == Status.expected for d in w.declarations)


def test_file_return_correct_validate(client, db, login, post, api, w):
    first = w.declarations[0]
    login(w.holder)
    page = text(client.get(f"/fournisseur/declarations/{first.id}"))
    assert "Scope 1 : émissions directes" in page and "Bilan Carbone®" in page
    assert "ISO 14064" in page and "GHG Protocol" in page

    # Bad input: a negative scope, another method left unnamed; what was typed stays.
    refused = post(f"/fournisseur/declarations/{first.id}",
                   form(first, scope1_tco2e="-4", method="other", note="Tapé à l'instant"),
                   files=[("evidence", pdf("bilan.pdf"))])
    assert refused.status_code == 422
    shown = text(refused)
    assert "ne peut pas être négative" in shown and "Précisez la méthode utilisée." in shown
    assert 'value="-4"' in refused.text and "Tapé à l" in refused.text
    assert 'aria-describedby="scope1_tco2e-error"' in refused.text
    # No scope at all.
    empty = post(f"/fournisseur/declarations/{first.id}",
                 form(first, scope1_tco2e="", scope2_tco2e="", scope3_tco2e=""))
    assert empty.status_code == 422 and "au moins un scope" in text(empty)
    # A file that is neither a PDF nor an image.
    exe = post(f"/fournisseur/declarations/{first.id}", form(first),
               files=[("evidence", ("bilan.pdf", EXECUTABLE, "application/pdf"))])
    assert exe.status_code == 422 and "bilan.pdf" in text(exe)
    db.expire_all()
    assert first.status == Status.expected and report_of(db, first.id) is None

    response = post(f"/fournisseur/declarations/{first.id}", form(first),
                    files=[("evidence", pdf("bilan.pdf"))])
    assert response.status_code == 303, response.text
    db.expire_all()
    report = report_of(db, first.id)
    assert first.status == Status.submitted
    assert report.scope1_tco2e == Decimal("12.5") and report.scope3_tco2e is None
    evidence = evidence_of(db, first.id)
    assert evidence.document.filename == "bilan.pdf"

    switch(client, login, w.buyer)
    contract_page = text(client.get(f"/acheteur/contrats/{w.contract.id}"))
    assert "Émissions de gaz à effet de serre" in contract_page
    assert "Déposé, en cours d'examen" in contract_page and "Clause carbone" in contract_page
    review = text(client.get(f"/acheteur/declarations/{first.id}"))
    assert "12,5 tCO2e" in review and "15,75 tCO2e" in review  # 12,5 + 3,25 (scope 3 unknown)
    assert "bilan.pdf" in review and "Chantier et engins" in review
    assert client.get(f"/documents/{evidence.document_id}").content == PDF
    stale = post(f"/acheteur/declarations/{first.id}/valider", {"version": first.version - 1})
    assert stale.status_code == 409
    returned = post(f"/acheteur/declarations/{first.id}/renvoyer",
                    {"version": first.version, "comment": "Le scope 3 manque."})
    assert returned.status_code == 303

    # The holder corrects: scope 3 added, another method named, a new evidence replaces the old.
    switch(client, login, w.holder)
    db.refresh(first)
    assert first.status == Status.returned
    page = client.get(f"/fournisseur/declarations/{first.id}").text
    assert 'value="12,5"' in page and "Le scope 3 manque." in page
    corrected = post(f"/fournisseur/declarations/{first.id}",
                     form(first, scope3_tco2e="40", method="other",
                          method_other="Outil de la fédération du BTP"),
                     files=[("evidence", pdf("bilan-v2.pdf"))])
    assert corrected.status_code == 303, corrected.text
    db.expire_all()
    assert first.status == Status.submitted
    assert evidence_of(db, first.id).document.filename == "bilan-v2.pdf"

    switch(client, login, w.buyer)
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code == 303
    db.refresh(first)
    assert first.status == Status.validated
    assert "Reçu et validé" in text(client.get(f"/acheteur/contrats/{w.contract.id}"))

    # Validated: locked for the holder; the API shows the content.
    switch(client, login, w.holder)
    locked = post(f"/fournisseur/declarations/{first.id}", form(first, scope1_tco2e="1"))
    assert locked.status_code == 409
    content = api(w.buyer).get(f"/api/v1/declarations/{first.id}").json()["content"]
    assert content["report"]["scope3_tco2e"] == "40.000"
    assert content["total_tco2e"] == "55.750"
    assert content["report"]["method_other"] == "Outil de la fédération du BTP"
    assert content["evidence"]["filename"] == "bilan-v2.pdf"


def test_stale_form_is_refused_and_nothing_is_lost(client, db, login, post, w):
    first = w.declarations[0]
    login(w.holder)
    assert post(f"/fournisseur/declarations/{first.id}",
                form(first, action="save")).status_code == 303
    stale = post(f"/fournisseur/declarations/{first.id}",
                 form(first, action="save", scope1_tco2e="99"))  # the version read before
    assert stale.status_code == 409
    db.expire_all()
    assert report_of(db, first.id).scope1_tco2e == Decimal("12.5")


def test_the_api_files_the_figures_with_french_messages(db, api, w):
    first = w.declarations[0]
    holder = api(w.holder)
    refused = holder.put(f"/api/v1/declarations/{first.id}",
                         json={"version": first.version, "method": "astrologie",
                               "scope2_tco2e": -1})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"scope2_tco2e": "La valeur ne peut pas être négative.",
                                        "method": "Choisissez une valeur de la liste."}
    nothing = holder.put(f"/api/v1/declarations/{first.id}",
                         json={"version": first.version, "method": "iso_14064"})
    assert nothing.status_code == 422 and "au moins un scope" in nothing.json()["errors"][
        "scope1_tco2e"]
    saved = holder.put(f"/api/v1/declarations/{first.id}",
                       json={"version": first.version, "method": "ghg_protocol",
                             "scope2_tco2e": "7.125", "method_other": "ignoré"})
    assert saved.status_code == 200, saved.text
    report = saved.json()["content"]["report"]
    assert report["method_label"] == "GHG Protocol" and report["method_other"] is None
    assert saved.json()["content"]["evidence"] is None
    submitted = holder.post(f"/api/v1/declarations/{first.id}/submit",
                            json={"version": saved.json()["version"]})
    assert submitted.json()["status"] == "submitted"


def test_only_the_parties_see_it(client, db, login, post, api, w):
    add_outsiders(db, w)
    first = w.declarations[0]
    login(w.holder)
    post(f"/fournisseur/declarations/{first.id}", form(first), files={"evidence": pdf()})
    db.expire_all()
    document_id = evidence_of(db, first.id).document_id

    switch(client, login, w.outsider)
    assert client.get(f"/fournisseur/declarations/{first.id}").status_code == 404
    assert post(f"/fournisseur/declarations/{first.id}", form(first)).status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert api(w.outsider).get(f"/api/v1/declarations/{first.id}").status_code == 404

    switch(client, login, w.other_buyer)
    assert client.get(f"/acheteur/declarations/{first.id}").status_code == 404
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code == 404

    # A facilitator of the buyer sees insertion data only, never the carbon declaration.
    organisation = factories.make_org(db, OrgKind.facilitator, name="Maison de l'emploi")
    db.add(FacilitatorAssignment(facilitator_org_id=organisation.id,
                                 buyer_org_id=w.buyer.organisation_id))
    db.commit()
    facilitator = factories.make_user(db, Role.facilitator, organisation=organisation)
    switch(client, login, facilitator)
    assert client.get(f"/facilitateur/declarations/{first.id}").status_code in (403, 404)
    assert client.get(f"/acheteur/declarations/{first.id}").status_code in (403, 404)
    assert client.get(f"/documents/{document_id}").status_code in (403, 404)
    assert api(facilitator).get(f"/api/v1/declarations/{first.id}").status_code in (403, 404)
    assert post(f"/acheteur/declarations/{first.id}/valider",
                {"version": first.version}).status_code in (403, 404)
    db.expire_all()
    assert first.status == Status.submitted


def test_the_form_offers_exactly_the_methods_the_schema_accepts():
    from typing import get_args

    from supplier.carbon_schemas import CARBON_METHODS, CarbonMethod

    assert list(get_args(CarbonMethod)) == list(CARBON_METHODS)
