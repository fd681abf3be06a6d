"""A facilitator sees the insertion data of the contracts it follows, and nothing else: pages,
API, exports; the administrators attach and detach it; buyers and administrators invite its
people."""

import html
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from execution.facilitation import assignments
from execution.indicators.service import insertion_indicators
from execution.review import service as review
from portal.access import AccessRequest
from portal.commitments import AgecParams
from portal.facilitators import FacilitatorAssignment
from portal.models import AuditEvent, OrgKind, Role, User
from supplier import service as filing
from supplier.models import CsrReport, Declaration
from supplier.report_schemas import CsrDeclarationIn
from tests import factories
from tests.conftest import csrf_token, visible_text
from tests.pdfs import PDF


def _insertion(db, contract, holder, ref: str, *, hours="35") -> Declaration:
    first = next(d for d in factories.declarations(db, contract)
                 if d.commitment.kind == "insertion_hours")
    return factories.submit(db, first, holder, factories.line(beneficiary_ref=ref,
                                                              hours=Decimal(hours)))


@pytest.fixture
def chain(db):
    """Naboo has three contracts (two with insertion hours, one of them with AGEC shares too;
    one without), Hoth one. Kamino follows all of Naboo's, Dagobah only the second, Endor
    nothing."""
    buyer = factories.make_user(db, Role.buyer)
    other_buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    other_holder = factories.make_user(db, Role.supplier)
    first = factories.make_contract(db, buyer, holder.organisation, reference="NABOO-1",
                                    agec=AgecParams(categories=["D2024_TEXTILES"]))
    second = factories.make_contract(db, buyer, holder.organisation, reference="NABOO-2",
                                     csr_report=True)
    plain = factories.make_contract(db, buyer, holder.organisation, reference="NABOO-3",
                                    insertion=None, csr_report=True)
    hoth = factories.make_contract(db, other_buyer, other_holder.organisation,
                                   reference="HOTH-1")
    declarations = SimpleNamespace(
        first=_insertion(db, first, holder, "BEN-NABOO-1"),
        second=_insertion(db, second, holder, "BEN-NABOO-2", hours="20"),
        hoth=_insertion(db, hoth, other_holder, "BEN-HOTH-1"))
    draft = next(d for d in factories.declarations(db, second)
                 if d.commitment.kind == "insertion_hours" and d.status == "expected")
    orgs = {name: factories.make_org(db, OrgKind.facilitator, name=name)
            for name in ("Maison de Kamino", "PLIE de Dagobah", "PLIE d'Endor")}
    db.add_all([FacilitatorAssignment(facilitator_org_id=orgs["Maison de Kamino"].id,
                                      buyer_org_id=buyer.organisation_id),
                FacilitatorAssignment(facilitator_org_id=orgs["PLIE de Dagobah"].id,
                                      buyer_org_id=buyer.organisation_id,
                                      contract_id=second.id)])
    db.commit()
    people = {name: factories.make_user(db, Role.facilitator, organisation=org)
              for name, org in zip(("kamino", "dagobah", "endor"), orgs.values(), strict=True)}
    return SimpleNamespace(buyer=buyer, other_buyer=other_buyer, holder=holder,
                           first=first, second=second, plain=plain, hoth=hoth, d=declarations,
                           draft=draft, orgs=orgs, admin=factories.make_user(db, Role.admin),
                           **people)


def test_a_facilitator_lands_on_the_declarations_of_the_contracts_it_follows(client, login,
                                                                              chain):
    response = client.post("/connexion", data={
        "email": chain.kamino.email, "password": factories.PASSWORD,
        "csrf_token": csrf_token(client)})
    assert response.headers["location"] == "/facilitateur"
    page = client.get("/facilitateur")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "NABOO-1" in text and "NABOO-2" in text
    assert "HOTH-1" not in text and "NABOO-3" not in text
    assert f'href="/facilitateur/declarations/{chain.d.first.id}"' in page.text
    assert "2 déclarations" in text and "À vérifier" in text
    # Its menu: only its pages, the bell and its account.
    assert 'href="/acheteur' not in page.text and 'href="/indicateurs"' not in page.text
    assert 'href="/facilitateur/suivi"' in page.text and 'href="/notifications"' in page.text


