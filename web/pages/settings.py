"""The settings index: one page that leads to each group of settings the member may change."""

from litestar import Request, get
from litestar.response import Template

from atrium.web.pages.kit import workspace_page


@get("/w/{slug:str}/settings")
async def settings_index(request: Request) -> Template:
    page = await workspace_page(request)
    can = page.principal.can
    t = page._
    groups = [
        ("workspace", t("Workspace profile"), t("Name, language, currency, time zone, quiet hours, birthday greetings."), can("workspace.update")),
        ("members", t("Users and roles"), t("Who works here, their roles, and invitations."), can("members.read")),
        ("pipelines", t("Pipelines and stages"), t("The steps your deals go through."), can("crm.settings")),
        ("fields", t("Custom fields"), t("Your own fields on clients and companies."), can("crm.settings")),
        ("products", t("Products and services"), t("What you sell, with prices."), can("crm.read")),
        ("templates", t("Notification templates"), t("The wording of reminders and greetings, in Russian and English."), can("workspace.update")),
        ("api-keys", t("API keys"), t("Keys for your own scripts and integrations."), True),
    ]  # fmt: skip
    return page.render(
        "settings/index.html",
        section="settings",
        groups=[(key, name, text) for key, name, text, allowed in groups if allowed],
    )


routes = [settings_index]
