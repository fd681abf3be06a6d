"""French labels of the contract register's closed lists."""

from portal.models import Contract, ReservedBasis

KINDS = {"market": "Marché public", "concession": "Concession"}
NATURES = {"works": "Travaux", "supplies": "Fournitures", "services": "Services"}
FREQUENCIES = {"monthly": "Mensuelles", "quarterly": "Trimestrielles", "yearly": "Annuelles"}
ROLES = {"admin": "Administrateur", "buyer": "Acheteur", "supplier": "Entreprise",
         "facilitator": "Facilitateur"}
ORG_KINDS = {"buyer": "Acheteur", "supplier": "Entreprise", "facilitator": "Facilitateur"}
SIZES = {"TPE": "TPE", "PME": "PME", "ETI": "ETI", "GE": "Grande entreprise"}
# DECP vocabulary of social and environmental considerations.
CONSIDERATIONS = {
    "social_clause": "Clause sociale",
    "social_criterion": "Critère social",
    "reserved": "Marché réservé",
    "environmental_clause": "Clause environnementale",
    "environmental_criterion": "Critère environnemental",
}

# The climate follow-up of a contract (not DECP considerations: the DECP has no field for them),
# with the hint the contract form shows under each box.
CLIMATE_FLAGS = {
    "global_cost_criterion": "Critère d'attribution fondé sur le coût global (coût du cycle de "
                             "vie)",
    "carbon_clause": "Clause carbone",
}
CLIMATE_HINTS = {
    "global_cost_criterion": "Les offres ont été comparées sur leur coût global : achat, usage, "
                             "maintenance, fin de vie et, le cas échéant, coût des émissions "
                             "(articles R2152-9 et R2152-10 du code de la commande publique).",
    "carbon_clause": "Le contrat impose au titulaire de réduire ou de suivre les émissions de "
                     "gaz à effet de serre liées à son exécution.",
}

# The legal basis of a reserved contract (code de la commande publique): Contract.reserved_basis.
RESERVED_BASES: dict[str, str] = {
    ReservedBasis.adapted: "L2113-12 — entreprises adaptées et ESAT",
    ReservedBasis.insertion: "L2113-13 — structures d'insertion par l'activité économique (SIAE)",
    ReservedBasis.social_economy: "L2113-15 — entreprises de l'ESS (services de santé, sociaux "
                                  "et culturels)",
}
NO_RESERVED_BASIS = "Base non renseignée"


def considerations(contract: Contract) -> list[str]:
    return [label for field, label in CONSIDERATIONS.items() if getattr(contract, field)]


def climate(contract: Contract) -> list[str]:
    return [label for field, label in CLIMATE_FLAGS.items() if getattr(contract, field)]
