"""Unsubscribing from marketing: a signed link per contact and channel, for every marketing
message (and its List-Unsubscribe header), and the public page behind it.

Opening the link only shows a button: mail scanners follow links, and a GET must not unsubscribe
anyone. The button, or a one-click POST from the mail client (RFC 8058), stops marketing on that
channel (the consent stands for the others) and leaves an entry in the contact's audit trail.
"""

import hashlib
import hmac
import uuid
from html import escape

from litestar import Request, Response, get, post
from litestar.params import FromPath
from sqlalchemy import update

from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.segments.models import CampaignMessage
from atrium.platform.db import WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.errors import NotFound
from atrium.platform.http.auth import database
from atrium.platform.language import pick_locale
from atrium.platform.tenancy.service import ready_workspace, workspace_settings

CHANNELS = ("email", "sms")
# The line a marketing SMS ends with, in the workspace's language.
SMS_OPT_OUT = {"en": "Opt out: {url}", "ru": "Отписаться: {url}"}
# The page behind the link, in the language the messages came in (the workspace's), unless the
# visitor chose another (?lang=): (title, heading, text, button).
PAGE_TEXTS = {
    "ask": {
        "en": (
            "Unsubscribe",
            "Unsubscribe?",
            "You will get no more marketing messages from us.",
            "Unsubscribe",
        ),
        "ru": (
            "Отписка",
            "Отписаться?",
            "Вы больше не будете получать от нас рекламные сообщения.",
            "Отписаться",
        ),
    },
    "done": {
        "en": (
            "Unsubscribed",
            "You are unsubscribed.",
            "No more marketing messages will come to you this way.",
            "",
        ),
        "ru": (
            "Вы отписались",
            "Вы отписались.",
            "Рекламных сообщений этим способом больше не будет.",
            "",
        ),
    },
}


def _mac(secret_key: str, schema: WorkspaceSchema, contact_id: uuid.UUID, channel: str) -> str:
    message = f"unsubscribe:{schema.name}:{contact_id}:{channel}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:24]


def unsubscribe_url(
    base_url: str, slug: str, secret_key: str, schema: WorkspaceSchema, contact_id, channel: str
) -> str:
    """The link a marketing message carries (email: also its List-Unsubscribe header)."""
    token = f"{contact_id.hex}-{channel}-{_mac(secret_key, schema, contact_id, channel)}"
    return f"{base_url}/u/{slug}/{token}"


def with_sms_opt_out(text: str, locale: str, url: str) -> str:
    """A marketing SMS as sent: its text, then a line with the contact's opt-out link."""
    line = SMS_OPT_OUT.get(locale, SMS_OPT_OUT["en"]).format(url=url)
    return f"{text.strip()}\n{line}"


def sample_sms_opt_out_url(base_url: str, slug: str, schema: WorkspaceSchema) -> str:
    """As long as every contact's SMS opt-out link (they differ in hex digits only), for
    estimates and test sends; it unsubscribes no one."""
    return unsubscribe_url(base_url, slug, "sample", schema, uuid.UUID(int=0), "sms")


async def _target(request: Request, slug: str, token: str):
    """(schema, contact id, channel) of a genuine link, else 404 (the same for every fault)."""
    raw_id, _, rest = token.partition("-")
    channel, _, mac = rest.partition("-")
    schema = await ready_workspace(database(request), slug)
    try:
        contact_id = uuid.UUID(hex=raw_id)
    except ValueError:
        contact_id = None
    secret_key = request.app.state.runtime.secret_key
    if (
        schema is None
        or contact_id is None
        or channel not in CHANNELS
        or not hmac.compare_digest(mac, _mac(secret_key, schema, contact_id, channel))
    ):
        raise NotFound("This unsubscribe link is not valid.")
    return schema, contact_id, channel


async def _language(request: Request, schema: WorkspaceSchema) -> str:
    async with database(request).tenant_transaction(schema) as session:
        workspace_locale = (await workspace_settings(session)).locale
    return pick_locale(request.query_params.get("lang"), workspace_locale)


def _page(kind: str, language: str, status_code: int = 200) -> Response:
    title, heading, text, button = PAGE_TEXTS[kind][language]
    form = (
        f'<form method="post"><button type="submit">{escape(button)}</button></form>'
        if button
        else ""
    )
    html = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        f"<body><h1>{escape(heading)}</h1><p>{escape(text)}</p>{form}</body></html>"
    )
    return Response(html, media_type="text/html", status_code=status_code)


@get("/u/{slug:str}/{token:str}", include_in_schema=False)
async def confirm_page(request: Request, slug: FromPath[str], token: FromPath[str]) -> Response:
    schema, _, _ = await _target(request, slug, token)
    return _page("ask", await _language(request, schema))


@post("/u/{slug:str}/{token:str}", include_in_schema=False, status_code=200)
async def unsubscribe(request: Request, slug: FromPath[str], token: FromPath[str]) -> Response:
    schema, contact_id, channel = await _target(request, slug, token)
    async with database(request).tenant_transaction(schema) as session:
        contact = await session.get(Contact, contact_id, with_for_update=True)
        if contact is None:
            raise NotFound("This unsubscribe link is not valid.")
        if campaign_token := request.query_params.get("m"):  # from a campaign: count it there
            await session.execute(
                update(CampaignMessage)
                .where(
                    CampaignMessage.token == campaign_token[:40],
                    CampaignMessage.contact_id == contact_id,
                    CampaignMessage.unsubscribed_at.is_(None),
                )
                .values(unsubscribed_at=utcnow())
            )
        if channel not in (contact.marketing_opt_outs or []):
            before = list(contact.marketing_opt_outs or [])
            contact.marketing_opt_outs = sorted({*before, channel})
            contact.updated_at = utcnow()
            session.add(
                AuditEntry(
                    record_type="contact",
                    record_id=contact_id,
                    action="unsubscribed",
                    field="marketing_opt_outs",
                    old_value=before,
                    new_value=contact.marketing_opt_outs,
                    actor_id=None,
                )
            )
    return _page("done", await _language(request, schema))


routes = [confirm_page, unsubscribe]