def test_a_facilitator_of_one_contract_sees_only_that_one(client, login, chain):
    login(chain.dagobah)
    text = visible_text(client.get("/facilitateur").text)
    assert "NABOO-2" in text and "NABOO-1" not in text and "1 déclaration" in text
    login(chain.endor)
    text = visible_text(client.get("/facilitateur").text)
    assert "0 déclaration" in text and "NABOO" not in text


def test_the_declarations_still_to_check_come_first_and_filter(db, client, login, chain):
    review.validate(db, chain.d.first.id, reviewer=chain.buyer, version=chain.d.first.version)
    chain.d.first.facilitator_opinion = "compliant"
    db.commit()
    login(chain.kamino)
    page = client.get("/facilitateur").text
    assert page.index("NABOO-2") < page.index("NABOO-1")
    assert "Conforme" in visible_text(page)
    assert "NABOO-1" not in client.get("/facilitateur?avis=none").text
    assert "NABOO-2" not in client.get("/facilitateur?avis=compliant").text
    assert "NABOO-1" not in client.get("/facilitateur?q=naboo-2").text
    assert "NABOO" not in client.get(f"/facilitateur?acheteur={chain.other_buyer.organisation_id}"
                                     ).text


def test_the_api_gives_a_facilitator_the_same_and_only_the_same(db, api, chain):
    agec = next(d for d in factories.declarations(db, chain.first)
                if d.commitment.kind == "agec_share")
    client = api(chain.kamino)
    assert client.get("/api/v1/me").json()["role"] == "facilitator"
    listed = client.get("/api/v1/declarations").json()
    assert {item["id"] for item in listed["items"]} == {chain.d.first.id, chain.d.second.id}
    assert client.get(f"/api/v1/declarations/{chain.d.first.id}").status_code == 200
    for hidden in (chain.d.hoth, agec, chain.draft):
        assert client.get(f"/api/v1/declarations/{hidden.id}").status_code == 404
    contracts = client.get("/api/v1/contracts").json()
    assert {item["reference"] for item in contracts["items"]} == {"NABOO-1", "NABOO-2"}
    # Insertion data only: not the AGEC commitment of the same contract.
    for contract in (next(i for i in contracts["items"] if i["reference"] == "NABOO-1"),
                     client.get(f"/api/v1/contracts/{chain.first.id}").json()):
        assert [c["kind"] for c in contract["commitments"]] == ["insertion_hours"]
    assert client.get(f"/api/v1/contracts/{chain.plain.id}").status_code == 404
    assert client.get(f"/api/v1/contracts/{chain.hoth.id}").status_code == 404
    version = {"version": chain.d.first.version}
    assert client.put(f"/api/v1/declarations/{chain.d.first.id}",
                      json={**version, "lines": []}).status_code == 403
    for action in ("submit", "validate", "return", "reopen"):
        response = client.post(f"/api/v1/declarations/{chain.d.first.id}/{action}",
                               json={**version, "comment": "Non."})
        assert response.status_code == 403, action
    for url in ("/api/v1/surveys", "/api/v1/indicators?year=2025"):
        assert client.get(url).status_code == 403, url
    db.refresh(chain.d.first)
    assert chain.d.first.status == "submitted"


@pytest.mark.parametrize("url", [
    "/acheteur", "/acheteur/contrats", "/acheteur/declarations", "/fournisseur",
    "/indicateurs?annee=2025", "/indicateurs/export/heures-insertion.csv?annee=2025",
    "/rapports/annuel?annee=2025", "/rapports/annuel-contrats.csv?annee=2025",
    "/donnees-ouvertes", "/donnees-ouvertes/decp.json", "/donnees-ouvertes/agec?annee=2025",
    "/enquetes", "/enquetes/resultats", "/comptes/inviter", "/admin", "/admin/facilitateurs",
    "/acheteur/facilitateurs"])
