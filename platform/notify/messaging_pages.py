"""Messaging settings: the SMS gateway and the Telegram bot (tokens sealed, never shown back),
and the outbox: every SMS, Telegram message and e-mail of the workspace with its status, where
owners read what was kept unsent (no gateway in development, no SMTP_URL). Reading the page
needs workspace.read; changes and the outbox, workspace.update (messages hold codes)."""

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.mail.service import mail_to
from atrium.platform.notify import messaging, telegram
from atrium.platform.pages.kit import Unreadable, WorkspacePage, refusal, transaction, whole_number

SMS_FIELDS = ("gateway_url", "sender", "monthly_quota", "token")
BOT_FIELDS = ("bot_username", "token")


async def _messaging_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    async with transaction(page) as session:
        found = await messaging.channels(session)
    sms_values = {
        "gateway_url": found.gateway_url,
        "sender": found.sender,
        "monthly_quota": str(found.monthly_quota),
    }
    return page.render(
        "settings/messaging.html",
        status_code,
        section="settings",
        channels=found,
        can_change=page.principal.can("workspace.update"),
        limits=messaging.FIELD_LIMITS,
        **{"sms_values": sms_values, "sms_errors": {}, "bot_values": {}, "bot_errors": {},
           **context},
    )  # fmt: skip


@get("/w/{slug:str}/settings/messaging")
async def messaging_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if refused := refusal(page, "workspace.read"):
        return refused
    return await _messaging_page(page)


@post("/w/{slug:str}/settings/messaging/sms")
async def save_sms(request: Request, page: NamedDependency[WorkspacePage]) -> Template | Redirect:
    if refused := refusal(page, "workspace.update"):
        return refused
    form = await request.form()
    values = {name: form.get(name, "") for name in SMS_FIELDS if name != "token"}
    try:
        quota = whole_number(
            page, values["monthly_quota"], "monthly_quota", low=0, high=10_000_000, blank=1000
        )
        async with transaction(page) as session:
            await messaging.save_sms_gateway(
                session,
                gateway_url=values["gateway_url"],
                sender=values["sender"],
                monthly_quota=quota,
                token=form.get("token") or None,  # left empty: the saved token stays
                secret_key=request.app.state.runtime.secret_key,
                allow_loopback=request.app.state.settings.outbound_loopback,
            )
    except DomainError as error:
        errors = {error.field if error.field in SMS_FIELDS else "_form": page.error_text(error)}
        return await _messaging_page(page, 422, sms_values=values, sms_errors=errors)
    except Unreadable as error:  # already in the page's language
        errors = {error.field: error.text}
        return await _messaging_page(page, 422, sms_values=values, sms_errors=errors)
    return page.redirect(
        f"{page.base}/settings/messaging", notice=page._("The SMS gateway is saved.")
    )


@post("/w/{slug:str}/settings/messaging/telegram")
async def save_bot(request: Request, page: NamedDependency[WorkspacePage]) -> Template | Redirect:
    if refused := refusal(page, "workspace.update"):
        return refused
    form = await request.form()
    values = {"bot_username": form.get("bot_username", "").strip()}
    token = form.get("token", "").strip()
    errors = {}
    if not telegram.BOT_USERNAME.fullmatch(values["bot_username"]):
        errors["bot_username"] = page._(
            "A bot's username is 5 to 32 letters, digits or underscores, such as liza_salon_bot."
        )
    if not telegram.BOT_TOKEN.fullmatch(token):
        errors["token"] = page._(
            "Paste the token exactly as BotFather gave it, such as 123456789:AAE…"
        )
    if errors:
        return await _messaging_page(page, 422, bot_values=values, bot_errors=errors)
    settings = request.app.state.settings
    try:
        async with transaction(page) as session:
            await telegram.configure_bot(
                session,
                token=token,
                bot_username=values["bot_username"],
                webhook_url=f"{settings.base_url}/webhooks/telegram/{page.slug}",
                api_base=settings.telegram_api_base,
                secret_key=request.app.state.runtime.secret_key,
            )
    except DomainError as error:
        errors = {error.field if error.field in BOT_FIELDS else "_form": page.error_text(error)}
        return await _messaging_page(page, 422, bot_values=values, bot_errors=errors)
    return page.redirect(
        f"{page.base}/settings/messaging", notice=page._("The Telegram bot is connected.")
    )


@get("/w/{slug:str}/settings/outbox")
async def outbox_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if refused := refusal(page, "workspace.update"):
        return refused
    async with transaction(page) as session:
        messages = await messaging.outbox(session)
    async with database(request).shared_reads() as shared:
        # The member's own system mail (sign-in links, invitations, billing notices) and no
        # one else's: those mails belong to a person, not to a workspace.
        own_mail = await mail_to(shared, page.principal.email)
    return page.render(
        "settings/outbox.html", section="settings", messages=messages, own_mail=own_mail
    )


routes = [messaging_page, save_sms, save_bot, outbox_page]
