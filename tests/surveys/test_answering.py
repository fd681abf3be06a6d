"""Answering through the pages: draft, submission once, never after, closed campaigns."""

import re
from datetime import date

from portal import clock
from surveys.jobs import close_expired_campaigns
from surveys.models import Invitation
from tests.surveys.conftest import at, page_text


def _my_survey(client, db, user, subject_org_id):
    page = client.get("/enquetes")
    ids = [int(i) for i in re.findall(r'href="/enquetes/(\d+)"', page.text)]
    invitation = next(db.get(Invitation, i) for i in ids
                      if db.get(Invitation, i).subject_org_id == subject_org_id)
    return invitation


def _field(answer):
    return f"q-{answer.id}"


def test_draft_then_submit_once(client, db, login, post, launched):
    login(launched.holder)
    invitation = _my_survey(client, db, launched.holder, launched.buyer.organisation_id)
    url = f"/enquetes/{invitation.id}"
    page = client.get(url)
    assert page.status_code == 200
    # Every scale as an accessible radio group; « Non concerné » on the 1–5 questions.
    assert page.text.count("<fieldset") == 11 and page.text.count("<legend>") == 11
    assert page.text.count('value="na"') == 8
    text = page_text(page)
    assert "1. Clarté du dossier de consultation et du cahier des charges" in text
    assert "Je ne sais pas" in text and "5 — Très satisfait" in text

    answers = {a.position: a for a in invitation.answers}
    response = post(url, {_field(answers[1]): "4", _field(answers[4]): "unknown",
                          _field(answers[12]): "Très bonne écoute.", "action": "save"})
    assert response.status_code == 303
    page = client.get(url)
    assert "Brouillon enregistré." in page_text(page)
    assert f'id="q-{answers[1].id}-4" name="q-{answers[1].id}" value="4" checked' in page.text
    assert "Très bonne écoute." in page.text
    db.refresh(invitation)
    assert invitation.status == "draft" and invitation.saved_at is not None

    # Submitting with questions left blank: nothing is deposited, the blanks are pointed out.
    response = post(url, {_field(answers[1]): "4", "action": "submit"})
    assert response.status_code == 422
    text = page_text(response)
    assert "il manque des réponses" in text
    assert "Question 2 : Répondez à cette question avant de déposer vos réponses." in text
    assert 'aria-invalid="true"' in response.text

    complete = {_field(a): "3" for a in invitation.answers if a.scale == "satisfaction"}
    complete.update({_field(answers[4]): "no", _field(answers[10]): "yes",
                     _field(answers[11]): "10", _field(answers[2]): "na", "action": "submit"})
    response = post(url, complete)
    assert response.status_code == 303
    db.refresh(invitation)
    assert invitation.status == "submitted" and invitation.submitted_by_id == launched.holder.id
    saved = {a.position: a for a in invitation.answers}
    assert saved[2].not_applicable and saved[11].value == 10 and saved[4].choice == "no"
    assert saved[12].text is None  # the form sent the comment box empty

    page = page_text(client.get(url))
    assert "Vos réponses ont été déposées le 10/01/2026" in page
    assert "<form method=\"post\" action=\"/enquetes/" not in client.get(url).text
    # A second submission is refused; the answers stay as they were.
    response = post(url, {**complete, _field(answers[11]): "0"})
    assert response.status_code == 409
    assert "ont déjà été déposées : elles ne sont plus modifiables" in page_text(response)
    db.refresh(saved[11])
    assert saved[11].value == 10
    assert "Enquêtes de satisfaction à remplir" not in page_text(client.get("/fournisseur"))


def test_out_of_scale_values_are_refused_with_french_messages(client, db, login, post, launched):
    login(launched.buyer)
    invitation = _my_survey(client, db, launched.buyer, launched.holder.organisation_id)
    answers = {a.position: a for a in invitation.answers}
    response = post(f"/enquetes/{invitation.id}", {
        _field(answers[1]): "6", _field(answers[9]): "na",
        _field(answers[10]): "x" * 2001, "action": "save"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Question 1 : Choisissez une note de 1 à 5 ou « Non concerné »." in text
    assert "Question 9 : Choisissez une note de 0 à 10." in text
    assert "Question 10 : Le commentaire ne peut pas dépasser 2 000 caractères." in text
    db.refresh(invitation)
    assert invitation.saved_at is None


def test_a_closed_campaign_refuses_answers(client, db, login, post, launched):
    login(launched.holder)
    invitation = _my_survey(client, db, launched.holder, launched.buyer.organisation_id)
    first = invitation.answers[0]
    assert post(f"/enquetes/{invitation.id}", {_field(first): "2", "action": "save"}
                ).status_code == 303

    # After the due date, before the job has run: already refused.
    clock.freeze(at(date(2026, 2, 1), 1))
    login(launched.holder)  # the session of 10/01 has expired
    response = post(f"/enquetes/{invitation.id}", {_field(first): "5", "action": "save"})
    assert response.status_code == 409
    assert "La date limite de réponse (31/01/2026) est passée" in page_text(response)

    close_expired_campaigns(db, date(2026, 2, 1))
    db.commit()
    response = post(f"/enquetes/{invitation.id}", {_field(first): "5", "action": "submit"})
    assert response.status_code == 409
    assert "Cette enquête est close depuis le 01/02/2026" in page_text(response)
    page = page_text(client.get(f"/enquetes/{invitation.id}"))
    assert "Cette enquête n'accepte plus de réponses" in page
    db.refresh(first)
    assert first.value == 2 and invitation.status == "draft"


def test_the_subject_side_cannot_answer_in_the_respondents_place(client, db, login, post,
                                                                  launched):
    login(launched.buyer)
    buyer_invitation = _my_survey(client, db, launched.buyer, launched.holder.organisation_id)
    client.cookies.clear()
    login(launched.holder)
    response = post(f"/enquetes/{buyer_invitation.id}",
                    {_field(buyer_invitation.answers[0]): "1", "action": "submit"})
    assert response.status_code == 403
    page = page_text(client.get(f"/enquetes/{buyer_invitation.id}"))
    assert f"Évaluation de votre organisation par {launched.buyer.organisation.name}" in page
    assert "n'a pas encore déposé son évaluation" in page


def test_htmx_gets_only_the_form_block_back(client, db, login, post, launched):
    login(launched.holder)
    invitation = _my_survey(client, db, launched.holder, launched.buyer.organisation_id)
    first = invitation.answers[0]
    htmx = {"HX-Request": "true"}
    response = post(f"/enquetes/{invitation.id}", {_field(first): "9", "action": "save"},
                    headers=htmx)
    assert response.status_code == 422 and "<html" not in response.text
    assert 'id="survey_form"' in response.text
    assert "Choisissez une note de 1 à 5" in page_text(response)
    response = post(f"/enquetes/{invitation.id}", {_field(first): "4", "action": "save"},
                    headers=htmx)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/enquetes/{invitation.id}"
    # Once submitted, a late htmx submission gets the read-only block and the reason.
    complete = {_field(a): ("3" if a.scale == "satisfaction" else "9" if a.scale == "likelihood"
                            else "no" if a.scale != "text" else "") for a in invitation.answers}
    assert post(f"/enquetes/{invitation.id}", {**complete, "action": "submit"}
                ).status_code == 303
    response = post(f"/enquetes/{invitation.id}", {**complete, "action": "submit"},
                    headers=htmx)
    assert response.status_code == 409 and "<html" not in response.text
    assert "3 — Moyennement satisfait" in page_text(response)
