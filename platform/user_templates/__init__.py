"""Templates a workspace writes (its message wording, its campaigns' texts) render here and
nowhere else: in Jinja's sandbox, with loops, calls, built values and written text bounded and
a wall-clock deadline checked as it runs (see ``limits``), on a small thread pool of their own
so the event loop, and every other workspace, never waits for one. Whatever goes wrong is a
``jinja2.TemplateError``; ``refusal`` turns it into the 422 that names the field."""

import asyncio
import functools
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from jinja2 import Template, TemplateError
from jinja2.exceptions import TemplateRuntimeError

from atrium.platform.errors import Invalid
from atrium.platform.user_templates import limits
from atrium.platform.user_templates.limits import Guard, OverLimit, current
from atrium.platform.user_templates.sandbox import UserTemplates

__all__ = ["OverLimit", "refusal", "render", "render_each", "render_now"]

# A batch (a campaign's estimate over its recipients) shares one deadline.
BATCH_SECONDS = 5.0

_PLAIN = UserTemplates(autoescape=False)  # subjects, plain text, SMS, Telegram
_HTML = UserTemplates(autoescape=True)  # HTML mail: customer data is escaped
# Renders wait their turn here rather than take the threads password hashing and exports use.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="user-template")


@functools.lru_cache(maxsize=256)
def _compiled(source: str, html: bool) -> Template:
    return (_HTML if html else _PLAIN).from_string(source)


def _one(source: str, values: Mapping, html: bool, deadline: float) -> str:
    token = current.set(Guard(deadline))
    try:
        return "".join(_compiled(source, html).generate(dict(values)))
    except TemplateError:
        raise
    except Exception as error:  # 1/0, a recursion too deep, int('x'): the template's fault
        raise TemplateRuntimeError(str(error) or type(error).__name__) from None
    finally:
        current.reset(token)


def render_now(source: str, values: Mapping, *, html: bool = False) -> str:
    """In the calling thread (a worker thread, a test); ``render`` from async code."""
    return _one(source, values, html, time.monotonic() + limits.SECONDS)


def _each(source: str, many: list[Mapping], html: bool) -> list[str]:
    batch_ends = time.monotonic() + BATCH_SECONDS
    texts = []
    for values in many:
        ends = min(time.monotonic() + limits.SECONDS, batch_ends)
        try:
            texts.append(_one(source, values, html, ends))
        except OverLimit as error:
            if time.monotonic() >= batch_ends:
                raise limits.too_slow(BATCH_SECONDS) from None
            raise error from None
    return texts


async def render(source: str, values: Mapping, *, html: bool = False) -> str:
    """``source`` with ``values``, HTML-escaped when ``html``, off the event loop."""
    loop = asyncio.get_running_loop()
    # The deadline starts when a thread takes the render, not while it waits for one.
    return await loop.run_in_executor(_pool, functools.partial(render_now, html=html),
                                      source, values)  # fmt: skip


async def render_each(source: str, many: list[Mapping], *, html: bool = False) -> list[str]:
    """``source`` once per values, in one go (at most BATCH_SECONDS for them all)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, _each, source, many, html)


def refusal(error: TemplateError, field: str) -> Invalid:
    """The 422 for a template that does not render or goes past a limit, naming ``field``."""
    if isinstance(error, OverLimit):
        return Invalid(error.wording, field=field, part=field, **error.params)
    return Invalid(
        "The %(part)s does not render: %(why)s", field=field, part=field, why=str(error)[:200]
    )
