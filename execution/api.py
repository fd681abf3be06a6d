"""Contracts API: list, register, read and change contracts."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StrictInt

from execution import setup
from portal.api_errors import COMMON
from portal.api_paging import ApiPage, PageOut
from portal.auth import ApiUser, ContractSideApiUser, DbSession
from portal.contracts import get_contract_for_reviewer
from portal.errors import Forbidden
from portal.models import CommitmentKind, ContractKind
from portal.permissions import reads_insertion_only
from portal.schemas import ContractIn, ContractOut, FilerHoursOut, InsertionOut
from portal.web import RowId
from supplier import service as filing
from supplier.api import ERRORS
from supplier.compliance.insertion import hours_by_filer, insertion_progress
from supplier.contract_list import MAX_SEARCH, ContractFilters, ContractState, search_contracts

router = APIRouter(prefix="/api/v1", tags=["contracts"], responses=COMMON)


class ContractUpdateIn(ContractIn):
    version: StrictInt


class ContractDetailOut(ContractOut):
    insertion: InsertionOut | None = None


def _detail(db, contract, user=None) -> ContractDetailOut:
    out = ContractDetailOut.model_validate(contract)
    if user is not None:
        _shown_to(user, contract, out)
    progress = insertion_progress(db, [contract]).get(contract.id)
    if progress is not None:
        commitment = contract.commitment(CommitmentKind.insertion_hours)
        filers = hours_by_filer(db, contract, commitment)
        out.insertion = InsertionOut(
            target_hours=progress.target,
            penalty_per_missing_hour=progress.penalty_per_missing_hour,
            validated_hours=progress.validated, expected_to_date_hours=progress.expected_to_date,
            status=progress.status,
            filers=[FilerHoursOut(organisation_id=f.organisation_id, name=f.name, role=f.role,
                                  target_hours=f.target, validated_hours=f.validated,
                                  filed_hours=f.filed)
                    for f in filers] if len(filers) > 1 else [])
    return out


def _shown_to(user, contract, out: ContractOut) -> ContractOut:
    """What of the contract's commitments ``user`` reads (see `reads_insertion_only`)."""
    if reads_insertion_only(user, contract):
        out.commitments = [c for c in out.commitments
                           if c.kind == CommitmentKind.insertion_hours]
    return out


@router.get("/contracts", responses={k: ERRORS[k] for k in (401, 422)},
            operation_id="contracts-list", summary="Lister les contrats")
def list_contracts(
        db: DbSession, user: ApiUser, paging: ApiPage,
        q: Annotated[str, Query(max_length=MAX_SEARCH, description=(
            "Texte cherché dans la référence, l'objet, le nom ou le SIRET du titulaire."))] = "",
        state: Annotated[ContractState | None, Query(description=(
            "current : en cours ; upcoming : à venir ; ended : terminés ; "
            "closed : clos par anticipation."))] = None,
        year: Annotated[int | None, Query(ge=1990, le=2100, description=(
            "Contrats en exécution pendant cette année."))] = None,
        kind: ContractKind | None = None,
        commitment: CommitmentKind | None = None,
        behind: Annotated[bool, Query(description=(
            "Seulement les contrats en retard sur leur engagement d'insertion."))] = False,
) -> PageOut[ContractOut]:
    """Contracts the caller may read, latest end first, one page at a time."""
    filters = ContractFilters(search=q.strip(), state=state or "", year=year, kind=kind or "",
                              commitment=commitment or "", behind=behind)
    page = search_contracts(db, user, filters, page=paging.page, per_page=paging.per_page,
                            with_commitments=True)
    return PageOut.of(page, [_shown_to(user, c, ContractOut.model_validate(c))
                             for c in page.items])


@router.post("/contracts", status_code=201,
             responses={k: ERRORS[k] for k in (401, 403, 413, 422)},
             operation_id="contracts-create", summary="Enregistrer un contrat")
def create_contract(body: ContractIn, db: DbSession,
                    user: ContractSideApiUser) -> ContractDetailOut:
    """Register a contract of the caller's buyer organisation, with its commitments."""
    if not user.is_buyer:
        raise Forbidden("Seuls les agents d'un acheteur peuvent enregistrer un contrat.")
    return _detail(db, setup.create_contract(db, body, buyer=user))


@router.get("/contracts/{contract_id}", responses={k: ERRORS[k] for k in (401, 404)},
            operation_id="contracts-get", summary="Lire un contrat")
def get_contract(contract_id: RowId, db: DbSession, user: ApiUser) -> ContractDetailOut:
    """One contract with its insertion progress."""
    return _detail(db, filing.get_contract(db, contract_id, user), user)


@router.put("/contracts/{contract_id}",
            responses={k: ERRORS[k] for k in (401, 403, 404, 409, 413, 422)},
            operation_id="contracts-update", summary="Modifier un contrat")
def update_contract(contract_id: RowId, body: ContractUpdateIn, db: DbSession,
                    user: ContractSideApiUser) -> ContractDetailOut:
    """Change a contract; `version` must be the one last read."""
    get_contract_for_reviewer(db, contract_id, user)
    data = ContractIn.model_validate(body.model_dump(exclude={"version"}))
    return _detail(db, setup.update_contract(db, contract_id, data, buyer=user,
                                             version=body.version))
