"""What every kind of mail says, read from the recorded outbox: a capitalised subject that names
the contract it is about, counts agreed with their word, French typography (a no-break space
before « : ; ! ? % € » and after « « »), and a subject that reaches the reader with its spaces."""

import re
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

from sqlalchemy import select

from execution.jobs import weekly_digest
from portal import clock
from portal.jobs import deliver_mail
from portal.mail import OutgoingMail
from portal.notifications import Notification
from portal.settings import get_settings
from supplier.jobs import notify_overdue, remind_due
from surveys.jobs import launch_campaigns
from tests import factories

NBSP = "\xa0"
# A plain space where French typography wants a no-break one.
LOOSE_SPACE = re.compile(r" [:;!?%€»]|« |\d h\b")
LONG_OBJECT = "Travaux de rénovation énergétique du groupe scolaire Jules-Ferry et de ses annexes"


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 7, tzinfo=UTC))


def _mails(db) -> dict[str, list[OutgoingMail]]:
    by_kind: dict[str, list[OutgoingMail]] = {}
    for mail in db.scalars(select(OutgoingMail).order_by(OutgoingMail.id)):
        by_kind.setdefault(mail.kind, []).append(mail)
    return by_kind


def _well_written(mail: OutgoingMail) -> None:
    assert mail.subject[0].isupper(), mail.subject
    for part in (mail.subject, mail.text_body, mail.html_body or ""):
        assert not LOOSE_SPACE.search(part), (mail.kind, LOOSE_SPACE.search(part), part)


def test_every_mail_about_a_contract_names_it_in_its_subject(db, world):
    world.contract.object = LONG_OBJECT
    db.commit()
    # The reference and the object, cut at a word.
    short = "Travaux de rénovation énergétique du groupe…"
    contract = f"{world.contract.reference} «{NBSP}{short}{NBSP}»"
    _at(date(2025, 4, 8))
    remind_due(db)
    _at(date(2025, 4, 16))
    remind_due(db)  # the holder's day: the overdue alert
    _at(date(2025, 4, 23))
    notify_overdue(db)  # the buyer's, after the grace period
    _at(date(2026, 1, 5))  # the contract ended on 31/12/2025: its survey is launched
    launch_campaigns(db)
    _at(date(2026, 1, 30))  # a week before the survey's due date
    launch_campaigns(db)

    mails = _mails(db)
    subjects = {kind: mails[kind][0].subject for kind in (
        "reminder", "overdue", "overdue_buyer", "survey", "survey_reminder")}
    assert subjects == {
        "reminder": f"Rappel{NBSP}: déclaration à déposer avant le 15/04/2025 — contrat "
                    f"{contract}",
        "overdue": f"Déclaration en retard — contrat {contract}",
        "overdue_buyer": f"Déclaration non déposée — contrat {contract}",
        "survey": f"Enquête de fin de contrat {contract}",
        "survey_reminder": f"Relance{NBSP}: enquête de fin de contrat {contract}",
    }
    for kind_mails in mails.values():
        for mail in kind_mails:
            _well_written(mail)
            assert world.contract.reference in mail.text_body
    reminder = mails["reminder"][0]
    assert f"À déposer avant le 15/04/2025{NBSP}: Heures d'insertion" in reminder.text_body
    # The URL itself is untouched.
    assert f"Toutes les déclarations{NBSP}: http://" in reminder.text_body


def test_the_weekly_digest_agrees_its_counts_and_keeps_the_spaces_of_its_subject(db, world):
    # A name with accents: the subject is sent as encoded words, where Python's own folding
    # used to drop the space after the dash (« responsables —Métropole »).
    world.buyer.organisation.name = "Métropole européenne de Lille"
    db.commit()
    factories.submit(db, world.declarations[0], world.holder)
    _at(date(2025, 5, 5))  # a Monday, week 19
    weekly_digest(db)

    [mail] = _mails(db)["digest"]
    subject = "Votre semaine sur le portail des achats responsables — Métropole européenne de Lille"
    assert mail.subject == subject
    _well_written(mail)
    assert f"Déclarations à examiner{NBSP}: 1" in mail.text_body
    assert re.search(r"validées sur [\d\u202f]+,\d\d\xa0h attendues", mail.text_body)
    told = db.scalar(select(Notification.message).where(Notification.user_id == world.buyer.id,
                                                         Notification.kind == "digest"))
    assert told == ("Semaine 19 : 1 déclaration à examiner, 1 contrat en retard, "
                    "0 déclaration en retard de dépôt.")

    assert deliver_mail(db) == "1 courriel envoyé, 0 en échec"
    eml = get_settings().data_dir / "mail" / f"20250505-070000-{mail.id:06d}.eml"
    raw = eml.read_bytes()
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    # Every header line short enough for any mail server.
    assert max(len(line) for line in raw.split(b"\n\n", 1)[0].splitlines()) <= 78


def test_account_mails_agree_their_durations_and_keep_french_typography(
        client, db, login, post, world, monkeypatch):
    monkeypatch.setattr(get_settings(), "reset_hours", 1)
    post("/mot-de-passe-oublie", {"email": world.holder.email})
    login(world.buyer)
    # A supplier that has people: a request to its gestionnaire, then the answer to the buyer.
    post("/comptes/inviter", {"organisation_id": world.holder.organisation_id,
                              "email": "nouveau@titulaire.example.fr",
                              "full_name": "Nouveau Venu"})
    request_id = db.scalar(select(Notification.key).where(
        Notification.user_id == world.holder.id)).rsplit(":", 1)[1]
    client.cookies.clear()
    login(world.holder)
    assert post(f"/organisation/demandes/{request_id}/accepter").status_code == 303

    mails = _mails(db)
    [reset] = mails["password_reset"]
    assert reset.subject == "Réinitialisation de votre mot de passe"
    assert "valable 1 heure, une seule fois" in reset.text_body  # not « 1 heures »
    [invitation] = mails["invitation"]
    assert "valable 7 jours" in invitation.text_body
    assert f"Votre identifiant est votre adresse e-mail{NBSP}: nouveau@" in invitation.text_body
    asked, answered = mails["access_request"]
    assert (asked.subject, answered.subject) == (
        "Demande d'ajout d'un utilisateur", "Réponse à votre demande d'ajout d'un utilisateur")
    for mail in (reset, invitation, asked, answered):
        _well_written(mail)


def test_the_mails_of_each_step_name_the_contract_and_keep_french_typography(db, world):
    from execution.review import service as review

    world.contract.object = LONG_OBJECT
    db.commit()
    declaration = factories.submit(db, world.declarations[0], world.holder)
    db.refresh(declaration)
    review.return_to_holder(db, declaration.id, reviewer=world.buyer,
                            version=declaration.version, comment="Précisez : le public ?")
    db.commit()
    mails = _mails(db)
    short = "Travaux de rénovation énergétique du groupe…"
    contract = f"{world.contract.reference} «{NBSP}{short}{NBSP}»"
    assert [m.subject for m in mails["declaration_submit"]] == [
        f"Déclaration à examiner — contrat {contract}"]
    [returned] = mails["declaration_return"]
    assert returned.subject == f"Déclaration renvoyée pour correction — contrat {contract}"
    assert f"Commentaire de l'acheteur{NBSP}:\nPrécisez{NBSP}: le public{NBSP}?" in \
        returned.text_body
    for kind_mails in mails.values():
        for mail in kind_mails:
            _well_written(mail)
