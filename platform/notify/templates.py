"""Message wording: built-in templates (files beside this module, en and ru) that a workspace
may replace with its own. A workspace's templates are rendered in Jinja's sandbox, HTML with
autoescaping, so what staff type cannot reach Python or inject markup through customer data."""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.platform.notify.models import MessageTemplate

LANGUAGES = ("en", "ru")
# Each kind: its built-in subject per language and the values its templates receive.
# SMS and Telegram carry a customer message's subject line alone: write it as one sentence.
KINDS = {
    "task_reminder": {
        "subjects": {"en": "Reminder: {{ title }}", "ru": "Напоминание: {{ title }}"},
        "sample": {
            "name": "Anna", "workspace": "Salon Liza", "title": "Call back", "due": "1 Dec 2026",
            "contact": "Maria Ivanova", "link": "https://example.com/w/salon/",
        },
    },
    "birthday": {
        "subjects": {
            "en": "{{ workspace }}: happy birthday, {{ name }}!",
            "ru": "{{ workspace }}: с днём рождения, {{ name }}!",
        },
        "sample": {
            "name": "Maria", "workspace": "Salon Liza",
            "unsubscribe": "https://example.com/u/salon/token",
        },
    },
}  # fmt: skip


def _environment(**options) -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, **options)


_files = _environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
_plain = _environment(autoescape=False)
_html = _environment(autoescape=True)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def _checked_kind(kind: str, language: str) -> None:
    if kind not in KINDS:
        raise Invalid("Unknown message %(kind)s.", field="kind", kind=kind)
    if language not in LANGUAGES:
        raise Invalid("Templates are in en or ru.", field="language")


def built_in(kind: str, language: str) -> tuple[str, str, str]:
    """The built-in (subject, text, html) sources."""
    _checked_kind(kind, language)
    loader = _files.loader
    text = loader.get_source(_files, f"{kind}.{language}.txt")[0]
    html = loader.get_source(_files, f"{kind}.{language}.html")[0]
    return KINDS[kind]["subjects"][language], text, html


def render_sources(subject: str, text: str, html: str, values: dict) -> Message:
    """Render the three sources; TemplateError names what failed to the caller."""
    return Message(
        " ".join(_plain.from_string(subject).render(values).split())[:300],
        _plain.from_string(text).render(values),
        _html.from_string(html).render(values),
    )


def checked_sources(kind: str, language: str, subject: str, text: str, html: str) -> None:
    """A workspace's template must render with the kind's values: 422 naming the part."""
    _checked_kind(kind, language)
    sample = KINDS[kind]["sample"]
    for field, source, environment in (
        ("subject", subject, _plain),
        ("text", text, _plain),
        ("html", html, _html),
    ):
        try:
            environment.from_string(source).render(sample)
        except TemplateError as error:
            raise Invalid(
                "The %(part)s does not render: %(why)s",
                field=field,
                part=field,
                why=str(error)[:200],
            ) from None


async def message(session: AsyncSession, kind: str, language: str, values: dict) -> Message:
    """The message in the workspace's own wording if it has one, else the built-in one."""
    own = await session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )
    if own is not None:
        return render_sources(own.subject, own.text_body, own.html_body, values)
    return render_sources(*built_in(kind, language), values)
