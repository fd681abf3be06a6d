"""Publication: the buyer's page that publishes (/acheteur/publication) and the public pages that
read what was published, without logging in (/publication).

The public pages take no user at all: they show the same thing to everyone, with the site's
layout but no logged-in navigation. The pages themselves are not cached (they carry the form
token cookie like every page); the files are public data and may be cached by anyone: a few
minutes for the latest version (publishing again changes it), a year for a numbered version,
which never changes.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData

from execution.indicators.format import terms, value_text
from execution.indicators.scope import buyer_organisations, chosen_buyer
from execution.publication import documents
from execution.publication import service as publications
from portal.auth import ContractSideUser, DbSession
from portal.clock import today
from portal.errors import Invalid, NotFound, PortalError
from portal.models import Organisation, User
from portal.pagination import page_number
from portal.reporting_period import parse_period
from portal.spreadsheet import CSV_TYPE
from portal.validation import whole_number
from portal.web import QueryId, download, parsed_form, redirect, refused_form, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
Form = Annotated[FormData, Depends(parsed_form)]
BUYER_PAGE = "execution/publication/buyer.html"
REFUSALS = ("Vous ne pouvez publier que les indicateurs de votre organisation.",
            "La publication des indicateurs est réservée aux acheteurs et aux administrateurs.")
CHOOSE_BUYER = "Choisissez d'abord l'organisation acheteuse dont publier les indicateurs."
LATEST_CACHE = "public, max-age=300"
VERSION_CACHE = "public, max-age=31536000, immutable"


# --- The buyer's page ---------------------------------------------------------------------------

def _buyer_context(db, user: User, buyer: Organisation | None, period_text: str, *,
                   chosen: list[str] | None = None, errors=None, summary=None) -> dict:
    errors = dict(errors or {})
    indicators, period = [], None
    if buyer is not None and "period" not in errors:
        try:
            period = publications.choose_period(period_text)
            indicators = publications.preview(db, buyer, period)
        except Invalid as refused:
            errors.update(refused.field_errors)
            summary = summary or refused.message
    query = {"acheteur": buyer.id} if user.is_admin and buyer is not None else {}
    return {
        "buyer": buyer, "period_text": period_text[:20], "period": period,
        "organisations": buyer_organisations(db) if user.is_admin else [],
        "rows": [{"i": i, "value": value_text(i.value, i.unit), "terms": terms(i)}
                 for i in indicators],
        "chosen": set(publications.default_choice() if chosen is None else chosen),
        "can_publish": buyer is not None and publications.may_publish(user, buyer),
        "publications": publications.publications_of(db, buyer) if buyer is not None else [],
        "errors": errors, "error_summary": summary,
        "field_labels": {"period": "Période", "indicators": "Indicateurs à publier"},
        "action": "/acheteur/publication" + (f"?{urlencode(query)}" if query else ""),
    }


@router.get("/acheteur/publication")
def buyer_page(request: Request, db: DbSession, user: ContractSideUser,
               periode: str | None = None, acheteur: QueryId = None):
    buyer = chosen_buyer(db, user, acheteur, refusals=REFUSALS)
    typed = periode if periode is not None else str(today().year - 1)
    return render(request, BUYER_PAGE, _buyer_context(db, user, buyer, typed))


@router.post("/acheteur/publication")
def publish(request: Request, db: DbSession, user: ContractSideUser, form: Form,
            acheteur: QueryId = None):
    buyer = chosen_buyer(db, user, acheteur, refusals=REFUSALS)
    typed = str(form.get("period") or "")
    chosen = [str(v) for v in form.getlist("indicators")]
    try:
        if buyer is None:
            raise Invalid(CHOOSE_BUYER)
        period = publications.choose_period(typed)
        publication = publications.publish(db, user, buyer, period, chosen)
    except Invalid as error:
        return refused_form(request, db, error, BUYER_PAGE, lambda errors, summary: (
            _buyer_context(db, user, buyer, typed, chosen=chosen, errors=errors,
                           summary=summary)))
    url = documents.base_url(publication)
    query = {"periode": publication.period, **({"acheteur": buyer.id} if user.is_admin else {})}
    return redirect(request, f"/acheteur/publication?{urlencode(query)}", message=(
        f"Indicateurs de {period.label} publiés (version {publication.version}) : ils sont "
        f"en ligne à l'adresse {url}."))


# --- The public pages ---------------------------------------------------------------------------

def _version(text: str | None) -> int | None:
    """?version=N; anything else than a whole number names no version: 404."""
    if text is None:
        return None
    version = whole_number(text)
    if version is None or version < 1:
        raise NotFound(publications.NOT_PUBLISHED)
    return version


def _cache(version: int | None) -> dict[str, str]:
    return {"Cache-Control": VERSION_CACHE if version is not None else LATEST_CACHE}


@router.get("/publication")
def index_page(request: Request, db: DbSession, q: str = "", page: str | None = None):
    search = q.strip()[:100]
    return render(request, "execution/publication/index.html", {
        "published": publications.index(db, search=search, page=page_number(page)),
        "q": search, "base": "/publication" + (f"?{urlencode({'q': search})}" if search else "")},
        block="results")


@router.get("/publication/{siret}/{period}.json")
def publication_json(db: DbSession, siret: str, period: str, version: str | None = None):
    """Open data: a 404 here is JSON too (a script reads it)."""
    try:
        number = _version(version)
        publication = publications.published(db, siret, period, number)
    except PortalError as error:
        return JSONResponse({"detail": error.message}, status_code=error.status_code)
    return download(documents.as_json(publication), documents.filename(publication, "json"),
                    "application/json", headers=_cache(number))


@router.get("/publication/{siret}/{period}.csv")
def publication_csv(db: DbSession, siret: str, period: str, version: str | None = None):
    number = _version(version)
    publication = publications.published(db, siret, period, number)
    return download(documents.as_csv(publication), documents.filename(publication, "csv"),
                    CSV_TYPE, headers=_cache(number))


@router.get("/publication/{siret}/{period}/rapport.pdf")
def publication_report(db: DbSession, siret: str, period: str, version: str | None = None):
    number = _version(version)
    publication = publications.published(db, siret, period, number)
    return download(publications.report_pdf(db, publication),
                    f"rapport-spaser-{publication.buyer.siret}-{publication.period}"
                    f"-v{publication.version}.pdf", "application/pdf", headers=_cache(number))


@router.get("/publication/{siret}/{period}")
def publication_page(request: Request, db: DbSession, siret: str, period: str,
                     version: str | None = None):
    number = _version(version)
    publication = publications.published(db, siret, period, number)
    shown = parse_period(publication.period)
    every = publications.versions(db, publication)
    base = documents.base_url(publication)
    suffix = f"?version={publication.version}"
    return render(request, "execution/publication/public.html", {
        "p": publication, "period_label": shown.label,
        # « Indicateurs 2025 », « Indicateurs du 1er semestre 2025 ».
        "period_heading": shown.label if shown.is_year else f"du {shown.label}",
        "lines": documents.lines(publication), "versions": every, "base": base,
        "latest": every[-1][0] if every else publication.version,
        "files": {"json": f"{base}.json{suffix}", "csv": f"{base}.csv{suffix}",
                  "pdf": f"{base}/rapport.pdf{suffix}"
                  if publications.has_report(db, publication) else None}})
