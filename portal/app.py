"""The application factory: wires every package's routers, error handlers and middleware."""

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from execution import api as execution_api
from execution import routes as execution_routes
from execution.agec import routes as agec_routes
from execution.centrals import routes as central_routes
from execution.decp import routes as decp_routes
from execution.facilitation import api as facilitation_api
from execution.facilitation import check_routes as facilitation_check_routes
from execution.facilitation import routes as facilitation_routes
from execution.indicators import api as indicator_api
from execution.indicators import buyer_routes as indicator_buyer_routes
from execution.indicators import routes as indicator_routes
from execution.mediation import api as mediation_api
from execution.mediation import routes as mediation_routes
from execution.opendata import routes as opendata_routes
from execution.payments import admin_routes as payment_admin_routes
from execution.payments import api as payment_api
from execution.payments import routes as payment_routes
from execution.publication import routes as publication_routes
from execution.reports import routes as report_routes
from execution.review import api as review_api
from execution.review import routes as review_routes
from portal import (
    access_log,
    account_routes,
    admin_routes,
    api_docs_routes,
    api_token_routes,
    error_log,
    member_routes,
)
from portal import api as portal_api
from portal import routes as portal_routes
from portal.errors import Conflict, Invalid, LoginRequired, NotFound, PortalError
from portal.middleware import BodySizeLimit, SecurityHeaders
from portal.settings import get_settings
from portal.template_globals import install_template_globals
from portal.templating import environment
from portal.validation import JSON_INVALID, french_errors
from portal.web import is_htmx_swap, refuse_nul, render, retry_after
from supplier import api as supplier_api
from supplier import exit_routes as supplier_exit_routes
from supplier import plan_routes as supplier_plan_routes
from supplier import routes as supplier_routes
from supplier.service import STALE
from supplier.subcontractors import routes as subcontracting_routes
from surveys import api as surveys_api
from surveys import facilitator_routes as surveys_facilitator_routes
from surveys import routes as surveys_routes
from surveys.candidates import routes as candidate_routes

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(request: Request, error: PortalError,
                    headers: dict[str, str] | None = None) -> Response:
    headers = {**(headers or {}), **retry_after(error)}
    if _wants_json(request):
        body: dict = {"detail": error.message}
        if error.field_errors:
            body["errors"] = error.field_errors
        return JSONResponse(body, status_code=error.status_code, headers=headers)
    if isinstance(error, LoginRequired):
        target = "/connexion?suivant=" + request.url.path
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    if is_htmx_swap(request):
        # htmx keeps the page (and what the user typed) and shows the message in #flash.
        message = {"level": "error", "message": error.message}
        return render(request, "_flash.html", {"flash": message},
                      status_code=error.status_code,
                      headers={**headers, "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return render(request, "error.html", {"error": error}, status_code=error.status_code,
                  headers=headers)


async def _portal_error(request: Request, error: PortalError) -> Response:
    return _error_response(request, error)


async def _stale(request: Request, _error: StaleDataError) -> Response:
    return _error_response(request, Conflict(STALE))


async def _invalid_request(request: Request, error: RequestValidationError) -> Response:
    if _wants_json(request):
        errors = french_errors(list(error.errors()))
        return JSONResponse({"detail": "Données invalides.", "errors": errors}, status_code=422)
    # A malformed identifier in a page's address: the page does not exist.
    return _error_response(request, NotFound())


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    if error.status_code == 400 and _wants_json(request):
        # FastAPI's English 400 for a body it cannot decode (not UTF-8): the same 422 as
        # malformed JSON.
        return _error_response(request, Invalid("Données invalides.",
                                                field_errors={"body": JSON_INVALID}))
    messages = {400: "La requête est mal formée : son contenu n'a pas pu être lu.",
                404: "Cette page n'existe pas.", 405: "Cette action n'est pas possible ici."}
    message = messages.get(error.status_code, str(error.detail))
    wrapped = PortalError(message)
    wrapped.status_code = error.status_code
    headers = dict(error.headers or {})
    if error.status_code == 405 and (allowed := _allowed_methods(request)):
        headers["Allow"] = allowed
    return _error_response(request, wrapped, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """HTTP asks a 405 to name every method the address accepts; Starlette names only those of
    the first route on that path (GET, when PUT is a route of its own)."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return ", ".join(method for method in _METHODS
                     if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
                            for route in routes))


async def _unexpected(request: Request, error: Exception) -> Response:
    error_log.log_unexpected(log, "Unexpected error on %s", request.url.path, error=error)
    wrapped = PortalError("Une erreur inattendue est survenue ; elle a été enregistrée. "
                          "Réessayez dans un instant.")
    wrapped.status_code = 500
    return _error_response(request, wrapped)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    # The embedded default runs the jobs in the web process; the database lock keeps a second
    # worker's scheduler idle.
    scheduler = None
    if get_settings().scheduler == "inline":
        from portal.scheduler import build

        scheduler, leader = build()
        scheduler.start()
    yield
    if scheduler is not None:
        scheduler.shutdown(wait=False)
        leader.release()


def _document_declaration_contents(app: FastAPI) -> None:
    """PUT /api/v1/declarations/{id} takes the shape of the declaration's kind, validated by
    the route itself: each shape becomes a component of /openapi.json."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()
        schema["components"]["schemas"].update(supplier_api.CONTENT_SCHEMAS)
        return schema

    app.openapi = openapi


def _secure_every_answer(app: FastAPI) -> None:
    """The security headers go on outside Starlette's ServerErrorMiddleware, which answers the
    500 of an unexpected error (and is outside every middleware added): that page carries
    them too, like the refusals of the size limit."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())


def create_app() -> FastAPI:
    settings = get_settings()
    access_log.install()
    error_log.install()
    install_template_globals()
    environment.auto_reload = settings.template_reload
    app = FastAPI(
        lifespan=_lifespan,
        title="Portail des achats responsables",
        version="0.1.0",
        description=("API du portail : contrats, engagements et déclarations d'exécution. "
                     "Authentification : `Authorization: Bearer <jeton>` (jeton de "
                     "`POST /api/v1/auth/token` ou jeton personnel). Toute erreur répond "
                     "`{\"detail\": \"…\", \"errors\": {\"champ\": \"message\"}}` en "
                     "français. Aucun texte envoyé (adresse, paramètre ou corps) ne peut "
                     "contenir le caractère nul `\\0` : 422."),
        # /api/docs is portal.api_docs_routes: Swagger UI from the portal's own files.
        docs_url=None,
        redoc_url=None,
        openapi_tags=api_docs_routes.OPENAPI_TAGS,
        dependencies=[Depends(refuse_nul)],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_form_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    _secure_every_answer(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    routers = [module.router for module in (
        portal_routes, account_routes, member_routes, api_token_routes, admin_routes, portal_api,
        supplier_routes, supplier_api, execution_routes, execution_api)]
    routers += [supplier_routes.documents_router, supplier_plan_routes.router,
                supplier_exit_routes.router, supplier_exit_routes.facilitator_router,
                subcontracting_routes.router,
                surveys_routes.router, surveys_facilitator_routes.router, surveys_api.router,
                candidate_routes.router, candidate_routes.public_router, agec_routes.router,
                agec_routes.declaration_router,
                # Before the indicators' router: its /indicateurs/{indicator_id} would take
                # /indicateurs/paiements.
                payment_admin_routes.router, payment_routes.router, payment_api.router,
                indicator_routes.router, indicator_routes.settings_router,
                indicator_buyer_routes.router, indicator_api.router,
                report_routes.router, review_routes.router, review_api.router,
                opendata_routes.router, decp_routes.router, api_docs_routes.router,
                publication_routes.router, mediation_routes.router, mediation_api.router,
                facilitation_routes.router, facilitation_routes.admin_router,
                facilitation_routes.buyer_router, facilitation_check_routes.router,
                facilitation_api.router, central_routes.admin_router, central_routes.router]
    for router in routers:
        # /openapi.json describes the JSON API; pages are HTML for browsers, not an interface.
        app.include_router(router, include_in_schema=router.prefix.startswith("/api/"))
    _document_declaration_contents(app)
    app.add_exception_handler(PortalError, _portal_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    return app