def test_everything_else_is_closed_to_a_facilitator(client, login, chain, url):
    login(chain.kamino)
    assert client.get(url).status_code in (403, 404)


def test_nor_the_pages_of_one_of_its_contracts(client, login, chain):
    login(chain.kamino)
    for url in (f"/acheteur/contrats/{chain.first.id}", f"/fournisseur/contrats/{chain.first.id}",
                f"/acheteur/declarations/{chain.d.first.id}",
                f"/fournisseur/declarations/{chain.d.first.id}",
                f"/acheteur/contrats/{chain.first.id}/rapport.pdf",
                f"/enquetes/resultats/contrats/{chain.first.id}"):
        assert client.get(url).status_code in (403, 404), url


def test_nor_the_documents_of_one_of_its_contracts(db, client, login, chain):
    """The holder's CSR report, filed on a contract the facilitator follows."""
    csr = next(d for d in factories.declarations(db, chain.second)
               if d.commitment.kind == "csr_report")
    data = CsrDeclarationIn(version=csr.version, headcount=12)
    data._upload = SimpleNamespace(filename="rse-naboo.pdf", file=io.BytesIO(PDF))
    filing.submit(db, csr.id, data, user=chain.holder)
    db.commit()
    document_id = db.scalar(select(CsrReport.document_id).where(
        CsrReport.organisation_id == chain.holder.organisation_id))
    login(chain.buyer)
    assert client.get(f"/documents/{document_id}").status_code == 200
    login(chain.kamino)
    assert client.get(f"/documents/{document_id}").status_code == 403
    assert client.get(f"/fournisseur/declarations/{csr.id}").status_code == 403


