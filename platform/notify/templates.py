"""Message wording: built-in templates (files beside this module, en and ru) that a workspace
may replace with its own. A workspace's templates are rendered in Jinja's sandbox, HTML with
autoescaping, so what staff type cannot reach Python or inject markup through customer data."""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.notify.models import MessageTemplate

LANGUAGES = ("en", "ru")
# The longest sources a workspace may save (the subject is a column of 300 characters).
SUBJECT_MAX, TEXT_MAX, HTML_MAX = 300, 20_000, 100_000
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


def render_text(source: str, values: dict) -> str:
    """One plain-text template (a campaign's message, a subject) in the sandbox."""
    return _plain.from_string(source).render(values)


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


async def _own(session: AsyncSession, kind: str, language: str) -> MessageTemplate | None:
    return await session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )


async def message(session: AsyncSession, kind: str, language: str, values: dict) -> Message:
    """The message in the workspace's own wording if it has one, else the built-in one."""
    own = await _own(session, kind, language)
    if own is not None:
        return render_sources(own.subject, own.text_body, own.html_body, values)
    return render_sources(*built_in(kind, language), values)


@dataclass(frozen=True)
class Wording:
    """A message's sources as the workspace uses them: its own (custom) or the built-in ones."""

    kind: str
    language: str
    custom: bool
    subject: str
    text: str
    html: str

    @property
    def values(self) -> list[str]:
        """What the template may use: {{ name }}, {{ title }} ..."""
        return sorted(KINDS[self.kind]["sample"])


def _wording(kind: str, language: str, own: MessageTemplate | None) -> Wording:
    if own is None:
        return Wording(kind, language, False, *built_in(kind, language))
    return Wording(kind, language, True, own.subject, own.text_body, own.html_body)


async def wordings(session: AsyncSession) -> list[Wording]:
    """Every kind in every language."""
    own = {(t.kind, t.language): t for t in await session.scalars(select(MessageTemplate))}
    return [
        _wording(kind, language, own.get((kind, language)))
        for kind in KINDS
        for language in LANGUAGES
    ]


async def wording(session: AsyncSession, kind: str, language: str) -> Wording:
    _checked_kind(kind, language)
    return _wording(kind, language, await _own(session, kind, language))


async def save_wording(
    session: AsyncSession, kind: str, language: str, subject: str, text: str, html: str
) -> Wording:
    """The workspace's own wording, once it renders (else Invalid naming the part)."""
    checked_sources(kind, language, subject, text, html)
    values = {"subject": subject, "text_body": text, "html_body": html}
    await session.execute(
        insert(MessageTemplate)
        .values(kind=kind, language=language, **values)
        .on_conflict_do_update(
            index_elements=["kind", "language"], set_={**values, "updated_at": utcnow()}
        )
    )
    return Wording(kind, language, True, subject, text, html)


async def reset_wording(session: AsyncSession, kind: str, language: str) -> None:
    """Back to the built-in wording."""
    _checked_kind(kind, language)
    await session.execute(
        delete(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )
