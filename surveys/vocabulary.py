"""French labels of the surveys and the default question banks (reference/surveys.md)."""

from surveys.models import Direction, Scale

S, L, YNU, YN, T = (Scale.satisfaction, Scale.likelihood, Scale.yes_no_unknown, Scale.yes_no,
                    Scale.text)

DEFAULT_BANKS: dict[Direction, list[tuple[str, Scale]]] = {
    Direction.buyer_rates_holder: [
        ("Qualité globale des prestations ou fournitures", S),
        ("Conformité des livrables au cahier des charges", S),
        ("Respect des délais contractuels", S),
        ("Réactivité et disponibilité de l'interlocuteur du titulaire", S),
        ("Mise en œuvre de la clause d'insertion, si le contrat en comporte une", S),
        ("Mise en œuvre des engagements environnementaux (AGEC, plan de progrès)", S),
        ("Qualité et ponctualité des déclarations déposées sur le portail", S),
        ("Force de proposition et innovation", S),
        ("Recommanderiez-vous ce titulaire à un autre acheteur public ?", L),
        ("Commentaire libre", T),
    ],
    Direction.holder_rates_buyer: [
        ("Clarté du dossier de consultation et du cahier des charges", S),
        ("Équilibre et proportionnalité des clauses (pénalités, exigences sociales et "
         "environnementales)", S),
        ("Respect des délais de paiement (30 jours pour les collectivités)", S),
        ("Avez-vous perçu spontanément les intérêts moratoires dus en cas de retard ?", YNU),
        ("Qualité de la communication et disponibilité d'un interlocuteur", S),
        ("Respect par l'acheteur de ses propres délais (bons de commande, validations, "
         "réponses)", S),
        ("Accompagnement sur la clause d'insertion (facilitateur, information)", S),
        ("Simplicité des déclarations demandées sur le portail", S),
        ("Gestion des modifications du contrat (avenants)", S),
        ("Connaissez-vous le médiateur interne ou le correspondant PME de l'acheteur ?", YN),
        ("Quelle est la probabilité que vous candidatiez à nouveau à un marché de cet "
         "acheteur ?", L),
        ("Commentaire libre", T),
    ],
    # The facilitator's view of the insertion clause at the end of the contract (Alliance
    # Villes Emploi's follow-up topics): the holder's and the buyer's cooperation, the pathways
    # offered, whether the hours declared match what it observed.
    Direction.facilitator_rates_clause: [
        ("Coopération du titulaire avec le facilitateur (disponibilité, échanges, "
         "transmission des informations)", S),
        ("Anticipation des besoins de recrutement par le titulaire (fiches de poste, "
         "calendrier des interventions)", S),
        ("Qualité des parcours proposés aux personnes en insertion (tutorat, accueil, "
         "formation, diversité des tâches)", S),
        ("Les heures déclarées par le titulaire correspondent-elles à celles que vous avez "
         "constatées ?", YNU),
        ("Des personnes en insertion ont-elles obtenu un contrat durable ou une formation "
         "qualifiante à l'issue de leur mission ?", YNU),
        ("Appui de l'acheteur dans la mise en œuvre de la clause (information, relances, "
         "suivi)", S),
        ("Qualité de la coordination entre l'acheteur, le titulaire et le facilitateur", S),
        ("Souhaiteriez-vous travailler à nouveau avec ce titulaire sur une clause "
         "d'insertion ?", L),
        ("Commentaire libre", T),
    ],
}

DIRECTIONS = {
    Direction.buyer_rates_holder: "Évaluation du titulaire par l'acheteur",
    Direction.holder_rates_buyer: "Évaluation de l'acheteur par le titulaire (évaluation "
                                  "inversée)",
    Direction.facilitator_rates_clause: "Évaluation de la clause d'insertion par le "
                                        "facilitateur (fin de contrat)",
}
DIRECTIONS_SHORT = {Direction.buyer_rates_holder: "Acheteur → titulaire",
                    Direction.holder_rates_buyer: "Titulaire → acheteur",
                    Direction.facilitator_rates_clause: "Facilitateur → clause d'insertion"}
SCALES = {
    Scale.satisfaction: "Satisfaction de 1 à 5 (ou « Non concerné »)",
    Scale.likelihood: "Probabilité de 0 à 10",
    Scale.yes_no_unknown: "Oui / non / je ne sais pas",
    Scale.yes_no: "Oui / non",
    Scale.text: "Texte libre (2 000 caractères au plus)",
}
SATISFACTION = {1: "Très insatisfait", 2: "Insatisfait", 3: "Moyennement satisfait",
                4: "Satisfait", 5: "Très satisfait"}
NOT_APPLICABLE = "na"
NOT_APPLICABLE_LABEL = "Non concerné"
CHOICES = {
    Scale.yes_no_unknown: {"yes": "Oui", "no": "Non", "unknown": "Je ne sais pas"},
    Scale.yes_no: {"yes": "Oui", "no": "Non"},
}
REASONS = {"ended": "fin du contrat", "closed_early": "clôture anticipée du contrat",
           "manual": "lancée par l'acheteur",
           "anniversary": "anniversaire du début du contrat"}
MAX_TEXT = 2000
MAX_WORDING = 500


def options(scale: str) -> list[tuple[str, str]]:
    """(value, label) of every answer a scale offers, in the order the form shows them."""
    if scale == Scale.satisfaction:
        return [(str(v), f"{v} — {label}") for v, label in SATISFACTION.items()] + [
            (NOT_APPLICABLE, NOT_APPLICABLE_LABEL)]
    if scale == Scale.likelihood:
        return [(str(v), str(v)) for v in range(11)]
    return list(CHOICES.get(scale, {}).items())


def answer_label(answer) -> str:
    """What an answer reads like in French (pages and CSV export)."""
    if answer.not_applicable:
        return NOT_APPLICABLE_LABEL
    if answer.value is not None:
        if answer.scale == Scale.satisfaction:
            return f"{answer.value} — {SATISFACTION[answer.value]}"
        return f"{answer.value} / 10"
    if answer.choice is not None:
        return CHOICES[answer.scale][answer.choice]
    return answer.text or ""
