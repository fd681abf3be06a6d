"""Demo candidate surveys of the métropole's procedures:

- LE-2026-003 (piscine): seven unsuccessful candidates invited, six answered, then the buyer
  closed the survey: the contract's page shows its figures and comments;
- LE-2024-014 (nettoyage): three invited, two answered, still open: « Résultats masqués jusqu'à
  la clôture de l'enquête » on the contract, and not counted on the organisation's results
  page (six answers, the piscine's alone).

Loading twice changes nothing (a contract with a candidate survey is left as it is).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Contract, Organisation, User
from surveys.candidates import service

CLAIRE = "claire.martin@loire-estuaire.example.fr"
# Answers by question position (1–5 agreement 1–4, 6 likelihood 0–10, 7 comment).
ANSWERS: dict[str, list[dict[int, int | str]]] = {
    "LE-2026-003": [
        {1: 4, 2: 2, 3: 3, 4: 3, 5: 2, 6: 8, 7: "Délai de trois semaines trop court en été."},
        {1: 3, 2: 2, 3: 2, 4: 4, 5: 1, 6: 6,
         7: "Aucune explication sur la note technique reçue."},
        {1: 4, 2: 3, 3: 3, 4: 3, 5: 3, 6: 9},
        {1: 3, 2: 1, 3: 2, 4: 2, 5: 2, 6: 5, 7: "Trop de pièces demandées dès la candidature."},
        {1: 4, 2: 3, 3: 4, 4: 4, 5: 4, 6: 10, 7: "Clause d'insertion bien expliquée."},
        {1: 2, 2: 2, 3: 3, 4: 3, 5: 1, 6: 7},
    ],
    "LE-2024-014": [{1: 3, 2: 3, 3: 3, 4: 2, 5: 3, 6: 7}, {1: 4, 2: 4, 3: 3, 4: 3, 5: 4, 6: 9}],
}
INVITED = {"LE-2026-003": 7, "LE-2024-014": 3}
CLOSED = {"LE-2026-003"}


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    buyer = users[CLAIRE]
    questions = {q.position: q.id for q in service.questions(db)}
    for reference, answers in ANSWERS.items():
        contract = db.scalar(select(Contract).where(Contract.buyer_org_id == buyer.organisation_id,
                                                    Contract.reference == reference))
        if contract is None or service.survey_of(db, contract.id) is not None:
            continue
        addresses = [f"candidat{n}.{reference.lower()}@exemple-candidat.example.fr"
                     for n in range(1, INVITED[reference] + 1)]
        tokens, _known = service.invite(db, contract, addresses, user=buyer)
        for token, values in zip(tokens, answers, strict=False):
            service.answer(db, token, {questions[p]: str(v) for p, v in values.items()})
        if reference in CLOSED:
            service.close(db, contract, user=buyer)
