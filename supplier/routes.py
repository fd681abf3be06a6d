"""Supplier pages: home, contract, declaration form."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from portal.auth import DbSession, SupplierUser
from portal.errors import Conflict, Invalid
from portal.permissions import is_filer
from portal.validation import french_errors
from portal.web import parsed_form, redirect, render, templates, verify_csrf
from supplier import service, vocabulary
from supplier.forms import declaration_payload, field_label, rows_from_form
from supplier.progress import insertion_progress
from supplier.schemas import InsertionDeclarationIn, InsertionLineIn

router = APIRouter(prefix="/fournisseur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
BLANK_ROWS = 3
templates.env.globals.update(status_labels=vocabulary.STATUS_LABELS, vocabulary=vocabulary,
                             field_label=field_label)
NOT_SAVED = "La déclaration n'a pas été enregistrée : corrigez les champs signalés."


@router.get("")
def home_page(request: Request, db: DbSession, user: SupplierUser):
    contracts = service.list_contracts(db, user)
    return render(request, "supplier/home.html", {
        "contracts": contracts,
        "progress": insertion_progress(db, contracts),
        "todo": service.holder_todo(db, user),
        "returned": service.returned_to(db, user),
    })


@router.get("/contrats/{contract_id}")
def contract_page(request: Request, db: DbSession, user: SupplierUser, contract_id: int):
    contract = service.get_contract(db, contract_id, user)
    declarations = service.declarations_of(db, contract)
    return render(request, "supplier/contract.html", {
        "contract": contract,
        "progress": insertion_progress(db, [contract]).get(contract.id),
        "declarations": declarations,
        "hours": service.total_hours(db, [d.id for d in declarations]),
        "can_file": is_filer(user, contract),
    })


def _form_context(declaration, user, rows, *, errors=None, comment=None, blank=BLANK_ROWS,
                  version=None):
    return {
        "d": declaration,
        "version": version if version is not None else declaration.version,
        "contract": declaration.contract,
        "rows": rows + [{} for _ in range(blank)],
        "errors": errors or {},
        "comment": comment if comment is not None else (declaration.supplier_comment or ""),
        "editable": is_filer(user, declaration.contract) and not declaration.is_locked,
        "vocabulary": vocabulary,
    }


@router.get("/declarations/{declaration_id}")
def declaration_page(request: Request, db: DbSession, user: SupplierUser, declaration_id: int):
    declaration = service.get_declaration(db, declaration_id, user)
    rows = [InsertionLineIn.model_validate(line).model_dump() for line in
            declaration.insertion_lines]
    blank = BLANK_ROWS if not declaration.insertion_lines else 1
    return render(request, "supplier/declaration.html",
                  _form_context(declaration, user, rows, blank=blank))


@router.post("/declarations/{declaration_id}")
def save_declaration(request: Request, db: DbSession, user: SupplierUser, declaration_id: int,
                     form: Form):
    declaration = service.get_for_filer(db, declaration_id, user)
    action = str(form.get("action", "save"))
    rows = rows_from_form(form)
    payload = declaration_payload(form, rows)
    if action == "add_lines":
        return render(request, "supplier/declaration.html",
                      _form_context(declaration, user, rows, comment=payload["supplier_comment"],
                                    blank=10), block="declaration_form")
    try:
        data = InsertionDeclarationIn.model_validate(payload)
        if action == "submit":
            service.submit(db, declaration_id, data, user=user)
            message = "Déclaration déposée : l'acheteur va l'examiner."
        else:
            service.save_draft(db, declaration_id, data, user=user)
            message = "Brouillon enregistré."
    except (ValidationError, Invalid, Conflict) as error:
        # Re-render what the user typed, with the reason, instead of losing it.
        db.rollback()
        if isinstance(error, ValidationError):
            errors, summary = french_errors(error), NOT_SAVED
        else:
            errors, summary = error.field_errors, error.message
        # On a conflict the form keeps the version it was read at, so saving again cannot
        # silently overwrite the other person's change.
        context = _form_context(declaration, user, rows, errors=errors,
                                comment=payload["supplier_comment"], version=payload["version"])
        context["error_summary"] = summary
        status = 409 if isinstance(error, Conflict) else 422
        return render(request, "supplier/declaration.html", context,
                      block="declaration_form", status_code=status)
    return redirect(request, f"/fournisseur/declarations/{declaration_id}", message=message)
