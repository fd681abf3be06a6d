"""Printed reports: the annual SPASER report (page, commentary, PDF), the end-of-contract report,
the holder's insertion attestation and the public page that checks an attestation's code."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from execution.indicators import exports
from execution.indicators.scope import Scope, buyer_organisations, resolve, years
from execution.reports import annual as reports
from execution.reports import attestation as attestations
from execution.reports import end_of_contract as contract_report
from portal.auth import BuyerUser, ContractSideUser, DbSession, OptionalUser, SupplierUser
from portal.clock import today
from portal.errors import Conflict, Invalid
from portal.models import User
from portal.validation import whole_number
from portal.web import (
    QueryId,
    RowId,
    Year,
    download,
    parsed_form,
    redirect,
    refused_form,
    render,
    verify_csrf,
)

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
ANNUAL = "execution/annual_report.html"
VERIFICATION = "execution/verification.html"


def pdf_response(content: bytes, filename: str) -> Response:
    return download(content, filename, "application/pdf")


# --- Annual SPASER report -----------------------------------------------------------------------

def _scope(db, user: User, annee: int | None, acheteur: int | None) -> Scope:
    """Buyers: their organisation; administrators: the one chosen, or all. The report is about
    a past year by default: the year that just ended."""
    return resolve(db, user, year=annee if annee is not None else today().year - 1,
                   buyer_id=acheteur)


def _annual_context(db, user, scope: Scope, *, texts=None, versions=None, errors=None,
                    summary=None) -> dict:
    year, organisation = scope.year, scope.buyer
    saved = (reports.commentaries(db, buyer_org_id=organisation.id, year=year)
             if organisation is not None else {})
    sections = [{"key": key, "title": title, "hint": hint,
                 "text": texts[key] if texts is not None else (
                     saved[key].text if key in saved else ""),
                 "version": versions.get(key) if versions is not None else (
                     saved[key].version if key in saved else None),
                 "saved": saved.get(key)}
                for key, (title, hint) in reports.SECTIONS.items()]
    return {
        "year": year, "organisation": organisation, "sections": sections,
        "years": years(year), "scope": scope,
        "organisations": buyer_organisations(db) if user.is_admin else [],
        "can_edit": user.is_buyer,
        "pdf_url": "/rapports/annuel.pdf?" + urlencode(scope.query()),
        "annex_urls": {fmt: f"/rapports/annuel-contrats.{fmt}?" + urlencode(scope.query())
                       for fmt in exports.FORMATS},
        "errors": errors or {}, "error_summary": summary,
        "max_length": reports.MAX_COMMENTARY,
        "field_labels": {f"text_{key}": title for key, (title, _) in reports.SECTIONS.items()},
    }


@router.get("/rapports/annuel")
def annual_report_page(request: Request, db: DbSession, user: ContractSideUser,
                       annee: Year = None, acheteur: QueryId = None):
    return render(request, ANNUAL, _annual_context(db, user, _scope(db, user, annee, acheteur)),
                  block="commentary_form")


def _version(value: object) -> int | None:
    return whole_number(value)


@router.post("/rapports/annuel")
def save_annual_commentary(request: Request, db: DbSession, user: BuyerUser, form: Form,
                           annee: Year = None):
    scope = _scope(db, user, annee, None)
    texts = {key: str(form.get(f"text_{key}", "")) for key in reports.SECTIONS}
    versions = {key: _version(form.get(f"version_{key}")) for key in reports.SECTIONS}
    try:
        reports.save_commentary(db, buyer_org_id=scope.buyer_org_id, year=scope.year,
                                texts=texts, versions=versions, user=user)
    except (Invalid, Conflict) as error:
        return refused_form(request, db, error, ANNUAL, lambda errors, summary: _annual_context(
            db, user, scope, texts=texts, versions=versions, errors=errors, summary=summary),
            block="commentary_form")
    return redirect(request, f"/rapports/annuel?annee={scope.year}",
                    message="Commentaire enregistré : il figurera dans le rapport PDF.")


@router.get("/rapports/annuel.pdf")
def annual_report_pdf(db: DbSession, user: ContractSideUser, annee: Year = None,
                      acheteur: QueryId = None):
    scope = _scope(db, user, annee, acheteur)
    content = reports.annual_report_pdf(db, year=scope.year, organisation=scope.buyer)
    return pdf_response(content, reports.annual_report_filename(scope.year, scope.buyer))


@router.get("/rapports/annuel-contrats.{fmt}")
def annual_report_annex(db: DbSession, user: ContractSideUser, fmt: str, annee: Year = None,
                        acheteur: QueryId = None):
    """The report's annex: every contract executed in the year, as CSV or XLSX."""
    scope = _scope(db, user, annee, acheteur)
    content, media_type, filename = exports.export(db, "contrats", fmt, scope)
    return download(content, filename, media_type)


