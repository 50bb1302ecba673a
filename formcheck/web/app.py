"""The FastAPI application: routes, the one error-to-status mapping, the lost-delivery sweeper."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from formcheck.core.errors import FormcheckError
from formcheck.web.auth import LoginLimiter
from formcheck.web.errors import NotAuthenticated, Unavailable, http_status
from formcheck.web.jobs import AppParts, resend_queued
from formcheck.web.liveness import sweep_once

log = logging.getLogger("formcheck.web")
HERE = Path(__file__).resolve().parent
SWEEP_EVERY_S = 10.0
DB_UNAVAILABLE = "the database is unavailable right now; try again in a moment"


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _error_response(request: Request, status: int, message: str) -> Response:
    """Every error, whatever raised it, as JSON for the API or a small page for a browser."""
    if _wants_page(request):
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        from formcheck.web.pages import error_page
        return error_page(request, status, message)
    return JSONResponse({"error": message}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FormcheckError)
    async def _formcheck(request: Request, exc: FormcheckError) -> Response:
        return _error_response(request, http_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error_response(request, 422, f"invalid request: {where} {first.get('msg', '')}".strip())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(request, exc.status_code, str(exc.detail))

    async def _db_away(request: Request, exc: Exception) -> Response:
        # The database is down or restarting: a clear 503 the client may retry, not a 500.
        log.warning("request %s %s: database unavailable: %s", request.method, request.url.path,
                    str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return _error_response(request, http_status(Unavailable()), DB_UNAVAILABLE)

    app.add_exception_handler(OperationalError, _db_away)
    app.add_exception_handler(InterfaceError, _db_away)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("request %s %s failed", request.method, request.url.path)
        return _error_response(request, 500, "internal error (the server log has the details)")


def _sweeper(parts: AppParts, stop: threading.Event) -> None:
    """Re-send queued rows whose deliveries were lost (the queue is empty but rows wait), and
    with a shared queue also rows whose worker stopped heart-beating (formcheck.web.liveness)."""
    while not stop.wait(SWEEP_EVERY_S):
        try:
            if parts.settings.queue_url:
                sweep_once(parts)
            elif parts.settings.workers > 0:
                resend_queued(parts)
        except Exception as exc:  # noqa: BLE001 - the sweeper must outlive a database outage
            log.warning("re-sending queued jobs failed (will retry): %s", exc)


def create_app(parts: AppParts) -> FastAPI:
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        thread = threading.Thread(target=_sweeper, args=(parts, stop), daemon=True)
        thread.start()
        yield
        stop.set()

    app = FastAPI(title="formcheck coach app", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.parts = parts
    app.state.login_limiter = LoginLimiter()
    _install_error_handlers(app)
    from formcheck.web.api import router as api_router
    from formcheck.web.pages import router as page_router
    from formcheck.web.pages_compare import router as compare_router
    from formcheck.web.pages_progress import router as progress_router

    app.include_router(api_router)
    app.include_router(page_router)
    app.include_router(progress_router)
    app.include_router(compare_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    return app
