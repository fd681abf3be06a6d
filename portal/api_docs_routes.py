"""The API's documentation: the tags of /openapi.json and the /api/docs page, Swagger UI served
from the portal's own files (an intranet may not reach a CDN)."""

from fastapi import APIRouter, Request

from portal.auth import OptionalUser
from portal.web import render

router = APIRouter()

# Tag names become module names in generated clients (`api/contracts/…`): ASCII, stable. What
# people read is the description, in French.
OPENAPI_TAGS = [
    {"name": "identity", "description": "Jeton d'accès et utilisateur connecté."},
    {"name": "contracts", "description": "Contrats et leurs engagements (lecture pour tous, "
                                         "enregistrement et modification par l'acheteur)."},
    {"name": "declarations", "description": "Déclarations d'exécution : le titulaire les "
                                            "remplit et les dépose, l'acheteur les valide, "
                                            "les renvoie ou les rouvre ; le facilitateur "
                                            "de la clause sociale vérifie les heures "
                                            "d'insertion et donne son avis."},
    {"name": "surveys", "description": "Enquêtes de satisfaction de fin de contrat."},
    {"name": "indicators", "description": "Indicateurs SPASER d'une année."},
    {"name": "invoices", "description": "Factures et délais de paiement : l'acheteur lit "
                                        "celles de son organisation, l'entreprise les siennes, "
                                        "avec le retard, les intérêts moratoires et "
                                        "l'indemnité dus."},
    {"name": "mediation", "description": "Demandes de médiation, en lecture : l'entreprise "
                                         "qui les a ouvertes et les médiateurs de l'acheteur, "
                                         "personne d'autre."},
]


@router.get("/api/docs", include_in_schema=False)
def api_docs_page(request: Request, user: OptionalUser):
    return render(request, "portal/api_docs.html", {"spec_url": request.app.openapi_url})