# --- End-of-contract report and insertion attestation --------------------------------------------

@router.get("/acheteur/contrats/{contract_id}/rapport.pdf")
def contract_report_pdf(db: DbSession, user: BuyerUser, contract_id: RowId):
    contract, content = contract_report.contract_report_pdf(db, contract_id, user=user)
    return pdf_response(content, f"rapport-fin-de-contrat-{contract.reference}.pdf")


@router.post("/fournisseur/contrats/{contract_id}/attestation")
def issue_attestation(request: Request, db: DbSession, user: SupplierUser, contract_id: RowId):
    attestations.issue(db, contract_id, user=user)
    return redirect(request, f"/fournisseur/contrats/{contract_id}/attestation.pdf")


@router.get("/fournisseur/contrats/{contract_id}/attestation.pdf")
def attestation_pdf(db: DbSession, user: SupplierUser, contract_id: RowId):
    return _attestation_download(db, user, contract_id)


# The buyer gets the holder's attestation too (to file it, to check a tender's references).
@router.post("/acheteur/contrats/{contract_id}/attestation")
def buyer_issue_attestation(request: Request, db: DbSession, user: BuyerUser,
                            contract_id: RowId):
    attestations.issue(db, contract_id, user=user)
    return redirect(request, f"/acheteur/contrats/{contract_id}/attestation.pdf")


@router.get("/acheteur/contrats/{contract_id}/attestation.pdf")
def buyer_attestation_pdf(db: DbSession, user: BuyerUser, contract_id: RowId):
    return _attestation_download(db, user, contract_id)


def _attestation_download(db, user: User, contract_id: int) -> Response:
    attestation = attestations.latest_issued(db, contract_id, user=user)
    return pdf_response(attestations.attestation_pdf(attestation),
                        f"attestation-insertion-{attestation.contract_reference}-"
                        f"{attestations.display_code(attestation.code)}.pdf")


# --- Public verification ------------------------------------------------------------------------

def _unknown(request: Request, typed: str) -> Response:
    return render(request, VERIFICATION,
                  {"typed": typed[:40], "error": attestations.UNKNOWN_CODE, "a": None},
                  status_code=404)


@router.get("/verification")
def verification_page(request: Request, user: OptionalUser, code: str | None = None):
    if code is None or not code.strip():
        return render(request, VERIFICATION, {"typed": "", "error": None, "a": None})
    normalized = attestations.normalize_code(code)
    if normalized is None:
        return _unknown(request, code)
    return redirect(request, f"/verification/{attestations.display_code(normalized)}")


@router.get("/verification/{code}")
def verified_page(request: Request, db: DbSession, user: OptionalUser, code: str):
    attestation = attestations.verify(db, code)
    if attestation is None:
        return _unknown(request, code)
    return render(request, VERIFICATION, {
        "typed": attestations.display_code(attestation.code), "a": attestation, "error": None,
        "code": attestations.display_code(attestation.code)})
