"""Application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.middleware.trustedhost import TrustedHostMiddleware

from imbplus import __version__, plugin
from imbplus.runtime import Runtime
from imbplus.settings import Settings, load_settings
from imbplus.site.stats import ViewCounts
from imbplus.traffic.masking import literal_segments
from imbplus.traffic.middleware import TrafficLogMiddleware
from imbplus.traffic.writer import RequestLogWriter
from imbplus.web import errors, pages, subscribers
from imbplus.web.audiences import route_paths
from imbplus.web.buffer import Flusher
from imbplus.web.guards import PUBLIC
from imbplus.web.i18n import LanguagePrefixMiddleware
from imbplus.web.middleware import RequestMiddleware
from imbplus.web.principals import Principals


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    rt = runtime or Runtime(settings or load_settings())
    request_log = RequestLogWriter(rt)
    view_counts = ViewCounts(rt.sessions)
    flusher = Flusher([view_counts.flush])  # nothing a page view produces is written inline

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        request_log.start()
        flusher.start()
        try:
            yield
        finally:
            flusher.stop()
            request_log.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="IMB+ platform API",
        version=__version__,
        description="Customer-information system of IMB+. Every read of personal data names "
        "a purpose (X-Purpose) and is decided and audited by the gate.",
        docs_url=None,  # the Swagger UI needs third-party assets; the spec is enough
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.runtime = rt
    app.state.request_log = request_log
    app.state.view_counts = view_counts
    app.state.flusher = flusher
    app.state.templates = pages.make_templates()
    app.state.principals = _principals()
    errors.install(app)
    pages.install(app)
    subscribers.install(app)

    from imbplus import domains
    from imbplus.site import pages as site_pages

    site_pages.install(app, rt)
    for domain in domains.ALL:  # each domain's plugin names its routers
        for router in domain.routers() if domain.routers is not None else ():
            app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(pages.static_dir())), name="static")

    @app.get("/healthz", include_in_schema=False, dependencies=PUBLIC)
    def healthz() -> JSONResponse:
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "version": __version__})

    request_log.known_segments = literal_segments(route_paths(app))
    _add_middleware(app, rt, request_log)
    logging.getLogger("imbplus").setLevel(logging.INFO)
    return app


def _principals() -> Principals:
    """The accounts behind sessions and tokens, for the framework's guards: staff members,
    subscriber accounts and the policy notices they have still to see."""
    from imbplus.portal.service import account_opened
    from imbplus.site.notices import pending_for
    from imbplus.staff.mfa import console_member
    from imbplus.staff.service import actor_for_token

    return Principals(actor_for_token, console_member, account_opened, pending_for)


def _add_middleware(app: FastAPI, rt: Runtime, request_log: RequestLogWriter) -> None:
    """Innermost first: consent (sees the bare path), language prefix, trusted hosts, body
    limits and request ids, and outermost the request log (it sees every answer)."""
    from imbplus.site.middleware import ConsentMiddleware

    app.add_middleware(ConsentMiddleware)
    app.add_middleware(LanguagePrefixMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=rt.settings.trusted_hosts)
    form_limit = rt.settings.site_form_max_bytes
    limits = {path: form_limit for path in ("/contact", "/feedback", "/cookies")}
    limits["/api/v1/telemetry/"] = rt.settings.telemetry_max_batch_bytes
    app.add_middleware(RequestMiddleware, max_body_bytes=rt.settings.max_body_bytes, limits=limits)
    app.add_middleware(TrafficLogMiddleware, writer=request_log)


def app_from_env() -> FastAPI:
    """Entry point for `uvicorn --factory` (used by `imbplus serve --workers N`)."""
    from imbplus.adapters import sandboxes
    from imbplus.bootstrap import ensure_ready

    settings = load_settings()
    found = [] if settings.allow_sandbox else sandboxes(settings)
    if found:  # started without `imbplus serve` (which asks first): refuse the same way
        kinds = ", ".join(r.kind for r in found)
        raise SystemExit(f"refusing to serve with sandbox adapters ({kinds}); see imbplus serve")
    rt = Runtime(settings)
    ensure_ready(rt)
    return create_app(runtime=rt)


plugin.install_app(create_app)  # live checks below the app build it through this
