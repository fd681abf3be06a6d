"""Buyer pages: dashboard, contracts (list, create, edit, close), review of declarations."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from execution import review, setup
from execution.forms import contract_payload, form_errors, form_values
from portal import agec
from portal.auth import BuyerUser, DbSession
from portal.contracts import get_contract_for_reviewer, supplier_organisations
from portal.errors import Conflict, Invalid
from portal.permissions import is_reviewer
from portal.schemas import ContractIn
from portal.validation import french_errors
from portal.web import RowId, parsed_form, redirect, render, verify_csrf
from supplier import service as filing
from supplier.compliance import commitment_summaries
from supplier.contract_list import ContractFilters, contract_rows
from supplier.declaration_list import DeclarationFilters, search_declarations
from supplier.kinds import handler_for
from supplier.list_pages import contracts_context, declarations_context
from supplier.progress import insertion_progress
from surveys import service as surveys

router = APIRouter(prefix="/acheteur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
HOME_ROWS = 5  # a home page shows the first rows of each list and links to the whole list


def _version(form: FormData) -> int:
    value = str(form.get("version", ""))
    return int(value) if value.isdigit() else -1


@router.get("")
def home_page(request: Request, db: DbSession, user: BuyerUser):
    """Counts and the first rows of what waits for the buyer; the lists link to the rest."""
    behind = contract_rows(db, user, ContractFilters(behind=True), per_page=HOME_ROWS)
    return render(request, "execution/home.html", {
        "to_review": search_declarations(db, user, DeclarationFilters(state="to_review"),
                                         per_page=HOME_ROWS),
        "behind": behind, "progress": insertion_progress(db, behind.items),
        "pending_surveys": surveys.pending_for(db, user),
    })


@router.get("/contrats")
def contracts_page(request: Request, db: DbSession, user: BuyerUser):
    return render(request, "execution/contracts.html",
                  contracts_context(db, user, request.query_params, action="/acheteur/contrats"),
                  block="results")


@router.get("/declarations")
def declarations_page(request: Request, db: DbSession, user: BuyerUser):
    """Every declaration of the buyer's contracts; the ones to review unless asked otherwise."""
    return render(request, "execution/declarations.html",
                  declarations_context(db, user, request.query_params,
                                       action="/acheteur/declarations", state="to_review"),
                  block="results")


def _contract_form(request, db, user, *, values, errors=None, contract=None, summary=None,
                   status_code=200, version=None):
    return render(request, "execution/contract_form.html", {
        "values": values, "errors": errors or {}, "contract": contract, "error_summary": summary,
        "suppliers": supplier_organisations(db, user.organisation_id),
        "agec_categories": agec.categories(db),
        "version": version if version is not None else (contract.version if contract else None),
    }, block="contract_form", status_code=status_code)


@router.get("/contrats/nouveau")
def new_contract_page(request: Request, db: DbSession, user: BuyerUser):
    values = {"kind": "market", "frequency": "quarterly", "co_holder_sirets": [], "insertion": None}
    return _contract_form(request, db, user, values=values)


def _save_contract(request, db, user, form, *, contract_id: int | None):
    payload = contract_payload(form)
    contract = get_contract_for_reviewer(db, contract_id, user) if contract_id else None
    try:
        data = ContractIn.model_validate(payload)
        if contract_id is None:
            saved = setup.create_contract(db, data, buyer=user)
        else:
            saved = setup.update_contract(db, contract_id, data, buyer=user,
                                          version=_version(form))
    except (ValidationError, Invalid, Conflict) as error:
        db.rollback()
        if isinstance(error, ValidationError):
            errors = french_errors(error)
            summary = "Le contrat n'a pas été enregistré : corrigez les champs signalés."
        else:
            errors, summary = error.field_errors, error.message
        status = 409 if isinstance(error, Conflict) else 422
        return _contract_form(request, db, user, values=payload, errors=form_errors(errors),
                              contract=contract,
                              summary=summary, status_code=status, version=_version(form))
    message = "Contrat enregistré." if contract_id else "Contrat créé ; ses périodes de " \
        "déclaration ont été générées."
    return redirect(request, f"/acheteur/contrats/{saved.id}", message=message)


@router.post("/contrats/nouveau")
def create_contract(request: Request, db: DbSession, user: BuyerUser, form: Form):
    return _save_contract(request, db, user, form, contract_id=None)


@router.get("/contrats/{contract_id}")
def contract_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = filing.get_contract(db, contract_id, user)
    declarations = filing.declarations_of(db, contract)
    return render(request, "execution/contract.html", {
        "contract": contract,
        "commitments": commitment_summaries(db, contract),
        "declarations": declarations,
        "hours": filing.total_hours(db, [d.id for d in declarations]),
        "can_edit": is_reviewer(user, contract),
        "survey": surveys.contract_section(db, contract, user),
    })


@router.get("/contrats/{contract_id}/modifier")
def edit_contract_page(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId):
    contract = get_contract_for_reviewer(db, contract_id, user)
    return _contract_form(request, db, user, values=form_values(contract), contract=contract)


@router.post("/contrats/{contract_id}/modifier")
def update_contract(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                    form: Form):
    return _save_contract(request, db, user, form, contract_id=contract_id)


@router.post("/contrats/{contract_id}/clore")
def close_contract(request: Request, db: DbSession, user: BuyerUser, contract_id: RowId,
                   form: Form):
    setup.close_contract(db, contract_id, buyer=user, version=_version(form))
    return redirect(request, f"/acheteur/contrats/{contract_id}",
                    message="Contrat clos : les périodes restantes ont été retirées.")


@router.get("/declarations/{declaration_id}")
def declaration_page(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId):
    declaration = filing.get_declaration(db, declaration_id, user)
    return render(request, "execution/declaration.html",
                  _review_context(db, declaration, can_review=is_reviewer(user,
                                                                           declaration.contract)))


def _review_context(db, declaration, *, can_review: bool, **extra):
    handler = handler_for(declaration)
    return {"d": declaration, "contract": declaration.contract, "handler": handler,
            "can_review": can_review, "errors": {}, **handler.view_context(db, declaration),
            **extra}


@router.post("/declarations/{declaration_id}/valider")
def validate_declaration(request: Request, db: DbSession, user: BuyerUser,
                         declaration_id: RowId, form: Form):
    review.validate(db, declaration_id, reviewer=user, version=_version(form))
    return redirect(request, f"/acheteur/declarations/{declaration_id}",
                    message="Déclaration validée.")


def _comment_action(request, db, user, declaration_id, form, action, message):
    comment = str(form.get("comment", ""))
    try:
        action(db, declaration_id, reviewer=user, version=_version(form), comment=comment)
    except Invalid as error:
        db.rollback()
        declaration = filing.get_declaration(db, declaration_id, user)
        context = _review_context(db, declaration, can_review=True, comment=comment,
                                  error_summary=error.message)
        context["errors"] = error.field_errors
        return render(request, "execution/declaration.html", context, block="review_form",
                      status_code=422)
    return redirect(request, f"/acheteur/declarations/{declaration_id}", message=message)


@router.post("/declarations/{declaration_id}/renvoyer")
def return_declaration(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId,
                       form: Form):
    return _comment_action(request, db, user, declaration_id, form, review.return_to_holder,
                           "Déclaration renvoyée au titulaire avec votre commentaire.")


@router.post("/declarations/{declaration_id}/rouvrir")
def reopen_declaration(request: Request, db: DbSession, user: BuyerUser, declaration_id: RowId,
                       form: Form):
    return _comment_action(request, db, user, declaration_id, form, review.reopen,
                           "Déclaration rouverte et renvoyée au titulaire.")
