"""Every route of the app against every kind of person, on what they own and what they don't.

The routes come from the router, so a new route is covered without anyone remembering: it fails
until POLICY says who may call it. Each route is called by anonymous, each role, and a person of
another organisation of the same role (tests/matrix_world.py), on the first side's objects and on
the other side's (tests/matrix_targets.py); a form carries the CSRF token, the API a bearer
token. Every case runs in a savepoint rolled back afterwards (tests/matrix_runner.py).

- Allowed: 2xx/3xx (not a redirect to the login page); a change (POST/PUT) may also answer 409
  or 422 (state or input).
- Refused: 401, 403 or 404, or the login page for anonymous; and no table changed.
- A GET changes nothing, whoever calls it (only forms carry the CSRF token); a form
  sent by another site riding an allowed person's session (no token) gets 403 and changes
  nothing; a page answers the same way to an htmx swap (the first person allowed, the first
  refused), its fragment or the login page's HX-Redirect.
- Whatever the answer, it never holds another side's data: each side's references, names,
  beneficiary references and double-blind answers are markers only their readers may receive.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from execution.indicators.config import DEFINITIONS
from execution.review import service as review
from portal.app import create_app
from portal.models import Contract
from portal.web import verify_csrf
from supplier import service as supplier_service
from supplier.models import Declaration
from tests import factories, matrix_targets, matrix_world
from tests.conftest import rolled_back_session
from tests.matrix_runner import Matrix, Row, Rule, codes, every_route, row
from tests.matrix_world import NEW_PASSWORD, Actor


def _candidate_answer(w, t) -> dict:
    return {"q-1": "3", "q-7": "Consultation claire."}


# --- Who may call what ---------------------------------------------------------------------------

def _role(role: str, name: str) -> Rule:
    return Rule(name, lambda a, t: a.role == role)


def _reads(a: Actor, contract) -> bool:
    return (a.role == "admin" or (a.role == "buyer" and a.org == contract.buyer)
            or (a.role == "supplier" and a.org in contract.parties))


ANYONE = Rule("tout le monde", lambda a, t: True)
LOGGED = Rule("toute personne connectée", lambda a, t: a.role != "anonymous")
# Facilitators reach only their own pages and their account (DESIGN.md §1).
CONTRACT_SIDES = Rule("toute personne connectée sauf les facilitateurs",
                      lambda a, t: a.role not in ("anonymous", "facilitator"))
FACILITATORS = _role("facilitator", "les facilitateurs")
FACILITATED_CONTRACT = Rule("le facilitateur qui suit le contrat",
                            lambda a, t: a.role == "facilitator" and t.contract is not None
                            and t.contract.key in a.follows)
FACILITATED_DECLARATION = Rule(
    "le facilitateur qui suit le contrat, pour une déclaration d'insertion déposée",
    lambda a, t: FACILITATED_CONTRACT(a, t) and t.extra.get("insertion_filed", False))
BUYERS = _role("buyer", "les acheteurs")
SUPPLIERS = _role("supplier", "les entreprises")
ADMIN = _role("admin", "l'administrateur")
MANAGERS = Rule("les gestionnaires", lambda a, t: a.manager)
CONTRACT_BUYER = Rule("l'acheteur du contrat",
                      lambda a, t: a.role == "buyer" and a.org == t.contract.buyer)
CONTRACT_PARTY = Rule("les entreprises du contrat",
                      lambda a, t: a.role == "supplier" and a.org in t.contract.parties)
CONTRACT_HOLDER = Rule("le titulaire du contrat",
                       lambda a, t: a.role == "supplier" and a.org == t.contract.holder)
CONTRACT_READERS = CONTRACT_BUYER | CONTRACT_PARTY | ADMIN
ORG_MANAGER = Rule("les gestionnaires de son organisation",
                   lambda a, t: a.manager and a.org == t.org)
ORG_BUYER = Rule("les acheteurs de son organisation",
                 lambda a, t: a.role == "buyer" and a.org == t.org)
OWNER = Rule("son propriétaire", lambda a, t: a.name == t.owner)
# A facilitator answers on its own pages; the buyer of the contract reads its evaluation.
SURVEY_PARTIES = Rule(
    "les deux organisations de l'enquête, et l'acheteur du contrat pour celle du facilitateur",
    lambda a, t: a.role not in ("admin", "facilitator")
    and (a.org in (t.extra["respondent"], t.extra["subject"])
         or (t.extra["facilitator"] and a.org == t.contract.buyer)))
RESPONDENT = Rule("l'organisation qui répond", lambda a, t: a.role not in ("admin", "facilitator")
                  and a.org == t.extra["respondent"])
FACILITATOR_RESPONDENT = Rule("le facilitateur qui répond", lambda a, t: a.role == "facilitator"
                              and a.org == t.extra["respondent"])
SURVEYED_BY = Rule("l'acheteur qui l'a évaluée",
                   lambda a, t: a.role == "buyer" and a.org in t.extra["surveyed_by"])
CENTRAL_BUYER = Rule("l'acheteur du contrat d'une centrale d'achat",
                     lambda a, t: CONTRACT_BUYER(a, t) and t.extra.get("central", False))
OWN_SCOPE = Rule("un acheteur pour son organisation",
                 lambda a, t: a.role == "buyer" and t.org in (None, a.org))
INDICATORS = OWN_SCOPE | ADMIN
# What needs one buyer organisation (a form, a file): an administrator must have chosen it.
CHOSEN_BUYER = OWN_SCOPE | Rule("l'administrateur pour l'organisation choisie",
                                lambda a, t: a.role == "admin" and t.org is not None)
DOCUMENT_READERS = Rule(
    "son organisation et les lecteurs de ses déclarations (déposées, pour l'acheteur)",
    lambda a, t: (a.role != "anonymous" and a.org == t.org) or (
        any(_reads(a, c) for c in t.extra["contracts"])
        # A draft's document stays the supplier side's (DESIGN.md §3, the life cycle).
        and (a.role == "supplier" or not t.extra.get("draft"))))
# A buyer adds people to the suppliers of its contracts, an administrator to the buyer
# organisations, a gestionnaire to its own (DESIGN.md §1, portal.access).
INVITER = Rule("un acheteur pour ses fournisseurs et ses facilitateurs, l'administrateur pour "
               "les acheteurs et les facilitateurs",
               lambda a, t: (a.role == "buyer"
                             and ((t.org == a.org and a.manager) or t.org in a.partners
                                  or t.extra.get("buyer") == a.org))
               or (a.role == "admin" and t.extra["kind"] in ("buyer", "facilitator")))
# A buyer organisation's indicators are published by its gestionnaires, or by an administrator
# (for the organisation it chose: without one, its form comes back with the error, 422).
PUBLISHERS = Rule("les gestionnaires de l'organisation acheteuse, l'administrateur",
                  lambda a, t: (a.role == "buyer" and a.manager and t.org in (None, a.org))
                  or a.role == "admin")
BUYER_MANAGERS = Rule("les gestionnaires des acheteurs",
                      lambda a, t: a.role == "buyer" and a.manager)
SETTINGS_EDITORS = Rule(
    "les gestionnaires de l'organisation acheteuse, l'administrateur pour l'organisation choisie",
    lambda a, t: (a.role == "buyer" and a.manager and t.org in (None, a.org))
    or (a.role == "admin" and t.org is not None))
INVOICE_BUYER = Rule("les acheteurs de l'acheteur de la facture",
                      lambda a, t: a.role == "buyer" and a.org == t.contract.buyer)
INVOICE_SUPPLIER = Rule("l'entreprise qui a émis la facture",
                        lambda a, t: a.role == "supplier" and a.org == t.org)
OWN_NOTIFICATION = Rule("son destinataire", lambda a, t: t.owner in (None, a.name))
# A mediation request: its two parties, the company that opened it and the contract's buyer
# (whose mediators alone close it); nobody else, administrators included
# (execution.mediation.service).
MEDIATION_SUPPLIER = Rule("l'entreprise qui a ouvert la demande",
                          lambda a, t: a.role == "supplier" and a.org == t.extra["supplier"])
MEDIATION_BUYER = Rule("les acheteurs de l'acheteur du contrat",
                       lambda a, t: a.role == "buyer" and a.org == t.contract.buyer)
MEDIATION_MEDIATOR = Rule("les médiateurs de l'acheteur du contrat",
                          lambda a, t: MEDIATION_BUYER(a, t) and a.mediator)
MEDIATION_PARTIES = MEDIATION_SUPPLIER | MEDIATION_BUYER
CONTRACT_AWARDEE = Rule("le titulaire et les co-traitants du contrat",
                        lambda a, t: a.role == "supplier" and a.org in t.contract.parties)


SUPPLIER_NAMES = ("holder", "colleague", "co_holder", "other_supplier")
BUYER_NAMES = ("buyer", "buyer_agent", "other_buyer")
FACILITATOR_NAMES = ("facilitator", "other_facilitator")
MANAGER_NAMES = ("buyer", "other_buyer", "holder", "co_holder", "other_supplier", "admin",
                 *FACILITATOR_NAMES)


def _email(name):
    return lambda w, t: {"email": w.users[name].email}


def _password(w, t):
    return {"current": factories.PASSWORD, "password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD}


def _version(w, t):
    return {"version": t.version}


def _comment(w, t):
    return {"version": t.version, "comment": "Merci de corriger les heures."}


def _contract_form(w, t):
    contract = t.contract
    return {"reference": "NOUVEAU-1" if contract is None else f"MODIFIE-{contract.key}",
            "object": "Entretien des espaces verts", "kind": "market", "nature": "services",
            "starts_on": "2026-01-01", "ends_on": "2026-12-31", "frequency": "quarterly",
            "holder_id": str(w.orgs["H" if contract is None else contract.holder].id),
            "insertion_target_hours": "500", "version": "" if contract is None
            else str(contract.version)}


def _contract_json(w, t):
    holder = w.orgs["H" if t.contract is None else t.contract.holder]
    body = factories.contract_data(holder, reference="API-1").model_dump(mode="json")
    return body if t.contract is None else {**body, "version": t.contract.version}


def _exit(w, t):
    # The first insertion line filed on the contract's side (tests/matrix_world.py).
    word = {"A": "ALD", "B": "SUL"}.get(t.contract.key, "XXX")
    return {"beneficiary_ref": f"BEN-{word}-01", "outcome": "permanent",
            "exited_on": "2025-06-30"}


YEAR = {"annee": "2025"}
SEMESTER = {"annee": "2025", "periode": "2025-S1"}
SUPPLIER_PAGE = {None: codes(403, **dict.fromkeys(SUPPLIER_NAMES, 200))}
BUYER_PAGE = {None: codes(403, **dict.fromkeys(BUYER_NAMES, 200))}
FACILITATOR_PAGE = {None: codes(403, **dict.fromkeys(FACILITATOR_NAMES, 200))}

POLICY: dict[tuple[str, str], Row] = {
    # Framework and public pages.
    ("GET", "/openapi.json"): row(ANYONE),
    ("GET", "/api/docs"): row(ANYONE),
    ("GET", "/static/{path}"): row(ANYONE),
    ("GET", "/"): row(ANYONE),
    ("GET", "/healthz"): row(ANYONE),
    ("GET", "/connexion"): row(ANYONE),
    ("POST", "/connexion"): row(ANYONE, form=lambda w, t: {
        "email": w.users["holder"].email, "password": factories.PASSWORD}),
    ("POST", "/deconnexion"): row(ANYONE),
    ("GET", "/mot-de-passe-oublie"): row(ANYONE),
    ("POST", "/mot-de-passe-oublie"): row(ANYONE, form=_email("colleague")),
    # The one-time link is the credential: whoever holds it sets the password.
    ("GET", "/compte/lien/{token}"): row(ANYONE, public_data=True),
    ("POST", "/compte/lien/{token}"): row(ANYONE, public_data=True, form=lambda w, t: {
        "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}),
    ("GET", "/verification"): row(ANYONE, "verification", public_data=True),
    ("GET", "/verification/{code}"): row(ANYONE, public_data=True),
    ("POST", "/api/v1/auth/token"): row(ANYONE, json=lambda w, t: {
        "email": w.users["holder"].email, "password": factories.PASSWORD}),
    # One's own account.
    ("GET", "/compte"): row(LOGGED, exact={None: codes(200)}),
    ("POST", "/compte/mot-de-passe"): row(LOGGED, form=_password),
    ("GET", "/compte/donnees"): row(LOGGED, exact={None: codes(200)}),
    ("POST", "/compte/preferences"): row(LOGGED, form=lambda w, t: {"mail_alerts": "on"}),
    ("GET", "/notifications"): row(LOGGED),
    ("POST", "/notifications/lues"): row(LOGGED, "notification", changes=OWN_NOTIFICATION,
                                         form=lambda w, t: {"id": t.extra.get("id", "")}),
    ("GET", "/compte/jetons"): row(LOGGED, exact={None: codes(200)}),
    ("POST", "/compte/jetons"): row(LOGGED, exact={None: codes(200)},
                                    form=lambda w, t: {"name": "Script", "days": "30"}),
    ("POST", "/compte/jetons/{token_id}/revoquer"): row(OWNER,
                                                        exact={"A": codes(404, holder=303)}),
    ("GET", "/api/v1/me"): row(LOGGED),
    # One's organisation, and the people of others.
    ("GET", "/organisation"): row(LOGGED, exact={None: codes(200)}),
    ("GET", "/organisation/inviter"): row(MANAGERS, exact={
        None: codes(403, **dict.fromkeys(MANAGER_NAMES, 200))}),
    ("POST", "/organisation/inviter"): row(MANAGERS, exact={
        None: codes(403, **dict.fromkeys(MANAGER_NAMES, 303))}, form=lambda w, t: {
        "email": "collegue@nouveau.example.fr", "full_name": "Nouveau Collegue"}),
    ("POST", "/organisation/membres/{user_id}/desactiver"): row(ORG_MANAGER | ADMIN, exact={
        "A": codes(404, holder=303, colleague=403, admin=303)}),
    ("POST", "/organisation/membres/{user_id}/reactiver"): row(ORG_MANAGER | ADMIN, exact={
        "A": codes(404, holder=409, colleague=403, admin=409)}),
    ("POST", "/organisation/membres/{user_id}/gestionnaire"): row(ORG_MANAGER | ADMIN, exact={
        "A": codes(404, holder=303, colleague=403, admin=303)},
        form=lambda w, t: {"gestionnaire": "oui"}),
    ("POST", "/organisation/demandes/{request_id}/accepter"): row(ORG_MANAGER, exact={
        "A": codes(404, holder=303, colleague=403)}),
    ("POST", "/organisation/demandes/{request_id}/refuser"): row(ORG_MANAGER, exact={
        "A": codes(404, holder=303, colleague=403)},
        form=lambda w, t: {"comment": "Inconnu chez nous"}),
    ("POST", "/organisation/avis-facilitateur"): row(BUYER_MANAGERS, exact={
        None: codes(403, buyer=303, other_buyer=303)},
        form=lambda w, t: {"requires_facilitator_opinion": "oui"}),
    ("GET", "/comptes/inviter"): row(BUYERS | ADMIN, exact={
        None: codes(200, **dict.fromkeys((*SUPPLIER_NAMES, *FACILITATOR_NAMES), 403))}),
    # Naboo and Hoth both work with Alderaan; only Hoth with Sullust.
    ("POST", "/comptes/inviter"): row(INVITER, "invite_org", exact={
        "A": codes(403, buyer=303, buyer_agent=303, other_buyer=303),
        "B": codes(403, other_buyer=303)}, form=lambda w, t: {
        "organisation_id": str(w.orgs[t.org].id), "email": "nouveau@ailleurs.example.fr",
        "full_name": "Nouvelle Personne"}),
    # Administrators.
    ("GET", "/admin"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("GET", "/admin/envois"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("POST", "/admin/envois/{mail_id}/renvoyer"): row(ADMIN),
    ("GET", "/admin/comptes"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("GET", "/admin/comptes/{user_id}"): row(ADMIN, exact={"A": codes(403, admin=200)}),
    ("POST", "/admin/comptes/{user_id}/desactiver"): row(ADMIN, exact={
        "A": codes(403, admin=303)}),
    ("POST", "/admin/comptes/{user_id}/reactiver"): row(ADMIN, exact={
        "A": codes(403, admin=409)}),
    ("POST", "/admin/comptes/{user_id}/effacer"): row(ADMIN, exact={
        "A": codes(403, admin=303)}, form=lambda w, t: {"confirmation": "oui"}),
    ("GET", "/admin/seuils-agec"): row(ADMIN),
    ("GET", "/admin/seuils-agec/{threshold_id}"): row(ADMIN),
    ("POST", "/admin/seuils-agec/{threshold_id}"): row(ADMIN, form=lambda w, t: {
        "reuse_min": "5", "recycled_min": "10", "source": "Décret n° 2024-134"}),
    ("GET", "/admin/indicateurs"): row(ADMIN),
    ("POST", "/admin/indicateurs"): row(ADMIN, form=lambda w, t: {
        "fte_hours": "1607", "consideration_threshold_eur": "90000"}),
    ("POST", "/admin/indicateurs/objectifs"): row(ADMIN, form=lambda w, t: {
        "indicator_id": DEFINITIONS[0].id, "year": "2025", "value": "10"}),
    # Suppliers: contracts they are party to; only the holder files (DESIGN.md §3).
    ("GET", "/fournisseur"): row(SUPPLIERS, exact=SUPPLIER_PAGE),
    ("GET", "/fournisseur/contrats"): row(SUPPLIERS, exact=SUPPLIER_PAGE),
    ("GET", "/fournisseur/declarations"): row(SUPPLIERS, exact=SUPPLIER_PAGE),
    ("GET", "/fournisseur/contrats/{contract_id}"): row(CONTRACT_PARTY, "readable_contract"),
    ("GET", "/fournisseur/declarations/{declaration_id}"): row(CONTRACT_PARTY),
    ("POST", "/fournisseur/declarations/{declaration_id}"): row(
        CONTRACT_HOLDER, "open_declaration", form=lambda w, t: {**_version(w, t),
                                                                "action": "save"}),
    ("POST", "/fournisseur/contrats/{contract_id}/plan-de-progres/revision"): row(
        CONTRACT_HOLDER),
    # Generated by a POST (audited); the download only reads the last one generated.
    ("POST", "/fournisseur/contrats/{contract_id}/attestation"): row(CONTRACT_HOLDER),
    ("GET", "/fournisseur/contrats/{contract_id}/attestation.pdf"): row(CONTRACT_HOLDER),
    # The buyer gets the holder's attestation of its own contracts too (issue 15).
    ("POST", "/acheteur/contrats/{contract_id}/attestation"): row(CONTRACT_BUYER),
    ("GET", "/acheteur/contrats/{contract_id}/attestation.pdf"): row(CONTRACT_BUYER),
    # The holder declares its sub-contractors (issue 15); an unknown one is bad input (422).
    ("GET", "/fournisseur/contrats/{contract_id}/sous-traitants"): row(CONTRACT_HOLDER),
    ("POST", "/fournisseur/contrats/{contract_id}/sous-traitants"): row(
        CONTRACT_HOLDER, form=lambda w, t: {"siret": factories.valid_siret(7_770_001),
                                            "name": "Régie de quartier"}),
    ("POST", "/fournisseur/contrats/{contract_id}/sous-traitants/depot"): row(
        CONTRACT_HOLDER, form=lambda w, t: {"organisation_id": str(w.orgs["C"].id),
                                            "files_own": "oui"}),
    ("POST", "/fournisseur/contrats/{contract_id}/sous-traitants/retrait"): row(
        CONTRACT_HOLDER, form=lambda w, t: {"organisation_id": str(w.orgs["C"].id)}),
    ("GET", "/documents/{document_id}"): row(DOCUMENT_READERS),
    # Exit outcomes: the organisations of the contract, each for the references of its own
    # filed lines (a co-holder that filed none gets 422); the facilitator's address is only a
    # facilitator's (none in this world: everyone else is refused).
    ("GET", "/fournisseur/contrats/{contract_id}/sorties"): row(CONTRACT_PARTY,
                                                               "readable_contract"),
    ("POST", "/fournisseur/contrats/{contract_id}/sorties"): row(
        CONTRACT_PARTY, "readable_contract", form=_exit),
    ("GET", "/facilitateur/contrats/{contract_id}/sorties"): row(FACILITATED_CONTRACT,
                                                                "readable_contract"),
    ("POST", "/facilitateur/contrats/{contract_id}/sorties"): row(
        FACILITATED_CONTRACT, "readable_contract", form=_exit),
    # Buyers: their organisation's contracts; only they review (DESIGN.md §3).
    ("GET", "/acheteur"): row(BUYERS, exact=BUYER_PAGE),
    ("GET", "/acheteur/contrats"): row(BUYERS, exact=BUYER_PAGE),
    ("GET", "/acheteur/declarations"): row(BUYERS, exact=BUYER_PAGE),
    ("GET", "/acheteur/contrats/nouveau"): row(BUYERS),
    ("POST", "/acheteur/contrats/nouveau"): row(BUYERS, form=_contract_form),
    ("GET", "/acheteur/contrats/{contract_id}"): row(CONTRACT_BUYER, "readable_contract"),
    ("GET", "/acheteur/contrats/{contract_id}/modifier"): row(CONTRACT_BUYER),
    ("POST", "/acheteur/contrats/{contract_id}/modifier"): row(CONTRACT_BUYER,
                                                               form=_contract_form),
    # Closing asks for confirmation first; reopening undoes a closing (409 on an open contract).
    ("GET", "/acheteur/contrats/{contract_id}/clore"): row(CONTRACT_BUYER),
    ("POST", "/acheteur/contrats/{contract_id}/clore"): row(CONTRACT_BUYER, form=_version),
    ("GET", "/acheteur/contrats/{contract_id}/rouvrir"): row(CONTRACT_BUYER),
    ("POST", "/acheteur/contrats/{contract_id}/rouvrir"): row(CONTRACT_BUYER, form=_version),
    ("GET", "/acheteur/contrats/{contract_id}/rapport.pdf"): row(CONTRACT_BUYER),
    ("GET", "/acheteur/declarations/{declaration_id}"): row(CONTRACT_BUYER),
    ("POST", "/acheteur/declarations/{declaration_id}/valider"): row(
        CONTRACT_BUYER, "submitted_declaration", form=_version),
    ("POST", "/acheteur/declarations/{declaration_id}/renvoyer"): row(
        CONTRACT_BUYER, "submitted_declaration", form=_comment),
    ("POST", "/acheteur/declarations/{declaration_id}/rouvrir"): row(
        CONTRACT_BUYER, "validated_declaration", form=_comment),
    # The facilitator's checks of a filed insertion declaration.
    ("GET", "/facilitateur/declarations/{declaration_id}"): row(FACILITATED_DECLARATION),
    ("POST", "/facilitateur/declarations/{declaration_id}/avis"): row(
        FACILITATED_CONTRACT, "submitted_declaration",
        form=lambda w, t: {"version": t.version, "opinion": "compliant"}),
    ("POST", "/facilitateur/declarations/{declaration_id}/lignes/{line_id}"): row(
        FACILITATED_CONTRACT, "submitted_line", form=lambda w, t: {
            "version": t.version, "eligibility_confirmed": "oui", "proof_seen": "oui"}),
    # « Relancer » a late declaration's holder (409 when it is not late, or reminded today).
    ("POST", "/acheteur/declarations/{declaration_id}/relancer"): row(
        CONTRACT_BUYER, form=lambda w, t: {"state": "overdue", "page": "1"}),
    # The API: the same permissions as the pages; administrators read every contract.
    # A facilitator: the contracts it follows, their filed insertion declarations, nothing more.
    ("GET", "/api/v1/contracts"): row(LOGGED),
    ("POST", "/api/v1/contracts"): row(BUYERS, json=_contract_json),
    ("GET", "/api/v1/contracts/{contract_id}"): row(CONTRACT_READERS | FACILITATED_CONTRACT,
                                                    "readable_contract"),
    ("PUT", "/api/v1/contracts/{contract_id}"): row(CONTRACT_BUYER, json=_contract_json),
    ("GET", "/api/v1/declarations"): row(LOGGED, "contract_query"),
    ("GET", "/api/v1/declarations/{declaration_id}"): row(CONTRACT_READERS
                                                          | FACILITATED_DECLARATION),
    ("PUT", "/api/v1/declarations/{declaration_id}"): row(
        CONTRACT_HOLDER, "open_declaration", json=lambda w, t: {**_version(w, t),
                                                                "lines": []}),
    ("POST", "/api/v1/declarations/{declaration_id}/submit"): row(
        CONTRACT_HOLDER, "open_declaration", json=_version),
    ("POST", "/api/v1/declarations/{declaration_id}/validate"): row(
        CONTRACT_BUYER, "submitted_declaration", json=_version),
    ("POST", "/api/v1/declarations/{declaration_id}/return"): row(
        CONTRACT_BUYER, "submitted_declaration", json=_comment),
    ("POST", "/api/v1/declarations/{declaration_id}/facilitator-opinion"): row(
        FACILITATED_CONTRACT, "submitted_declaration",
        json=lambda w, t: {"version": t.version, "opinion": "compliant"}),
    ("POST", "/api/v1/declarations/{declaration_id}/lines/{line_id}/check"): row(
        FACILITATED_CONTRACT, "submitted_line", json=lambda w, t: {
            "version": t.version, "eligibility_confirmed": True, "proof_seen": True}),
    ("POST", "/api/v1/declarations/{declaration_id}/reopen"): row(
        CONTRACT_BUYER, "validated_declaration", json=_comment),
    ("GET", "/api/v1/indicators"): row(INDICATORS, "indicator_siret", query={"year": "2025"}),
    ("GET", "/api/v1/surveys"): row(CONTRACT_SIDES),
    ("GET", "/api/v1/surveys/{invitation_id}"): row(SURVEY_PARTIES),
    ("POST", "/api/v1/surveys/{invitation_id}/answers"): row(
        RESPONDENT, "open_invitation", json=lambda w, t: {"answers": {}, "submit": False}),
    # Surveys: the two organisations of an evaluation; results and banks are the buyers'.
    ("GET", "/enquetes"): row(CONTRACT_SIDES, "survey_view"),
    ("GET", "/enquetes/questions"): row(BUYERS),
    ("POST", "/enquetes/questions"): row(BUYERS, form=lambda w, t: {
        "direction": "buyer_rates_holder", "wording": "Une question de plus",
        "scale": "text"}),
    ("POST", "/enquetes/questions/{question_id}"): row(
        ORG_BUYER, form=lambda w, t: {"action": "retire"}),
    ("GET", "/enquetes/resultats"): row(BUYERS | ADMIN),
    ("GET", "/enquetes/resultats/contrats/{contract_id}"): row(CONTRACT_BUYER | CONTRACT_PARTY),
    ("GET", "/enquetes/resultats/fournisseurs/{organisation_id}"): row(SURVEYED_BY),
    ("POST", "/enquetes/contrats/{contract_id}/lancer"): row(CONTRACT_BUYER),
    ("GET", "/enquetes/campagnes/{campaign_id}/export.csv"): row(CONTRACT_BUYER),
    # Unsuccessful candidates' survey: the buyer of the contract; the mailed link is the key.
    ("GET", "/enquetes-candidats"): row(BUYERS),
    ("GET", "/enquetes-candidats/resultats"): row(BUYERS),
    ("GET", "/enquetes-candidats/contrats/{contract_id}"): row(CONTRACT_BUYER),
    ("POST", "/enquetes-candidats/contrats/{contract_id}"): row(CONTRACT_BUYER, form=lambda w, t: {
        "adresses": "autre.candidat@exemple.fr", "action": "envoyer"}),
    ("POST", "/enquetes-candidats/contrats/{contract_id}/relancer"): row(CONTRACT_BUYER),
    ("POST", "/enquetes-candidats/contrats/{contract_id}/clore"): row(CONTRACT_BUYER),
    ("GET", "/enquete-candidats/{token}"): row(ANYONE, "candidate_link", public_data=True),
    ("POST", "/enquete-candidats/{token}"): row(ANYONE, "candidate_link", public_data=True,
                                                form=_candidate_answer),
    ("GET", "/enquetes/{invitation_id}"): row(SURVEY_PARTIES),
    ("POST", "/enquetes/{invitation_id}"): row(RESPONDENT, "open_invitation",
                                               form=lambda w, t: {"action": "save"}),
    # The facilitator's end-of-contract evaluations of the insertion contracts it follows.
    ("GET", "/facilitateur/enquetes"): row(FACILITATORS, exact=FACILITATOR_PAGE),
    ("GET", "/facilitateur/enquetes/{invitation_id}"): row(FACILITATOR_RESPONDENT),
    ("POST", "/facilitateur/enquetes/{invitation_id}"): row(
        FACILITATOR_RESPONDENT, "open_invitation", form=lambda w, t: {"action": "save"}),
    # Indicators and reports: a buyer its organisation's, an administrator all or one.
    ("GET", "/indicateurs"): row(INDICATORS, "scope", query=YEAR),
    # Agents read their organisation's settings, its gestionnaires change them.
    ("GET", "/acheteur/parametres"): row(INDICATORS, "scope"),
    ("POST", "/acheteur/parametres"): row(SETTINGS_EDITORS, "scope", form=lambda w, t: {
        "fte_hours": "1600", "threshold_mode": "tous"}),
    ("POST", "/acheteur/parametres/objectifs"): row(SETTINGS_EDITORS, "scope", form=lambda w, t: {
        "indicator_id": DEFINITIONS[0].id, "year": "2025", "value": "10"}),
    ("GET", "/indicateurs/export/{name}.{fmt}"): row(INDICATORS, "export", query=YEAR),
    ("GET", "/indicateurs/completude"): row(INDICATORS, "scope", query=SEMESTER),
    ("GET", "/indicateurs/{indicator_id}"): row(INDICATORS, query=YEAR),
    ("GET", "/rapports/annuel"): row(INDICATORS, "scope", query=YEAR),
    ("POST", "/rapports/annuel"): row(BUYERS, query=YEAR, form=lambda w, t: {
        "text_highlights": "Une année de progrès."}),
    ("GET", "/rapports/annuel.pdf"): row(INDICATORS, "report_scope", query=YEAR),
    # Open data: a buyer its organisation's, an administrator the one it chooses.
    ("GET", "/donnees-ouvertes"): row(INDICATORS, "scope"),
    # DECP import: the form for its own organisation (a buyer) or the one chosen (admin); the
    # matrix sends no file, so an allowed person gets the form back with its error (422).
    ("GET", "/donnees-ouvertes/import-decp"): row(INDICATORS, "scope"),
    ("POST", "/donnees-ouvertes/import-decp"): row(INDICATORS, "scope"),
    ("GET", "/donnees-ouvertes/import-decp/{job_id}"): row(ORG_BUYER | ADMIN),
    ("GET", "/donnees-ouvertes/import-decp/{job_id}/rapport.csv"): row(ORG_BUYER | ADMIN),
    # An administrator who has not chosen a buyer is sent to the hub to choose one (303).
    ("GET", "/donnees-ouvertes/decp.json"): row(INDICATORS, "scope"),
    ("GET", "/donnees-ouvertes/ocds.json"): row(INDICATORS, "scope"),
    ("GET", "/donnees-ouvertes/agec"): row(INDICATORS, "scope", query=YEAR),
    ("POST", "/donnees-ouvertes/agec"): row(CHOSEN_BUYER, "scope", query=YEAR, form=lambda w, t: {
        "D2024_PAPIER.version": "0", "D2024_PAPIER.total_excl_vat": "100"}),
    ("GET", "/donnees-ouvertes/agec.csv"): row(CHOSEN_BUYER, "scope", query=YEAR),
    ("GET", "/rapports/annuel-contrats.{fmt}"): row(INDICATORS, "annex", query=YEAR),
    # Publication: the buyer side reads its own (agents too), its gestionnaires publish; what
    # was published is anyone's, without logging in.
    ("GET", "/acheteur/publication"): row(INDICATORS, "scope", query={"periode": "2025"}),
    ("POST", "/acheteur/publication"): row(PUBLISHERS, "scope", form=lambda w, t: {
        "period": "2025", "indicators": "insertion_hours"}),
    ("GET", "/publication"): row(ANYONE, public_data=True),
    ("GET", "/publication/{siret}/{period}"): row(ANYONE, "publication", public_data=True),
    ("GET", "/publication/{siret}/{period}.json"): row(ANYONE, "publication", public_data=True),
    ("GET", "/publication/{siret}/{period}.csv"): row(ANYONE, "publication", public_data=True),
    ("GET", "/publication/{siret}/{period}/rapport.pdf"): row(ANYONE, "publication",
                                                             public_data=True),
    # Facilitators: the insertion declarations and hours of the contracts they follow.
    ("GET", "/facilitateur"): row(FACILITATORS, exact=FACILITATOR_PAGE),
    ("GET", "/facilitateur/suivi"): row(FACILITATORS, exact=FACILITATOR_PAGE),
    ("GET", "/facilitateur/suivi.{fmt}"): row(FACILITATORS),
    ("GET", "/facilitateur/indicateurs"): row(FACILITATORS, exact=FACILITATOR_PAGE),
    # Who works for whom: administrators decide, a buyer reads its own.
    ("GET", "/admin/facilitateurs"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("POST", "/admin/facilitateurs"): row(ADMIN, exact={None: codes(403, admin=303)},
                                          form=lambda w, t: {
        "facilitator_id": str(w.orgs["G"].id), "buyer_siret": w.orgs["BA"].siret}),
    ("POST", "/admin/facilitateurs/{assignment_id}/retirer"): row(ADMIN),
    ("GET", "/acheteur/facilitateurs"): row(BUYERS, exact=BUYER_PAGE),
    # Purchasing centrals: administrators decide who is a member; the central's agents pick,
    # on its contracts, the members that use them (a buyer without members gets 403).
    ("GET", "/admin/centrales"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("POST", "/admin/centrales"): row(ADMIN, exact={None: codes(403, admin=303)},
                                      form=lambda w, t: {"central_siret": w.orgs["BB"].siret,
                                                         "member_siret": w.orgs["BA"].siret}),
    ("POST", "/admin/centrales/{membership_id}/retirer"): row(ADMIN),
    ("GET", "/acheteur/contrats/{contract_id}/membres"): row(CENTRAL_BUYER, "central_contract",
                                                            exact={
        "A": codes(403, other_buyer=404),
        "B": codes(403, other_buyer=200, buyer=404, buyer_agent=404)}),
    ("POST", "/acheteur/contrats/{contract_id}/membres"): row(
        CENTRAL_BUYER, "central_contract", form=lambda w, t: {
            "members": str(w.yavin.id), f"amount_{w.yavin.id}": "1 000", "marker": ""}),
    # Payment delays: the contract's buyer enters its invoices, its holder declares unpaid ones
    # and reads its own across buyers; administrators keep the ECB rates.
    ("GET", "/acheteur/contrats/{contract_id}/factures"): row(CONTRACT_BUYER),
    ("POST", "/acheteur/contrats/{contract_id}/factures"): row(CONTRACT_BUYER, form=lambda w, t: {
        "number": "F-MATRICE", "received_on": "2025-01-15", "amount_incl_vat": "100"}),
    ("GET", "/acheteur/factures"): row(BUYERS, exact=BUYER_PAGE),
    ("GET", "/acheteur/factures/{invoice_id}"): row(INVOICE_BUYER),
    ("POST", "/acheteur/factures/{invoice_id}"): row(INVOICE_BUYER, form=lambda w, t: {
        "number": "F-MATRICE", "received_on": "2025-01-15", "amount_incl_vat": "100",
        "version": t.version}),
    ("POST", "/acheteur/factures/{invoice_id}/confirmer"): row(INVOICE_BUYER, form=_version),
    ("POST", "/acheteur/factures/{invoice_id}/rejeter"): row(INVOICE_BUYER, form=_version),
    ("GET", "/fournisseur/factures"): row(SUPPLIERS),
    ("GET", "/fournisseur/factures/declarer"): row(SUPPLIERS),
    ("POST", "/fournisseur/factures/declarer"): row(CONTRACT_HOLDER, "invoice_contract",
                                                    form=lambda w, t: {
        "contract_id": str(t.contract.id), "number": "T-MATRICE", "received_on": "2025-01-15",
        "amount_incl_vat": "100"}),
    ("GET", "/fournisseur/factures/{invoice_id}"): row(INVOICE_SUPPLIER),
    ("GET", "/api/v1/invoices"): row(BUYERS | SUPPLIERS),
    ("GET", "/api/v1/invoices/{invoice_id}"): row(INVOICE_BUYER | INVOICE_SUPPLIER),
    ("GET", "/admin/taux-bce"): row(ADMIN, exact={None: codes(403, admin=200)}),
    ("POST", "/admin/taux-bce"): row(ADMIN, exact={None: codes(403, admin=303)},
                                     form=lambda w, t: {"half_year": "2026-S1", "rate": "2"}),
    ("GET", "/indicateurs/paiements"): row(INDICATORS, "scope", query=YEAR),
    # Disputes and mediation: 404 for whoever is not a party, lists included.
    ("GET", "/fournisseur/mediation"): row(SUPPLIERS, exact={
        None: codes(404, **dict.fromkeys(SUPPLIER_NAMES, 200))}),
    ("GET", "/acheteur/mediation"): row(BUYERS, exact={
        None: codes(404, **dict.fromkeys(BUYER_NAMES, 200))}),
    # Aggregates only: any agent of a buyer for its organisation, the administrator for all.
    ("GET", "/acheteur/mediation/indicateurs"): row(BUYERS | ADMIN, exact={
        None: codes(403, **dict.fromkeys((*BUYER_NAMES, "admin"), 200))}),
    ("GET", "/fournisseur/contrats/{contract_id}/mediation"): row(CONTRACT_AWARDEE,
                                                                 "mediation_contract"),
    ("POST", "/fournisseur/contrats/{contract_id}/mediation"): row(
        CONTRACT_AWARDEE, "mediation_contract", form=lambda w, t: {
            "subject": "Nouveau litige", "description": "Les faits."}),
    ("GET", "/fournisseur/mediation/{request_id}"): row(MEDIATION_SUPPLIER, "mediation_request",
                                                        exact={"A": codes(404, holder=200,
                                                                          colleague=200)}),
    ("POST", "/fournisseur/mediation/{request_id}/messages"): row(
        MEDIATION_SUPPLIER, "mediation_request", form=lambda w, t: {"body": "Un mot"}),
    ("GET", "/acheteur/mediation/{request_id}"): row(MEDIATION_BUYER, "mediation_request",
                                                     exact={"A": codes(404, buyer=200,
                                                                       buyer_agent=200)}),
    ("POST", "/acheteur/mediation/{request_id}/messages"): row(
        MEDIATION_BUYER, "mediation_request", form=lambda w, t: {"body": "Une réponse"}),
    ("POST", "/acheteur/mediation/{request_id}/cloture"): row(
        MEDIATION_MEDIATOR, "mediation_request", form=lambda w, t: {"outcome": "accord"}),
    ("GET", "/mediation/pieces/{attachment_id}"): row(MEDIATION_PARTIES, "mediation_attachment",
                                                      exact={"A": codes(404, holder=200,
                                                                        colleague=200,
                                                                        buyer=200,
                                                                        buyer_agent=200)}),
    # The API reads with the same rule (an empty list for anyone else).
    ("GET", "/api/v1/mediation-requests"): row(LOGGED),
    ("GET", "/api/v1/mediation-requests/{request_id}"): row(MEDIATION_PARTIES,
                                                            "mediation_request"),
    # The mediator flag: a gestionnaire of a buyer organisation (or an administrator) on its
    # agents; on a company's people it is refused (409).
    ("POST", "/organisation/membres/{user_id}/mediateur"): row(
        ORG_MANAGER | ADMIN, "mediator_member", form=lambda w, t: {"mediateur": "oui"}),
}


ROUTES = every_route(create_app())


@pytest.fixture(scope="module")
def matrix(engine, app, figures):
    """One world for the whole module; each case runs in a savepoint rolled back afterwards."""
    with rolled_back_session(engine) as db:
        world = matrix_world.build(db)
        matrix_targets.add_targets(db, world)
        # A server error is an answer like any other: counted, reported with the others (and
        # its traceback in the captured log).
        with TestClient(app, base_url="https://testserver", follow_redirects=False,
                        raise_server_exceptions=False) as client:
            matrix = Matrix(db, client, world)
            event.listen(engine, "after_cursor_execute", matrix.record_writes)
            try:
                yield matrix
            finally:
                event.remove(engine, "after_cursor_execute", matrix.record_writes)
            if matrix.cases:
                figures["Matrice des autorisations"] = (
                    f"{matrix.cases} cas ({len(ROUTES)} routes, {len(world.actors)} personnes "
                    "et un site tiers, sur les objets de chaque côté, en page et en fragment "
                    f"htmx) ; écarts à la politique : {matrix.failures}")


def test_every_row_of_the_policy_is_a_route_of_the_app():
    """A removed or renamed route takes its row with it."""
    assert set(POLICY) - set(ROUTES) == set()


def test_no_row_lets_a_get_change_anything():
    assert [key for key, row in POLICY.items() if key[0] == "GET" and row.changes] == []


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route(matrix, method, path):
    row = POLICY.get((method, path))
    assert row is not None, (
        f"{method} {path} n'a pas de ligne dans POLICY (tests/test_route_matrix.py) : "
        "ajoutez-la en disant qui peut l'appeler (DESIGN.md §1, §3, §5), sur quels objets "
        "(family) et avec quel formulaire ou corps JSON.")
    cases, failures = matrix.check(method, path, row)
    matrix.cases += cases
    matrix.failures += len(failures)
    assert not failures, "\n".join(failures)


def test_a_route_without_a_row_fails_and_says_what_to_add(matrix):
    with pytest.raises(AssertionError, match=r"GET /nouvelle-page n'a pas de ligne dans POLICY"):
        test_route(matrix, "GET", "/nouvelle-page")


def test_the_matrix_sees_a_leak_and_a_change(matrix, monkeypatch):
    """The matrix is only as good as its eye: with the contract and declaration checks of the
    services removed, it reports the other side reading a contract and validating a
    declaration."""
    monkeypatch.setattr(supplier_service, "visible_contracts", lambda user: select(Contract))
    monkeypatch.setattr(supplier_service, "visible_declarations",
                        lambda user: select(Declaration))
    monkeypatch.setattr(review, "is_reviewer", lambda user, contract: user.is_buyer)
    page = ("GET", "/fournisseur/contrats/{contract_id}")
    _cases, failures = matrix.check(*page, POLICY[page])
    assert any(line.startswith(f"{page[0]} {page[1]} [contrat A] par other_supplier")
               and "réponse 200 au lieu d'un refus" in line and "REF-ALDERAAN-1" in line
               for line in failures), failures
    action = ("POST", "/acheteur/declarations/{declaration_id}/valider")
    _cases, failures = matrix.check(*action, POLICY[action])
    assert any(line.startswith(f"{action[0]} {action[1]} [insertion déposée A] par other_buyer")
               and "réponse 303 au lieu d'un refus" in line
               and "a changé les tables" in line and "declaration" in line
               for line in failures), failures


def test_the_matrix_sees_a_form_without_csrf_check(matrix, app):
    """With the CSRF check gone, another site riding the buyer's session validates."""
    app.dependency_overrides[verify_csrf] = lambda: None
    try:
        action = ("POST", "/acheteur/declarations/{declaration_id}/valider")
        _cases, failures = matrix.check(*action, POLICY[action])
    finally:
        app.dependency_overrides.pop(verify_csrf)
    assert any(line.startswith(f"{action[0]} {action[1]} [insertion déposée A] par un autre "
                               "site avec la session de buyer")
               and "réponse 303 au lieu de 403" in line and "a changé les tables" in line
               for line in failures), failures
