"""Closed lists of the insertion declaration, with their French labels.

Sources: ../shared/reference/domain.md §2.1 (eligible publics) and §2.4 (execution modes). The
résidence en QPV is left out: the reference marks it UNCONFIRMED as a stand-alone criterion.
"""

PUBLIC_CATEGORIES = {
    "DELD_12M": "Demandeur d'emploi de longue durée (12 mois et plus)",
    "DETLD_24M": "Demandeur d'emploi de très longue durée (24 mois et plus)",
    "RSA": "Bénéficiaire du RSA",
    "ASS": "Bénéficiaire de l'allocation de solidarité spécifique (ASS)",
    "AAH": "Bénéficiaire de l'allocation aux adultes handicapés (AAH)",
    "AI": "Bénéficiaire de l'allocation d'insertion (AI)",
    "PENSION_INVALIDITE": "Titulaire d'une pension d'invalidité",
    "TH_RQTH": "Travailleur handicapé (RQTH)",
    "JEUNE_MOINS_26": "Jeune de moins de 26 ans en démarche d'insertion",
    "SENIOR_50_PLUS": "Demandeur d'emploi de 50 ans et plus",
    "NIVEAU_3_OU_INFRA": "Personne de niveau de formation 3 ou infra",
    "SALARIE_SIAE": "Salarié d'une structure d'insertion (SIAE)",
    "EPIDE_E2C": "Personne suivie par un EPIDE ou une École de la 2e chance",
    "AUTRE_VALIDE_FACILITATEUR": "Autre personne validée par le facilitateur",
}

SEXES = {"F": "Femme", "M": "Homme"}

AGE_BANDS = {
    "MOINS_26": "Moins de 26 ans",
    "26_49": "26 à 49 ans",
    "50_PLUS": "50 ans et plus",
}

EXECUTION_MODES = {
    "EMBAUCHE_DIRECTE": "Embauche directe",
    "ETTI": "Intérim d'insertion (ETTI)",
    "AI": "Mise à disposition par une association intermédiaire",
    "GEIQ": "Mise à disposition par un GEIQ",
    "SOUS_TRAITANCE_SIAE": "Sous-traitance à une SIAE (EI, ACI)",
    "CO_TRAITANCE": "Co-traitance avec une SIAE",
    "EA_ESAT": "Recours à une EA ou un ESAT",
    "FORMATION": "Action de formation",
}

STATUS_LABELS = {
    "expected": "À déclarer",
    "draft": "Brouillon",
    "submitted": "Déposée",
    "returned": "Renvoyée pour correction",
    "validated": "Validée",
}

# The facilitator's opinion on an insertion declaration (supplier.models.FacilitatorOpinion).
FACILITATOR_OPINIONS = {
    "compliant": "Conforme",
    "to_correct": "À corriger",
    "unverifiable": "Non vérifiable",
}
