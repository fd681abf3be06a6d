"""The unsuccessful candidates' survey through HTTP: inviting, answering once, anonymity, and
results shown only from five answers."""

from datetime import timedelta

from sqlalchemy import inspect, select

from portal import clock
from portal.mail import OutgoingMail
from portal.models import Role
from surveys.candidates.models import (
    CandidateAnswer,
    CandidateInvitation,
    CandidateResponse,
)
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

HIDDEN = "Résultats masqués : moins de 5 réponses"
HIDDEN_OPEN = "Résultats masqués jusqu'à la clôture de l'enquête"


def test_buyer_sends_to_each_address_once(db, buyer, sent, client, login):
    assert sorted(sent) == ADDRESSES
    tokens = [link.rsplit("/", 1)[1] for link in sent.values()]
    assert len(set(tokens)) == 6
    stored = db.scalars(select(CandidateInvitation)).all()
    # Only the digest of each token is stored.
    assert not {i.token_digest for i in stored} & set(tokens)
    login(buyer)
    page = page_text(client.get(contract_page(buyer.contract)))
    assert "Invitations envoyées 6" in page
    assert HIDDEN_OPEN in page and "État Ouverte" in page


def test_bad_addresses_are_named_and_the_list_kept(db, buyer, client, login, post):
    login(buyer)
    typed = "candidat1@entreprise1.fr\npas-une-adresse\nx@y"
    response = post(contract_page(buyer.contract), {"adresses": typed, "action": "envoyer"})
    assert response.status_code == 422
    page = page_text(response)
    assert "Adresse e-mail invalide : ligne 2 (« pas-une-adresse »), ligne 3 (« x@y »)" in page
    assert "Aucune invitation n'a été envoyée" in page
    assert "candidat1@entreprise1.fr\npas-une-adresse\nx@y" in response.text
    assert db.scalar(select(OutgoingMail.id)) is None
    assert post(contract_page(buyer.contract), {"adresses": " \n", "action": "envoyer"}
                ).status_code == 422


def test_csv_import_fills_the_list_without_sending(db, buyer, client, login, post):
    login(buyer)
    csv = "Nom;Courriel\nAlpha;alpha@exemple.fr\nBêta;beta@exemple.fr\n".encode("cp1252")
    response = post(contract_page(buyer.contract),
                    {"action": "importer", "adresses": "zeta@exemple.fr"},
                    files={"fichier": ("candidats.csv", csv, "text/csv")})
    assert response.status_code == 200
    assert "zeta@exemple.fr\nalpha@exemple.fr\nbeta@exemple.fr" in response.text
    assert db.scalar(select(OutgoingMail.id)) is None
    # « Envoyer » with a file attached imports it for a check too: nothing is sent unseen.
    response = post(contract_page(buyer.contract), {"action": "envoyer", "adresses": ""},
                    files={"fichier": ("candidats.csv", csv, "text/csv")})
    assert response.status_code == 200 and "alpha@exemple.fr" in response.text
    assert db.scalar(select(OutgoingMail.id)) is None
    pdf = post(contract_page(buyer.contract), {"action": "importer"},
               files={"fichier": ("candidats.csv", b"%PDF-1.4 ...", "text/csv")})
    assert pdf.status_code == 422
    assert "n'est pas un fichier CSV" in page_text(pdf)


