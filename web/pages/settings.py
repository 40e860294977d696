"""The settings index: one page that leads to each group of settings the member may change."""

from litestar import Request, get
from litestar.response import Template

from atrium.web.pages.kit import workspace_page


@get("/w/{slug:str}/settings")
async def settings_index(request: Request) -> Template:
    page = await workspace_page(request)
    can, _ = page.principal.can, page._
    groups = [
        (
            "workspace",
            _("Workspace profile"),
            _("Name, language, currency, time zone, quiet hours, birthday greetings."),
            can("workspace.update"),
        ),
        (
            "members",
            _("Users and roles"),
            _("Who works here, their roles, and invitations."),
            can("members.read"),
        ),
        (
            "pipelines",
            _("Pipelines and stages"),
            _("The steps your deals go through."),
            can("crm.settings"),
        ),
        (
            "fields",
            _("Custom fields"),
            _("Your own fields on clients and companies."),
            can("crm.settings"),
        ),
        (
            "appeal-subjects",
            _("Appeal subjects"),
            _("What customers turn to you about: the list offered when an appeal is registered."),
            can("crm.settings"),
        ),
        ("products", _("Products and services"), _("What you sell, with prices."), can("crm.read")),
        (
            "billing",
            _("Plan and billing"),
            _("Your plan, what you use of it, the payment card and invoices."),
            can("workspace.read"),
        ),
        (
            "templates",
            _("Notification templates"),
            _("The wording of reminders and greetings, in Russian and English."),
            can("workspace.update"),
        ),
        (
            "messaging",
            _("SMS and Telegram"),
            _("The SMS gateway and the Telegram bot that send your messages."),
            can("workspace.read"),
        ),
        (
            "outbox",
            _("Outbox"),
            _("Every SMS, Telegram message and e-mail sent or kept unsent, with its status."),
            can("workspace.update"),
        ),
        ("api-keys", _("API keys"), _("Keys for your own scripts and integrations."), True),
    ]
    return page.render(
        "settings/index.html",
        section="settings",
        groups=[(key, name, text) for key, name, text, allowed in groups if allowed],
    )


routes = [settings_index]
