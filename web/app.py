"""The litestar application, assembled from the components' routes."""

import asyncio
import gc

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from redis.asyncio import Redis

from atrium.billing.subscriptions.tasks import billing_loop
from atrium.platform.components import component_folders, plugged
from atrium.platform.config import Settings, get_settings
from atrium.platform.db import Database
from atrium.platform.http.deadline import request_deadline
from atrium.platform.http.openapi import declare_problems
from atrium.platform.http.problems import exception_handlers
from atrium.platform.http.text import refuse_nul_text
from atrium.platform.jobs.worker import EmbeddedWorker
from atrium.platform.logging import configure_logging, request_logging_middleware
from atrium.platform.notify.scheduler import scheduler_loop
from atrium.platform.runtime import Runtime, start_runtime
from atrium.tenants.housekeeping import housekeeping_loop
from atrium.web.health import api as health_api
from atrium.web.pages import assets
from atrium.web.pages.i18n import message_text
from atrium.web.pages.kit import TEMPLATE_DIR, visitor_page
from atrium.web.pages.routes import page_routes

JOBS_GRACE_S = 10  # how long a stopping server lets its running jobs finish


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Litestar:
    settings = settings or get_settings()
    runtime = runtime or start_runtime(settings)
    configure_logging(settings)
    db = Database(
        runtime.database_url,
        pool_size=settings.db_pool_size,
        connect_timeout_s=settings.connect_timeout_s,
    )
    redis = Redis.from_url(
        runtime.redis_url,
        socket_connect_timeout=settings.connect_timeout_s,
        socket_timeout=settings.connect_timeout_s,
        # uvloop says RuntimeError when written to a pooled connection the server has reset:
        # like a lost connection, it is dropped and the command retried on a new one.
        retry_on_error=[RuntimeError],
    )

    background: list[asyncio.Task] = []
    # Jobs and the outbox relay inside `atrium serve` (the embedded default); else `atrium worker`.
    worker = EmbeddedWorker(runtime, settings=settings) if settings.embedded_worker else None

    async def start_background() -> None:
        if settings.environment != "test":
            background.append(asyncio.create_task(housekeeping_loop(db)))
            background.append(asyncio.create_task(scheduler_loop(db)))
            background.append(asyncio.create_task(billing_loop(db, settings)))
        if worker is not None:
            await asyncio.to_thread(worker.start)
        # What is loaded by now (modules, metadata, routes) lives as long as the process:
        # out of the collector's sight, full collections stop pausing requests for it.
        gc.collect()
        gc.freeze()

    async def close() -> None:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        if worker is not None:
            # Jobs still running then are requeued by Redis and run again after a restart.
            await asyncio.to_thread(worker.stop, JOBS_GRACE_S)
        await db.dispose()
        await redis.aclose()

    components = plugged()
    api = Router(
        path="/api/v1",
        route_handlers=[route for part in components for route in part.api_routes],
    )
    app = Litestar(
        route_handlers=[
            api,
            *health_api.routes,
            *assets.routes,
            # Public pages (a pack's booking page) get the visitor's page as ``visitor``.
            Router(
                path="/",
                route_handlers=[route for part in components for route in part.public_routes],
                dependencies={"visitor": Provide(visitor_page)},
            ),
            *page_routes(),
        ],
        template_config=TemplateConfig(
            directory=[TEMPLATE_DIR, *component_folders("templates")], engine=JinjaTemplateEngine
        ),
        exception_handlers=exception_handlers,
        before_request=refuse_nul_text,
        middleware=[request_logging_middleware, assets.security_headers, request_deadline],
        openapi_config=OpenAPIConfig(
            title="Atrium API",
            version="1",
            # JSON only: the HTML viewers load scripts from a CDN, which our pages never do.
            path="/api/v1",
            render_plugins=[JsonRenderPlugin(path="/openapi.json")],
        ),
        on_startup=[start_background],
        on_shutdown=[close],
        logging_config=None,  # structlog, set up above
        debug=False,
    )
    declare_problems(app.openapi_schema)
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.db = db
    app.state.redis = redis
    # Problem details speak the caller's language through the app's catalogs.
    app.state.translate = message_text
    return app
