"""Message wording: built-in templates (files beside this module, en and ru) that a workspace
may replace with its own. Every template renders through the kernel's renderer for workspaces'
templates (``atrium.platform.user_templates``): in Jinja's sandbox with bounded work, HTML with
autoescaping, so what staff type cannot reach Python, stall the server or inject markup through
customer data."""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.notify.models import MessageTemplate
from atrium.platform.user_templates import refusal, render

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


FILES = Path(__file__).parent / "templates"


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
    text = (FILES / f"{kind}.{language}.txt").read_text(encoding="utf-8")
    html = (FILES / f"{kind}.{language}.html").read_text(encoding="utf-8")
    return KINDS[kind]["subjects"][language], text, html


async def render_sources(subject: str, text: str, html: str, values: dict) -> Message:
    """Render the three sources; a TemplateError says what failed (or went past a limit)."""
    return Message(
        " ".join((await render(subject, values)).split())[:300],
        await render(text, values),
        await render(html, values, html=True),
    )


async def checked_sources(kind: str, language: str, subject: str, text: str, html: str) -> None:
    """A workspace's template must render with the kind's sample values within the limits:
    else Invalid (422) naming the part."""
    _checked_kind(kind, language)
    sample = KINDS[kind]["sample"]
    for field, source, as_html in (("subject", subject, False), ("text", text, False),
                                   ("html", html, True)):  # fmt: skip
        try:
            await render(source, sample, html=as_html)
        except TemplateError as error:
            raise refusal(error, field) from None


async def _own(session: AsyncSession, kind: str, language: str) -> MessageTemplate | None:
    return await session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )


async def message(session: AsyncSession, kind: str, language: str, values: dict) -> Message:
    """The message in the workspace's own wording if it has one, else the built-in one;
    jinja2.TemplateError when the workspace's own does not render."""
    own = await _own(session, kind, language)
    if own is not None:  # saved before today's limits, it may fail: TemplateError says why
        return await render_sources(own.subject, own.text_body, own.html_body, values)
    return await render_sources(*built_in(kind, language), values)


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
    await checked_sources(kind, language, subject, text, html)
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
