"""Survey pages: my surveys, answering, results, question banks, launch and CSV export."""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import FormData

from portal.auth import BuyerUser, ContractSideUser, DbSession
from portal.clock import today
from portal.errors import Conflict, Forbidden, Invalid
from portal.models import User
from portal.pagination import page_number
from portal.spreadsheet import CSV_TYPE
from portal.web import (
    RowId,
    Year,
    download,
    parsed_form,
    redirect,
    refused_form,
    render,
    verify_csrf,
)
from surveys import bank, export, lists, results, service
from surveys.models import Direction, Invitation, Scale

router = APIRouter(prefix="/enquetes", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
# The n-th yearly review of a contract (a contract of a hundred years is not one).
Review = Annotated[int | None, Query(ge=1, le=100)]


# The tabs of the survey page: (address value, title); « entreprises » is for buyers.
VIEWS = {"a-remplir": "À remplir", "deposees": "Réponses déposées",
         "recues": "Évaluations de votre organisation", "entreprises": "Résultats par entreprise"}


@router.get("")
def surveys_page(request: Request, db: DbSession, user: ContractSideUser, vue: str = "",
                 q: str = "", page: str = ""):
    views = {k: v for k, v in VIEWS.items() if k != "entreprises" or user.is_buyer}
    view = vue if vue in views else "a-remplir"
    search, number = q.strip()[:100], page_number(page)
    if view == "recues":
        rows = lists.received_page(db, user, search=search, page=number)
    elif view == "entreprises":
        rows = results.suppliers_rated(db, user=user, search=search, page=number)
    else:
        rows = lists.invitations_page(db, user, submitted=view == "deposees", search=search,
                                        page=number)
    filters = {"vue": view, **({"q": search} if search else {})}
    return render(request, "surveys/list.html", {
        "views": views, "view": view, "counts": lists.survey_counts(db, user),
        "rows": rows, "search": search, "base": f"/enquetes?{urlencode(filters)}",
    }, block="survey_list")


# --- Question banks (buyers of the organisation) -------------------------------------------------

BANK = "surveys/questions.html"


def _bank_context(db, user, *, errors=None, summary=None, values=None) -> dict:
    return {"banks": {d: bank.bank(db, user.organisation_id, d) for d in Direction},
            "errors": errors or {}, "error_summary": summary, "values": values or {}}


def _refused_bank(request, db, user, error: Invalid, *, prefix: str, values=None):
    """The bank again with the error beside the question (or the new question's form)."""
    return refused_form(request, db, error, BANK, lambda errors, summary: _bank_context(
        db, user, errors={f"{prefix}.{k}": v for k, v in errors.items()}, summary=summary,
        values=values))


@router.get("/questions")
def questions_page(request: Request, db: DbSession, user: BuyerUser):
    return render(request, BANK, _bank_context(db, user))


@router.post("/questions")
def add_question(request: Request, db: DbSession, user: BuyerUser, form: Form):
    values = {k: str(form.get(k, "")) for k in ("direction", "wording", "scale")}
    try:
        bank.add_question(db, user=user, **values)
    except Invalid as error:
        return _refused_bank(request, db, user, error, prefix=values["direction"], values=values)
    return redirect(request, "/enquetes/questions",
                    message="Question ajoutée : elle figurera dans les prochaines enquêtes.")


@router.post("/questions/{question_id}")
def change_question(request: Request, db: DbSession, user: BuyerUser, question_id: RowId,
                    form: Form):
    action = str(form.get("action", ""))
    try:
        if action == "reword":
            bank.reword_question(db, question_id, user=user, wording=str(form.get("wording", "")))
            message = "Question reformulée : les réponses déjà données gardent leur libellé."
        elif action in ("up", "down"):
            bank.move_question(db, question_id, user=user, step=-1 if action == "up" else 1)
            message = "Ordre des questions enregistré."
        elif action in ("retire", "restore"):
            bank.set_retired(db, question_id, user=user, retired=action == "retire")
            message = ("Question retirée des prochaines enquêtes." if action == "retire"
                       else "Question rétablie dans les prochaines enquêtes.")
        else:
            raise Invalid("Action inconnue.")
    except Invalid as error:
        return _refused_bank(request, db, user, error, prefix=f"q{question_id}")
    return redirect(request, "/enquetes/questions", message=message)


# --- Results ------------------------------------------------------------------------------------

@router.get("/resultats")
def year_results_page(request: Request, db: DbSession, user: ContractSideUser,
                      annee: Year = None):
    if user.is_supplier:
        raise Forbidden("Ces résultats sont réservés aux acheteurs.")
    year = annee if annee and 2000 <= annee <= 2100 else today().year
    buyer_org_id = None if user.is_admin else user.organisation_id
    return render(request, "surveys/results_year.html", {
        "year": year, "results": results.year_results(db, year=year, buyer_org_id=buyer_org_id),
        "all_buyers": buyer_org_id is None,
        "years": sorted({*range(today().year - 5, today().year + 1), year}, reverse=True)})


@router.get("/resultats/contrats/{contract_id}")
def contract_results_page(request: Request, db: DbSession, user: ContractSideUser,
                          contract_id: RowId, revue: Review = None):
    """The end-of-contract survey's results, or (``revue`` n) the n-th yearly review's."""
    campaign, by_direction = results.contract_results(db, contract_id, user=user,
                                                      anniversary=revue or 0)
    return render(request, "surveys/results_contract.html", {
        "campaign": campaign, "contract": campaign.contract, "results": by_direction,
        "invitations": [i for i in campaign.invitations
                        if user.organisation_id in (i.respondent_org_id, i.subject_org_id)],
        "is_buyer_side": campaign.contract.buyer_org_id == user.organisation_id
        and not user.is_supplier})


@router.get("/resultats/fournisseurs/{organisation_id}")
def supplier_results_page(request: Request, db: DbSession, user: BuyerUser,
                          organisation_id: RowId):
    supplier, by_direction, campaigns = results.supplier_results(db, organisation_id, user=user)
    return render(request, "surveys/results_supplier.html", {
        "supplier": supplier, "results": by_direction, "campaigns": campaigns})


# --- Campaigns (buyers) -------------------------------------------------------------------------

@router.post("/contrats/{contract_id}/lancer")
def launch_campaign(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    _campaign, created = service.launch_by_hand(db, contract_id, user=user)
    message = ("Enquête de fin de contrat lancée : chaque organisation peut maintenant répondre."
               if created else "L'enquête de ce contrat était déjà lancée.")
    return redirect(request, f"/acheteur/contrats/{contract_id}", message=message)


@router.get("/campagnes/{campaign_id}/export.csv")
def export_campaign(db: DbSession, user: ContractSideUser, campaign_id: RowId):
    campaign, content = export.campaign_csv(db, campaign_id, user=user)
    return download(content.encode("utf-8"), f"enquete-{campaign.contract.reference}.csv",
                    CSV_TYPE)


# --- Answering ----------------------------------------------------------------------------------

def survey_context(db, invitation, user, *, values=None, errors=None, summary=None):
    other = service.counterpart(db, invitation)
    readable = service.can_read_answers(db, invitation, user=user)
    if values is None:
        values = {a.id: service.answer_value(a) for a in invitation.answers} if readable else {}
    return {
        "i": invitation, "campaign": invitation.campaign,
        "contract": invitation.campaign.contract,
        "mine": invitation.respondent_org_id == user.organisation_id,
        "editable": service.can_answer(invitation, user),
        "readable": readable,
        "values": {k: "" if v is None else str(v) for k, v in values.items()},
        "errors": errors or {}, "error_summary": summary,
        "other": other,
        "other_readable": other is not None and service.can_read_answers(db, other, user=user),
        # The facilitator answers through its own pages.
        "base": "/facilitateur/enquetes" if user.is_facilitator else "/enquetes",
    }


@router.get("/{invitation_id}")
def survey_page(request: Request, db: DbSession, user: ContractSideUser, invitation_id: RowId):
    invitation = service.get_invitation(db, invitation_id, user=user)
    return render(request, "surveys/survey.html", survey_context(db, invitation, user))


def answers_from_form(invitation, form: FormData) -> dict[int | str, object]:
    """Every question of the form (a question left blank clears its answer)."""
    answers: dict[int | str, object] = {}
    for answer in invitation.answers:
        raw = form.get(f"q-{answer.id}")
        raw = raw if isinstance(raw, str) else None
        if raw is not None and answer.scale in (Scale.satisfaction, Scale.likelihood) \
                and raw.isascii() and raw.isdigit() and len(raw) <= 2:
            answers[answer.id] = int(raw)
        else:
            answers[answer.id] = raw
    return answers


@router.post("/{invitation_id}")
def save_survey(request: Request, db: DbSession, user: ContractSideUser, invitation_id: RowId,
                form: Form):
    return save_from_form(request, db, user, form, url=f"/enquetes/{invitation_id}",
                          invitation=lambda: service.get_invitation(db, invitation_id, user=user))


def save_from_form(request: Request, db, user: User, form: FormData, *, url: str,
                   invitation: Callable[[], Invitation]):
    """Saves the answers typed (« submit »: and files them), then back to ``url``; refused,
    the page again with what was typed. ``invitation`` reads the one answered, with the
    reader's access rule (it is read again for the refused page)."""
    submit = form.get("action") == "submit"
    answers = answers_from_form(invitation(), form)
    try:
        service.save_answers(db, invitation().id, answers, user=user, submit=submit)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, "surveys/survey.html",
                            lambda errors, summary: survey_context(
                                db, invitation(), user, values=answers, errors=errors,
                                summary=summary),
                            block="survey_form")
    message = ("Réponses déposées : merci. Elles ne sont plus modifiables." if submit
               else "Brouillon enregistré.")
    return redirect(request, url, message=message)
