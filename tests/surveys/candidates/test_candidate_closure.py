"""Results only of closed surveys with five answers or more: no figure changes after it is shown,
no subtraction between two pages reveals a small survey; the addresses' digests are keyed; the
administrator's « Envois » page does not tell which candidates were reminded."""

import hashlib
import hmac
import re
from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.mail import OutgoingMail
from portal.models import AuditEvent, OrgKind, Role
from portal.settings import get_settings
from surveys.candidates.models import CandidateInvitation, CandidateResponse
from tests import factories
from tests.surveys.candidates.conftest import (
    ADDRESSES,
    SENT,
    answer,
    contract_page,
    link_path,
    mailed_links,
    question_ids,
)
from tests.surveys.conftest import page_text

HIDDEN_OPEN = "Résultats masqués jusqu'à la clôture de l'enquête"
HIDDEN_FEW = "Résultats masqués : moins de 5 réponses"
CLOSED = "L'enquête est close : elle n'accepte plus d'invitation ni de réponse"
# The figures line of the first question for contract A's five answers (4 4 4 4 3).
CLARITY_A = "Les documents de la consultation étaient clairs et complets. 5 3,8 / 4 5"


def _answer_five(db, client, post, links, comment="Avis de A"):
    q = question_ids(db)
    for n, link in enumerate(links[:5]):
        response = answer(client, post, link, **{f"q-{q[1]}": "3" if n == 4 else "4",
                                                 f"q-{q[7]}": f"{comment} n°{n}"})
        assert response.status_code == 200, response.text


def _figures(page: str) -> str:
    """The results part of a page: from the count of answers to the comments' heading."""
    return re.search(r"\d+ réponses\. Réponses aux questions.*?Commentaires", page).group(0)


def test_a_small_survey_is_not_revealed_by_subtraction(db, buyer, sent, client, login, post):
    _answer_five(db, client, post, list(sent.values()))
    login(buyer)
    assert post(contract_page(buyer.contract) + "/clore").status_code == 303
    alone = _figures(page_text(client.get(contract_page(buyer.contract))))
    # Contract B: two candidates invited, one answers (marks 1 and a comment), then closed.
    other = factories.make_contract(db, buyer, factories.make_org(db), insertion=None,
                                    reference="VOIRIE-26")
    db.commit()
    assert post(contract_page(other), {"adresses": "b1@voirie.fr\nb2@voirie.fr",
                                       "action": "envoyer"}).status_code == 303
    client.cookies.clear()
    q = question_ids(db)
    answer(client, post, mailed_links(db)["b1@voirie.fr"],
           **{f"q-{q[1]}": "1", f"q-{q[7]}": "Seul avis de B"})
    login(buyer)
    assert post(contract_page(other) + "/clore").status_code == 303
    page = page_text(client.get(contract_page(other)))
    assert HIDDEN_FEW in page and "Seul avis de B" not in page and "Moyenne" not in page
    organisation = page_text(client.get("/enquetes-candidats/resultats"))
    # The organisation's figures are A's alone: nothing to subtract.
    assert _figures(organisation) == alone
    assert "5 réponses." in organisation and CLARITY_A in organisation
    assert "Seul avis de B" not in organisation


def test_an_open_survey_with_five_answers_shows_nothing(db, buyer, sent, client, login, post):
    _answer_five(db, client, post, list(sent.values()))
    login(buyer)
    for url in (contract_page(buyer.contract), "/enquetes-candidats/resultats"):
        page = page_text(client.get(url))
        assert "Résultats masqués" in page
        assert "Moyenne" not in page and "Avis de A" not in page
    assert HIDDEN_OPEN in page_text(client.get(contract_page(buyer.contract)))
    assert "aucune enquête close" in page_text(client.get("/enquetes-candidats/resultats"))


