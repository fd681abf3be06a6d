"""The application the load benchmark serves: the real portal plus one trivial page, the floor
the portal's pages are compared with (same server, same workers, same middleware, same routing).

Served by uvicorn as a factory: ``uvicorn bench.app:create_bench_app --factory``.
"""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from portal.app import create_app

BARE_PATH = "/banc-essai/nu"


def create_bench_app() -> FastAPI:
    app = create_app()

    # A plain `def`, like the portal's pages: FastAPI runs it in the same thread pool, so the
    # floor pays the same hand-off and only the page's own work (SQL, template) is left out.
    # Added last, it is also matched after every route of the portal, as the last page would be.
    @app.get(BARE_PATH, include_in_schema=False)
    def bare_page() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>nu</title><p>ok</p>")

    return app
