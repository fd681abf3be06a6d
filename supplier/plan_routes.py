"""Supplier action on a progress plan beyond the declaration page: proposing a revision."""

from fastapi import APIRouter, Depends, Request

from portal.auth import DbSession, SupplierUser
from portal.web import RowId, redirect, verify_csrf
from supplier.plan import propose_revision

router = APIRouter(prefix="/fournisseur", dependencies=[Depends(verify_csrf)])


@router.post("/contrats/{contract_id}/plan-de-progres/revision")
def revise_plan(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId):
    revision = propose_revision(db, contract_id, user=user)
    return redirect(request, f"/fournisseur/declarations/{revision.id}",
                    message="Révision du plan créée à partir des actions en vigueur : modifiez-la "
                            "puis déposez-la pour que l'acheteur l'examine.")