def test_a_closed_survey_takes_no_invitation_reminder_or_answer(db, buyer, sent, client, login,
                                                                post):
    _answer_five(db, client, post, list(sent.values()))
    login(buyer)
    url = contract_page(buyer.contract)
    closed = post(url + "/clore")
    assert closed.status_code == 303
    page = page_text(client.get(url))
    assert "Enquête close : les liens non utilisés ne fonctionnent plus." in page
    assert "État Close" in page and "Envoyer l'enquête" not in page
    assert "Close" in page_text(client.get("/enquetes-candidats"))
    assert CLARITY_A in page
    audited = db.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "candidate_survey")).all()
    assert "close" in audited
    # The sixth candidate's link died and its address was erased.
    assert set(db.scalars(select(CandidateInvitation.email))) == {None}
    mails = db.scalar(select(func.count(OutgoingMail.id)))
    refused = post(url, {"adresses": "nouveau@candidat.fr", "action": "envoyer"})
    assert refused.status_code == 409
    assert CLOSED in page_text(refused)
    assert post(url + "/relancer").status_code == 409
    assert post(url + "/clore").status_code == 409
    assert db.scalar(select(func.count(OutgoingMail.id))) == mails
    client.cookies.clear()
    late = client.get(link_path(sent[ADDRESSES[5]]))
    assert late.status_code == 410
    q = question_ids(db)
    assert post(link_path(sent[ADDRESSES[5]]), {f"q-{q[1]}": "1"}).status_code == 410
    assert db.scalar(select(func.count(CandidateResponse.id))) == 5
    login(buyer)
    assert CLARITY_A in page_text(client.get(url))  # unchanged


def test_a_survey_closes_itself_when_its_links_expire(db, buyer, sent, client, login, post):
    _answer_five(db, client, post, list(sent.values()))
    clock.freeze(SENT + timedelta(days=30, minutes=1))
    login(buyer)
    page = page_text(client.get(contract_page(buyer.contract)))
    assert CLARITY_A in page and "État Close" in page
    refused = post(contract_page(buyer.contract), {"adresses": "x@candidat.fr",
                                                   "action": "envoyer"})
    assert refused.status_code == 409


def test_only_the_contracts_buyer_closes(db, buyer, sent, client, login, post):
    url = contract_page(buyer.contract) + "/clore"
    login(factories.make_user(db, Role.buyer))
    assert post(url).status_code == 404
    client.cookies.clear()
    login(factories.make_user(db, Role.supplier))
    assert post(url).status_code == 403
    client.cookies.clear()
    login(buyer)
    assert post(url, {"csrf_token": "faux"}).status_code == 403
    assert HIDDEN_OPEN in page_text(client.get(contract_page(buyer.contract)))
    fresh = factories.make_contract(db, buyer, factories.make_org(db), insertion=None)
    db.commit()
    nothing = post(contract_page(fresh) + "/clore")
    assert nothing.status_code == 409
    assert "Aucune invitation n'a encore été envoyée" in page_text(nothing)


def test_the_address_digest_is_keyed_with_the_server_secret(db, buyer, sent, client, login,
                                                             post):
    stored = db.scalar(select(CandidateInvitation.address_digest).limit(1))
    plain = {hashlib.sha256(address.encode()).hexdigest() for address in ADDRESSES}
    digests = set(db.scalars(select(CandidateInvitation.address_digest)))
    assert len(digests) == 6 and not digests & plain
    key = hmac.new(get_settings().secret().encode(), b"candidate-survey-address",
                   hashlib.sha256).digest()
    assert stored in {hmac.new(key, a.encode(), hashlib.sha256).hexdigest() for a in ADDRESSES}
    # Still the same digest for the same address: it is not invited twice.
    login(buyer)
    again = post(contract_page(buyer.contract), {"adresses": ADDRESSES[0], "action": "envoyer"},
                 follow_redirects=True)
    assert "1 adresse(s) déjà invitée(s) n'ont pas reçu de second message." in page_text(again)


def test_the_envois_page_hides_the_candidates_addresses(db, buyer, sent, client, login, post):
    q = question_ids(db)
    answer(client, post, sent[ADDRESSES[0]], **{f"q-{q[1]}": "3"})
    login(buyer)
    post(contract_page(buyer.contract) + "/relancer")  # five reminders, not to ADDRESSES[0]
    failed = db.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()
    failed.status, failed.last_error = "failed", f"550 <{failed.to_address}> refusée"
    other = factories.make_user(db, Role.admin, organisation=factories.make_org(db, OrgKind.buyer))
    db.commit()
    client.cookies.clear()
    login(other)
    response = client.get("/admin/envois")
    assert response.status_code == 200
    assert not any(address in response.text for address in ADDRESSES)
    text = page_text(response)
    assert text.count("candidat (adresse masquée)") >= 11
    assert "550 <candidat (adresse masquée)> refusée" in text
    assert "enquete-candidats/" not in response.text  # no link either
    # Searching an address does not tell whether it was reminded.
    for address in ADDRESSES[:2]:
        found = page_text(client.get("/admin/envois", params={"q": address}))
        assert "0 courriel correspondant aux filtres" in found
    kind = page_text(client.get("/admin/envois?motif=candidate_survey"))
    assert "11 courriels correspondant aux filtres" in kind
    assert "Enquête auprès des candidats évincés" in kind
