"""The litestar application, assembled from the components' routes."""

from litestar import Litestar, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from redis.asyncio import Redis

from atrium.platform.auth import api as auth_api
from atrium.platform.config import Settings, get_settings
from atrium.platform.db import Database
from atrium.platform.http.problems import exception_handlers
from atrium.platform.logging import configure_logging, request_logging_middleware
from atrium.platform.runtime import Runtime, start_runtime
from atrium.platform.tenancy import api as workspace_api
from atrium.tenants import api as signup_api
from atrium.web.health import api as health_api


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Litestar:
    settings = settings or get_settings()
    runtime = runtime or start_runtime(settings)
    configure_logging(settings)
    db = Database(runtime.database_url, pool_size=settings.db_pool_size)
    redis = Redis.from_url(runtime.redis_url)

    async def close() -> None:
        await db.dispose()
        await redis.aclose()

    api = Router(
        path="/api/v1",
        route_handlers=[
            *signup_api.routes,
            *auth_api.routes,
            *workspace_api.routes,
        ],
    )
    app = Litestar(
        route_handlers=[api, *health_api.routes],
        exception_handlers=exception_handlers,
        middleware=[request_logging_middleware],
        openapi_config=OpenAPIConfig(
            title="Atrium API",
            version="1",
            # JSON only: the HTML viewers load scripts from a CDN, which our pages never do.
            path="/api/v1",
            render_plugins=[JsonRenderPlugin(path="/openapi.json")],
        ),
        on_shutdown=[close],
        debug=False,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.db = db
    app.state.redis = redis
    return app
