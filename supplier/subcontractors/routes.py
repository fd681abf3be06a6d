"""The holder's page of its contract's sub-contractors: declare, choose who files their hours,
withdraw."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from portal.auth import DbSession, SupplierUser
from portal.errors import Conflict, Invalid
from portal.validation import whole_number
from portal.web import RowId, parsed_form, redirect, refused_form, render, verify_csrf
from supplier.subcontractors import service as subcontracting

router = APIRouter(prefix="/fournisseur", dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
PAGE = "supplier/subcontractors.html"


def _context(db, contract, *, values=None, errors=None, summary=None) -> dict:
    return {"contract": contract, "values": values or {}, "errors": errors or {},
            "error_summary": summary,
            "rows": [(o, subcontracting.files_own_hours(contract, o.id))
                     for o in contract.subcontractors]}


@router.get("/contrats/{contract_id}/sous-traitants")
def subcontractors_page(request: Request, db: DbSession, user: SupplierUser,
                        contract_id: RowId):
    contract = subcontracting.holder_contract(db, contract_id, user)
    return render(request, PAGE, _context(db, contract))


@router.post("/contrats/{contract_id}/sous-traitants")
def add_subcontractor(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId,
                      form: Form):
    siret, name = str(form.get("siret", "")), str(form.get("name", ""))
    files_own = form.get("files_own") == "on"
    values = {"siret": siret, "name": name, "files_own": files_own}
    try:
        added = subcontracting.add_subcontractor(db, contract_id, user=user, siret=siret,
                                                 name=name, files_own=files_own)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, PAGE, lambda errors, summary: _context(
            db, subcontracting.holder_contract(db, contract_id, user), values=values,
            errors=errors, summary=summary), block="subcontractor_form")
    return redirect(request, f"/fournisseur/contrats/{contract_id}/sous-traitants",
                    message=f"{added.name} est déclaré sous-traitant du contrat.")


def _chosen(form: FormData) -> int:
    return whole_number(form.get("organisation_id")) or 0


@router.post("/contrats/{contract_id}/sous-traitants/depot")
def choose_filer(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId,
                 form: Form):
    files_own = form.get("files_own") == "oui"
    organisation = subcontracting.set_files_own(db, contract_id, _chosen(form),
                                                files_own=files_own, user=user)
    message = (f"{organisation.name} déposera ses propres heures d'insertion." if files_own
               else f"Vous déclarerez les heures de {organisation.name} sur vos lignes.")
    return redirect(request, f"/fournisseur/contrats/{contract_id}/sous-traitants",
                    message=message)


@router.post("/contrats/{contract_id}/sous-traitants/retrait")
def remove_subcontractor(request: Request, db: DbSession, user: SupplierUser,
                         contract_id: RowId, form: Form):
    organisation = subcontracting.remove_subcontractor(db, contract_id, _chosen(form),
                                                       user=user)
    return redirect(request, f"/fournisseur/contrats/{contract_id}/sous-traitants",
                    message=f"{organisation.name} n'est plus sous-traitant du contrat.")
