"""Supplier pages: home, contract, declaration form (the same page for every kind)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from portal.auth import ContractSideUser, DbSession, SupplierUser
from portal.errors import Conflict, Invalid, TooLarge
from portal.models import CommitmentKind
from portal.permissions import is_filer, reads_insertion_only
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf
from supplier import service
from supplier.compliance.insertion import insertion_progress
from supplier.compliance.summary import commitment_summaries
from supplier.contract_list import contract_rows
from supplier.declaration_list import DeclarationFilters, search_declarations
from supplier.documents import get_readable_document
from supplier.kind_forms import form_for
from supplier.kinds import handler_for
from supplier.list_pages import contracts_context, declarations_context
from surveys import lists as surveys

router = APIRouter(prefix="/fournisseur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
HOME_ROWS, HOME_CONTRACTS = 5, 10
NOT_SAVED = "La déclaration n'a pas été enregistrée : corrigez les champs signalés."
PAGE = "supplier/declaration.html"


@router.get("")
def home_page(request: Request, db: DbSession, user: SupplierUser):
    """Counts and the first rows of what the holder has to do; the lists link to the rest."""
    contracts = contract_rows(db, user, per_page=HOME_CONTRACTS)
    return render(request, "supplier/home.html", {
        "contracts": contracts,
        "progress": insertion_progress(db, contracts.items),
        "todo": search_declarations(db, user, DeclarationFilters(state="todo"),
                                    per_page=HOME_ROWS),
        "returned": search_declarations(db, user, DeclarationFilters(state="returned"),
                                        per_page=HOME_ROWS),
        "pending_surveys": surveys.pending_for(db, user),
    })


@router.get("/contrats")
def contracts_page(request: Request, db: DbSession, user: SupplierUser):
    return render(request, "supplier/contracts.html",
                  contracts_context(db, user, request.query_params, action="/fournisseur/contrats"),
                  block="results")


@router.get("/declarations")
def declarations_page(request: Request, db: DbSession, user: SupplierUser):
    """The organisation's declarations; what is due within 30 days or late unless asked."""
    return render(request, "supplier/declarations.html",
                  declarations_context(db, user, request.query_params,
                                       action="/fournisseur/declarations", state="todo"),
                  block="results")


@router.get("/contrats/{contract_id}")
def contract_page(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId):
    contract = service.get_contract(db, contract_id, user)
    declarations = service.declarations_of(db, contract, user)
    # A sub-contractor sees the insertion commitment only, not the holder's other obligations.
    insertion_only = reads_insertion_only(user, contract)
    return render(request, "supplier/contract.html", {
        "contract": contract,
        "commitments": commitment_summaries(
            db, contract, kinds={CommitmentKind.insertion_hours} if insertion_only else None),
        "declarations": declarations,
        "hours": service.declared_hours(db, [d.id for d in declarations]),
        "can_file": service.files_on(user, contract),
        "is_holder": is_filer(user, contract),
    })


def _form_context(db, declaration, user, payload, *, errors=None, extra_rows=0, summary=None):
    handler = handler_for(declaration)
    # Another organisation's draft (the holder's, a co-holder's) stays its own.
    shown = declaration.content_shown_to(user)
    return {
        "shown": shown,
        "filer": declaration.filer,
        "d": declaration,
        "contract": declaration.contract,
        "handler": handler,
        "kind_form": form_for(declaration),
        "version": payload.get("version", declaration.version),
        "comment": payload.get("supplier_comment") or "",
        "errors": errors or {},
        "error_summary": summary,
        "editable": declaration.filed_by(user) and not declaration.is_locked,
        **(handler.form_context(db, declaration, payload, extra_rows=extra_rows)
           if shown else {}),
        **(handler.view_context(db, declaration) if shown else {}),
    }


@router.get("/declarations/{declaration_id}")
def declaration_page(request: Request, db: DbSession, user: SupplierUser, declaration_id: RowId):
    declaration = service.get_declaration(db, declaration_id, user)
    handler = handler_for(declaration)
    payload = handler.payload_from_declaration(db, declaration)
    return render(request, PAGE, _form_context(db, declaration, user, payload,
                                               extra_rows=1 if payload.get("lines") else 3))


@router.post("/declarations/{declaration_id}")
def save_declaration(request: Request, db: DbSession, user: SupplierUser, declaration_id: RowId,
                     form: Form):
    declaration = service.get_for_filer(db, declaration_id, user)
    handler = handler_for(declaration)
    action = str(form.get("action", "save"))
    payload = form_for(declaration).read(form)
    if action == "add_lines":
        return render(request, PAGE, _form_context(db, declaration, user, payload, extra_rows=10),
                      block="declaration_form")
    try:
        data = handler.validate(payload)
        if action == "submit":
            service.submit(db, declaration_id, data, user=user)
            message = "Déclaration déposée : l'acheteur va l'examiner."
        else:
            service.save_draft(db, declaration_id, data, user=user)
            message = "Brouillon enregistré."
    except (ValidationError, Invalid, Conflict, TooLarge) as error:
        # Show again what the user typed, with the reason, instead of losing it. On a conflict
        # the form keeps the version it was read at: saving again cannot silently overwrite.
        return refused_form(request, db, error, PAGE, lambda errors, summary: _form_context(
            db, declaration, user, payload, errors=errors, summary=summary),
            summary=NOT_SAVED, block="declaration_form")
    return redirect(request, f"/fournisseur/declarations/{declaration_id}", message=message)


documents_router = APIRouter(prefix="/documents")


@documents_router.get("/{document_id}")
def download_document(db: DbSession, user: ContractSideUser, document_id: RowId):
    document = get_readable_document(db, document_id, user)
    # Always a download, never rendered by the browser inside the portal's origin.
    return FileResponse(document.path, media_type=document.content_type,
                        filename=document.filename, content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "private, no-store"})
