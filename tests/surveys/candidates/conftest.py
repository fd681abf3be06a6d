"""The candidate survey tests' buyer, its six invited candidates and the ways they answer."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import clock
from portal.mail import OutgoingMail
from portal.models import OrgKind, Role
from surveys.candidates.models import CandidateQuestion
from tests import factories

SENT = datetime(2026, 3, 2, 9, tzinfo=UTC)
ADDRESSES = [f"candidat{n}@entreprise{n}.fr" for n in range(1, 7)]


@pytest.fixture
def buyer(db):
    clock.freeze(SENT)
    user = factories.make_user(db, Role.buyer, factories.make_org(
        db, OrgKind.buyer, name="Ville de Saint-Aubin"))
    holder = factories.make_org(db, name="Paysages Durables")
    user.contract = factories.make_contract(db, user, holder, insertion=None,
                                            reference="ESP-VERTS-26",
                                            object="Entretien des espaces verts")
    return user


def contract_page(contract) -> str:
    return f"/enquetes-candidats/contrats/{contract.id}"


def mailed_links(db) -> dict[str, str]:
    """The link each address received by mail (the newest one)."""
    mails = db.scalars(select(OutgoingMail).where(OutgoingMail.kind == "candidate_survey")
                       .order_by(OutgoingMail.id))
    return {mail.to_address: re.search(r"https?://\S+/enquete-candidats/(\S+)",
                                       mail.text_body).group(0) for mail in mails}


def link_path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def sent(db, buyer, client, login, post):
    """The buyer invited six candidates (a duplicate and blank lines in the list)."""
    login(buyer)
    typed = "\n".join([ADDRESSES[0].upper(), "", *ADDRESSES, "  "])
    response = post(contract_page(buyer.contract), {"adresses": typed, "action": "envoyer"})
    assert response.status_code == 303, response.text
    client.cookies.clear()  # the candidates are not logged in
    return mailed_links(db)


def answer(client, post, link, **values):
    client.get(link_path(link))  # the page gives the CSRF cookie, as a browser gets it
    return post(link_path(link), values)


def question_ids(db) -> dict[int, int]:
    return {q.position: q.id for q in db.scalars(select(CandidateQuestion))}