def test_the_follow_up_table_and_its_files(db, client, login, chain):
    review.validate(db, chain.d.first.id, reviewer=chain.buyer, version=chain.d.first.version)
    db.commit()
    login(chain.kamino)
    text = visible_text(client.get("/facilitateur/suivi").text)
    assert "NABOO-1" in text and "NABOO-2" in text and "HOTH" not in text
    assert "2 lignes" in text
    csv = client.get("/facilitateur/suivi.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    rows = {line.split(";")[1]: line.split(";") for line in csv.text.splitlines()[1:]}
    assert set(rows) == {"NABOO-1", "NABOO-2"}
    # Contract, validated and filed hours: 35 validated of 1 000; 20 filed, none validated.
    assert rows["NABOO-1"][4:] == ["1000,00", "", "35,00", "35,00"]
    assert rows["NABOO-2"][4:] == ["1000,00", "", "0,00", "20,00"]
    assert "NABOO-1" not in client.get("/facilitateur/suivi.csv?q=naboo-2").text
    xlsx = client.get("/facilitateur/suivi.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        shared = " ".join(book.read(name).decode() for name in book.namelist()
                          if name.endswith(".xml"))
    assert "NABOO-2" in shared and "HOTH-1" not in shared
    assert client.get("/facilitateur/suivi.pdf").status_code == 404
    login(chain.dagobah)
    assert "NABOO-1" not in client.get("/facilitateur/suivi.csv").text


def test_the_follow_up_table_per_filing_organisation(db, client, login, chain):
    review.validate(db, chain.d.first.id, reviewer=chain.buyer, version=chain.d.first.version)
    db.commit()
    login(chain.kamino)
    text = visible_text(client.get("/facilitateur/suivi?par=entreprise").text)
    assert "1 ligne." in text and "NABOO-1" not in text
    csv = client.get("/facilitateur/suivi.csv?par=entreprise")
    disposition = csv.headers["content-disposition"]
    assert 'filename="suivi-heures-insertion-par-entreprise.csv"' in disposition
    header, *rows = csv.text.lstrip("\ufeff").splitlines()
    assert header.startswith("Organisation déclarante;Contrats;Heures dues")
    # The holder of both Naboo contracts: 2 × 1 000 h owed, 35 h validated, 35 + 20 h filed.
    assert [row.split(";")[1:] for row in rows] == [["2", "2000,00", "35,00", "55,00"]]
    assert rows[0].split(";")[0] == chain.holder.organisation.name


def test_its_insertion_indicators_are_those_of_its_contracts_only(db, client, login, chain):
    for declaration in (chain.d.first, chain.d.hoth):
        review.validate(db, declaration.id, reviewer=chain.buyer if declaration is chain.d.first
                        else chain.other_buyer, version=declaration.version)
    db.commit()
    figures = {i.id: i for i in insertion_indicators(
        db, year=2025, buyer_org_id=None, facilitator_org_id=chain.orgs["Maison de Kamino"].id)}
    assert figures["insertion_hours"].value == Decimal("35.00")  # not Hoth's 35
    assert figures["insertion_contracts"].value == 2
    assert all(key.startswith("insertion") for key in figures)
    login(chain.kamino)
    text = visible_text(client.get("/facilitateur/indicateurs?annee=2025").text)
    assert "Heures d'insertion réalisées 35,00 h" in html.unescape(text)
    login(chain.dagobah)
    page = client.get("/facilitateur/indicateurs?annee=2025")
    assert page.status_code == 200
    assert "AGEC" not in page.text and "satisfaction" not in page.text.lower()
    assert client.get(f"/facilitateur/indicateurs?acheteur={chain.other_buyer.organisation_id}"
                      ).status_code == 404


def test_detached_it_sees_nothing_more(db, client, login, post, api, chain):
    assignment = db.scalar(select(FacilitatorAssignment).where(
        FacilitatorAssignment.facilitator_org_id == chain.orgs["Maison de Kamino"].id))
    login(chain.admin)
    response = post(f"/admin/facilitateurs/{assignment.id}/retirer")
    assert response.status_code == 303
    assert db.scalar(select(AuditEvent).where(AuditEvent.entity == "facilitator_assignment",
                                              AuditEvent.action == "detach")) is not None
    assert api(chain.kamino).get(f"/api/v1/declarations/{chain.d.first.id}").status_code == 404
    login(chain.kamino)
    assert "NABOO" not in client.get("/facilitateur").text
    assert "NABOO" not in client.get("/facilitateur/suivi.csv").text


def test_an_administrator_attaches_a_facilitator(db, client, login, post, chain):
    login(chain.admin)
    endor = chain.orgs["PLIE d'Endor"]
    siret = chain.buyer.organisation.siret
    response = post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                             "buyer_siret": siret, "reference": "NABOO-3"})
    assert response.status_code == 422
    assert "n'a pas d'engagement d'heures d'insertion" in html.unescape(response.text)
    response = post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                             "buyer_siret": siret, "reference": "NOPE"})
    assert response.status_code == 422 and "NOPE" in response.text
    response = post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                             "buyer_siret": "123"})
    assert response.status_code == 422
    response = post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                             "buyer_siret": siret, "reference": "NABOO-1"})
    assert response.status_code == 303
    response = post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                             "buyer_siret": siret, "reference": "NABOO-1"})
    assert response.status_code == 409 and "suit déjà" in response.text
    page = html.unescape(visible_text(client.get("/admin/facilitateurs?q=endor").text))
    assert "PLIE d'Endor" in page and "NABOO-1" in page and "1 rattachement" in page
    login(chain.endor)
    assert "NABOO-1" in client.get("/facilitateur").text
    # All the contracts, then: the row for one contract goes.
    login(chain.admin)
    assert post("/admin/facilitateurs", {"facilitator_id": str(endor.id),
                                         "buyer_siret": siret}).status_code == 303
    rows = db.scalars(select(FacilitatorAssignment.contract_id).where(
        FacilitatorAssignment.facilitator_org_id == endor.id)).all()
    assert rows == [None]


