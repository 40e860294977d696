"""Front-end libraries from npm (web/package.json, installed by `make install`), served by the
app itself, and the security headers every answer carries."""

from pathlib import Path

import structlog
from litestar import get
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from atrium.platform.http.origins import is_origin

log = structlog.get_logger("atrium.web")

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"
# The files pages load, by the name they use.
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "sortable.min.js": "sortablejs/Sortable.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "event-calendar.min.js": "@event-calendar/build/dist/event-calendar.min.js",
    "event-calendar.min.css": "@event-calendar/build/dist/event-calendar.min.css",
}

# Scripts and styles from this site only (no inline code, no CDN), no framing, no plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# A route with this opt (a salon's booking pages, opened by its widget on the salon's own
# site) may be shown in a frame: no X-Frame-Options, and ``frame-ancestors`` is any site, or
# only the sites its handler put in ``request.state.frame_ancestors``.
FRAMEABLE = "frameable"


def frameable_policy(sites: list[str] | None) -> str:
    """Framing allowed on ``sites`` (and this site), or on any site without a list. Only
    well-formed origins go in: a value kept before they were checked cannot add a directive
    (a site left out is refused framing, never the policy widened)."""
    if not sites:
        ancestors = "*"
    else:
        kept = [site for site in sites if is_origin(site)]
        if len(kept) < len(sites):
            log.warning("frame_ancestor_skipped", skipped=len(sites) - len(kept))
        ancestors = " ".join(["'self'", *kept])
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


@get("/vendor/{name:str}", include_in_schema=False)
async def vendor_file(name: FromPath[str]) -> File:
    if name not in VENDOR:
        raise NotFoundException()
    path = NODE_MODULES / VENDOR[name]
    if not path.is_file():
        log.error("front_end_library_missing", file=str(path), fix="run make install")
        raise NotFoundException()
    return File(
        path,
        # nosniff is on: a script served as anything else is refused by the browser.
        media_type="text/javascript" if name.endswith(".js") else "text/css",
        content_disposition_type="inline",
        headers={"cache-control": "public, max-age=86400"},
    )


# Browsers that saw the site over HTTPS keep to HTTPS for a year (only sent when BASE_URL is
# https: over plain HTTP, as in the embedded default, it would lock people out of the site).
HSTS_HEADER = "strict-transport-security"
HSTS_VALUE = "max-age=31536000; includeSubDomains"
# Answers that may hold a workspace's data are never kept by a browser or a proxy (a shared
# computer's back button, a caching proxy); an answer that sets its own policy (files from
# /static, the widget) keeps it.
PRIVATE_PREFIXES = ("/w/", "/api/", "/book/", "/reset-password", "/invitations/")


def _served_over_https(scope: Scope) -> bool:
    app = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    return bool(settings is not None and settings.cookie_secure)


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: the headers above on every HTTP answer that does not set its own."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        handler = scope.get("route_handler")
        frameable = handler is not None and bool(handler.opt.get(FRAMEABLE))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in SECURITY_HEADERS.items():
                    if frameable and name == "x-frame-options":
                        continue
                    if frameable and name == "content-security-policy":
                        value = frameable_policy(scope.get("state", {}).get("frame_ancestors"))
                    if name not in headers:
                        headers[name] = value
                if _served_over_https(scope) and HSTS_HEADER not in headers:
                    headers[HSTS_HEADER] = HSTS_VALUE
                if scope["path"].startswith(PRIVATE_PREFIXES) and "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


routes = [vendor_file]