def test_results_hidden_until_closed_with_five_answers(db, buyer, sent, client, login, post,
                                                       api):
    q = question_ids(db)
    links = list(sent.values())
    comments = ["Zèle apprécié.", "Délai trop court.", "Merci pour le retour.",
                "Avis détaillé utile.", "Bonne procédure."]
    marks = [("4", "1", "9"), ("4", "2", "9"), ("4", "1", "9"), ("4", "2", "9"), ("3", "2", "0")]
    for link, comment, (clear, time, likely) in zip(links, comments, marks, strict=False):
        response = answer(client, post, link, **{f"q-{q[1]}": clear, f"q-{q[2]}": time,
                                                 f"q-{q[6]}": likely, f"q-{q[7]}": comment})
        assert response.status_code == 200, response.text
        assert "Merci pour votre réponse" in page_text(response)
    login(buyer)
    # Five answers, but the sixth link still open: its answer would change the figures.
    for url in (contract_page(buyer.contract), "/enquetes-candidats/resultats"):
        page = page_text(client.get(url))
        assert "Résultats masqués" in page
        assert "Moyenne" not in page and "Réponses favorables" not in page
        assert not any(comment in page for comment in comments)
    assert HIDDEN_OPEN in page_text(client.get(contract_page(buyer.contract)))
    # Nor through the surveys' API (there is no other export of candidate answers).
    listed = api(buyer).get("/api/v1/surveys?per_page=200").text
    assert not any(comment in listed for comment in comments)
    assert post(contract_page(buyer.contract) + "/clore").status_code == 303
    for url in (contract_page(buyer.contract), "/enquetes-candidats/resultats"):
        page = page_text(client.get(url))
        assert "Résultats masqués" not in page
        assert "5 réponses." in page
        # Clarity: 4 4 4 4 3 → 3,8 / 4, five agreeing; time: 1 2 1 2 2 → 1,6, none agreeing;
        # likelihood: 9 9 9 9 0 → 7,2 / 10, four at 9 or 10.
        assert "Les documents de la consultation étaient clairs et complets. 5 3,8 / 4 5" in page
        assert "Le délai laissé pour répondre était suffisant. 5 1,6 / 4 0" in page
        assert "7,2 / 10 4" in page
        # Alphabetically, not in the order given.
        positions = [page.index(c) for c in sorted(comments, key=str.lower)]
        assert positions == sorted(positions)
    found = page_text(client.get("/enquetes-candidats/resultats?q=DÉLAI"))
    assert "Commentaires (1 contenant « DÉLAI »)" in found
    assert "Délai trop court." in found and "Bonne procédure." not in found


def test_a_link_serves_once_and_expires(db, buyer, sent, client, post):
    q = question_ids(db)
    first, second = list(sent.values())[:2]
    assert answer(client, post, first, **{f"q-{q[1]}": "2"}).status_code == 200
    again = post(link_path(first), {f"q-{q[1]}": "3"})
    assert again.status_code == 409
    assert "déjà été donnée avec ce lien" in page_text(again)
    assert client.get(link_path(first)).status_code == 409
    assert db.scalar(select(CandidateResponse.id).limit(1)) is not None
    assert len(db.scalars(select(CandidateResponse)).all()) == 1
    clock.freeze(SENT + timedelta(days=30, minutes=1))
    late = client.get(link_path(second))
    assert late.status_code == 410
    assert "expiré" in page_text(late)
    assert post(link_path(second), {f"q-{q[1]}": "3"}).status_code == 410
    assert client.get("/enquete-candidats/inconnu").status_code == 404


def test_public_page_changes_nothing_and_refuses_bad_values(db, buyer, sent, client, post):
    q = question_ids(db)
    link = next(iter(sent.values()))
    page = client.get(link_path(link))
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "<fieldset" in page.text and "<legend>" in page.text
    assert db.scalar(select(CandidateInvitation.used).limit(1)) is False
    refused = post(link_path(link), {f"q-{q[6]}": "11", f"q-{q[7]}": "Mon commentaire"})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "Choisissez une des réponses proposées." in text
    assert "Mon commentaire" in refused.text
    assert post(link_path(link), {}).status_code == 422  # nothing answered
    assert db.scalar(select(CandidateResponse.id)) is None
    assert post(link_path(link), {"csrf_token": "faux", f"q-{q[1]}": "2"}).status_code == 403