def test_only_administrators_attach(client, login, post, chain):
    for person in (chain.buyer, chain.kamino, chain.holder):
        login(person)
        assert client.get("/admin/facilitateurs").status_code == 403
        response = post("/admin/facilitateurs", {
            "facilitator_id": str(chain.orgs["PLIE d'Endor"].id),
            "buyer_siret": chain.buyer.organisation.siret})
        assert response.status_code == 403


def test_a_buyer_reads_its_facilitators(client, login, chain):
    login(chain.buyer)
    text = html.unescape(visible_text(client.get("/acheteur/facilitateurs").text))
    assert "Maison de Kamino" in text and "PLIE de Dagobah" in text and "NABOO-2" in text
    assert "Endor" not in text
    login(chain.other_buyer)
    assert "Kamino" not in client.get("/acheteur/facilitateurs").text


def test_an_administrator_creates_a_facilitator_and_invites_its_first_agent(db, login, post,
                                                                            chain):
    login(chain.admin)
    response = post("/comptes/inviter", {"siret": factories.valid_siret(7_777_001),
                                         "name": "PLIE de Tatooine", "kind": "facilitator",
                                         "email": "luke@tatooine.example.fr",
                                         "full_name": "Luke Lars"})
    assert response.status_code == 303
    user = db.scalar(select(User).where(User.email == "luke@tatooine.example.fr"))
    assert user.role == Role.facilitator and user.organisation.kind == OrgKind.facilitator
    assert user.is_manager
    response = post("/comptes/inviter", {"siret": factories.valid_siret(7_777_002),
                                         "name": "Autre", "kind": "supplier",
                                         "email": "x@autre.example.fr", "full_name": "X"})
    assert response.status_code == 422


def test_a_buyer_invites_into_its_facilitators_only(db, client, login, post, chain):
    endor = chain.orgs["PLIE d'Endor"]
    db.add(FacilitatorAssignment(facilitator_org_id=endor.id,
                                 buyer_org_id=chain.buyer.organisation_id))
    # Endor's only person left: it has nobody yet.
    db.delete(chain.endor)
    db.commit()
    login(chain.buyer)
    options = html.unescape(client.get("/comptes/inviter").text)
    assert "PLIE d'Endor" in options and "Maison de Kamino" in options
    response = post("/comptes/inviter", {"organisation_id": str(endor.id),
                                         "email": "wicket@endor.example.fr",
                                         "full_name": "Wicket"})
    assert response.status_code == 303
    invited = db.scalar(select(User).where(User.email == "wicket@endor.example.fr"))
    assert invited.role == Role.facilitator
    # Kamino has people: its gestionnaires decide.
    response = post("/comptes/inviter", {"organisation_id": str(chain.orgs["Maison de Kamino"].id),
                                         "email": "new@kamino.example.fr", "full_name": "Nouv"})
    assert response.status_code == 303
    assert db.scalar(select(AccessRequest).where(AccessRequest.email == "new@kamino.example.fr"))
    # Hoth's agent works with neither.
    login(chain.other_buyer)
    assert "Kamino" not in client.get("/comptes/inviter").text
    response = post("/comptes/inviter", {"organisation_id": str(chain.orgs["Maison de Kamino"].id),
                                         "email": "spy@hoth.example.fr", "full_name": "Spy"})
    assert response.status_code == 403


def test_the_service_lists_a_facilitators_buyers(db, chain):
    buyers = assignments.attached_buyers(db, chain.orgs["PLIE de Dagobah"].id)
    assert [b.id for b in buyers] == [chain.buyer.organisation_id]
    assert assignments.attached_buyers(db, chain.orgs["PLIE d'Endor"].id) == []
