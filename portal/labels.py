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