def test_an_answer_has_no_way_back_to_its_address(db, buyer, sent, client, post):
    q = question_ids(db)
    link = sent[ADDRESSES[2]]
    answer(client, post, link, **{f"q-{q[1]}": "1", f"q-{q[7]}": "Anonyme"})
    for model in (CandidateResponse, CandidateAnswer):
        columns = {c.key for c in inspect(model).columns}
        foreign = {fk.column.table.name for c in model.__table__.columns for fk in c.foreign_keys}
        assert not columns & {"invitation_id", "email", "token_digest", "address_digest",
                              "created_at", "ip", "user_agent"}
        assert "candidate_invitation" not in foreign
    used = db.scalar(select(CandidateInvitation).where(CandidateInvitation.used))
    assert used.email is None  # erased once answered
    assert {i.email for i in db.scalars(select(CandidateInvitation).where(
        CandidateInvitation.used.is_(False)))} == set(ADDRESSES) - {ADDRESSES[2]}
    row = db.execute(select(CandidateResponse.__table__)).one()._asdict()
    assert set(row) == {"id", "survey_id"}


def test_reminder_mails_a_new_link_once(db, buyer, sent, client, login, post):
    q = question_ids(db)
    answer(client, post, sent[ADDRESSES[0]], **{f"q-{q[1]}": "3"})
    login(buyer)
    url = contract_page(buyer.contract) + "/relancer"
    assert post(url).status_code == 303
    page = page_text(client.get(contract_page(buyer.contract)))
    # Neither the message nor the page tells how many were reminded (6 − answered).
    assert "Relance envoyée aux candidats qui n'avaient pas encore répondu" in page
    assert "5 adresse" not in page and "relancée" not in page and "Invitations envoyées 6" in page
    links = mailed_links(db)
    assert len(db.scalars(select(OutgoingMail)).all()) == 11  # 6 invitations + 5 reminders
    assert links[ADDRESSES[1]] != sent[ADDRESSES[1]]
    post(url)
    assert len(db.scalars(select(OutgoingMail)).all()) == 11
    client.cookies.clear()
    assert client.get(link_path(sent[ADDRESSES[1]])).status_code == 404  # replaced
    assert client.get(link_path(links[ADDRESSES[1]])).status_code == 200


def test_other_buyers_and_suppliers_cannot_see_or_create(db, buyer, sent, client, login, post):
    other = factories.make_user(db, Role.buyer)
    supplier = factories.make_user(db, Role.supplier)
    url = contract_page(buyer.contract)
    login(other)
    assert client.get(url).status_code == 404
    assert post(url, {"adresses": "a@b.fr", "action": "envoyer"}).status_code == 404
    assert post(url + "/relancer").status_code == 404
    assert ESP_REF not in client.get("/enquetes-candidats").text
    client.cookies.clear()
    login(supplier)
    assert client.get(url).status_code == 403
    assert client.get("/enquetes-candidats/resultats").status_code == 403
    assert post(url, {"adresses": "a@b.fr", "action": "envoyer"}).status_code == 403
    assert len(db.scalars(select(OutgoingMail)).all()) == 6


ESP_REF = "ESP-VERTS-26"


def test_list_is_searchable(db, buyer, sent, client, login):
    login(buyer)
    assert ESP_REF in client.get("/enquetes-candidats").text
    assert "Ouverte" in page_text(client.get("/enquetes-candidats"))
    assert ESP_REF in client.get("/enquetes-candidats?q=espaces").text
    missing = client.get("/enquetes-candidats?q=voirie")
    assert ESP_REF not in missing.text and "Aucun résultat" in page_text(missing)


def test_addresses_of_expired_links_are_erased_by_the_daily_job(db, buyer, sent, client, post):
    from surveys.candidates.jobs import erase_expired_addresses

    assert erase_expired_addresses(db) == "0 adresse de candidat effacée"
    delivered = db.scalars(select(OutgoingMail)).all()
    delivered[0].status = "sent"
    db.commit()
    erase_expired_addresses(db)
    assert delivered[0].to_address == "adresse effacée"
    assert "enquete-candidats" not in delivered[0].text_body
    assert delivered[1].to_address in ADDRESSES  # not delivered yet: kept to send
    clock.freeze(SENT + timedelta(days=31))
    assert erase_expired_addresses(db) == "6 adresses de candidats effacées"
    assert set(db.scalars(select(CandidateInvitation.email))) == {None}
    assert set(db.scalars(select(OutgoingMail.to_address))) == {"adresse effacée"}
    assert erase_expired_addresses(db) == "0 adresse de candidat effacée"
