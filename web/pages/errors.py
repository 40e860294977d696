"""What a page says when it cannot serve: not found, refused, too large, unavailable, sign in."""

from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template

from atrium.platform.auth import sessions
from atrium.platform.errors import DomainError, TooManyRequests
from atrium.platform.http.problems import RETRY_AFTER_S, UNAVAILABLE_TEXT, log_unavailable
from atrium.web.pages.i18n import (
    plain_text,
    template_functions,
)
from atrium.web.pages.kit import SignInRequired, error_text, message, page_locale, safe_next


def page_not_found(request: Request, _: Exception | None = None) -> Template:
    t = template_functions(page_locale(request, _user_locale(request)))
    return message(
        request,
        t["_"]("Page not found"),
        t["_"]("There is nothing here, or you have no access to it."),
        404,
    )


def _user_locale(request: Request) -> str | None:
    user = sessions.user_seen(request)
    return user.locale if user is not None else None


def _way_back(request: Request, t: dict) -> tuple[str, str]:
    """The page the refused form was on (this site only), else the workspace's overview."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path and referer.netloc == request.headers.get("host", ""):
        back = referer.path + (f"?{referer.query}" if referer.query else "")
        if safe_next(back) and back != request.url.path:
            return back, t["_"]("Go back")
    if slug := request.path_params.get("slug"):
        return f"/w/{slug}/", t["_"]("Back to the overview")
    return "/", t["_"]("Back to Atrium")


def page_refused(request: Request, error: DomainError) -> Response:
    """A service's refusal on a page: a page in the user's language with a way back, where the
    API answers problem+json. Forms that can show the message next to a field catch it first."""
    if error.status == 404:
        return page_not_found(request)
    locale = page_locale(request, _user_locale(request))
    t = template_functions(locale)
    if isinstance(error, sessions.FormExpired):
        heading = t["_"]("The form expired. Please try again.")
    elif error.status == 403:
        heading = t["_"]("Not allowed")
    else:
        heading = t["_"]("This could not be done")
    link, link_text = _way_back(request, t)
    response = message(
        request,
        heading,
        error_text(locale, error),
        error.status,
        link=link,
        link_text=link_text,
        locale=locale,
    )
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def page_too_large(request: Request, _: RequestEntityTooLarge) -> Template:
    """A file past a page's limit (its route's ``opt["file_limit_mb"]``), said on a page."""
    locale = page_locale(request)
    handler = request.route_handler
    limit = handler.opt.get("file_limit_mb") or (handler.request_max_body_size or 0) // 2**20
    return message(
        request,
        plain_text(locale, "The file is too large"),
        plain_text(
            locale, "The file is larger than %(max)d MB; split it into smaller files.", max=limit
        ),
        413,
        link=request.url.path,
        link_text=plain_text(locale, "Choose another file"),
    )


def page_unavailable(request: Request, error: Exception) -> Response:
    """The database or Redis down or silent, on a page: a page saying to try again soon, in the
    visitor's language (from the request alone: the user's own would need the database)."""
    log_unavailable(request, error)
    t = template_functions(page_locale(request))
    response = message(request, t["_"]("Try again in a minute"), t["_"](UNAVAILABLE_TEXT), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def sign_in_first(_: Request, error: SignInRequired) -> Redirect:
    return Redirect(f"/login?next={quote(error.path)}")
