"""Notifications and messages: what they bring to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component, DueWork
from atrium.platform.notify import (
    api,
    birthdays,
    campaigns,
    campaigns_api,
    messaging_pages,
    models,
    pages,
    reminders,
    sms,
    sms_api,
    telegram,
    telegram_api,
    template_pages,
    templates_api,
    tracking,
    unsubscribe,
)


async def _start_due_campaigns(session, settings, now) -> int:
    return await campaigns.claim_due_campaigns(session)


COMPONENT = Component(
    key="notify",
    folder=Path(__file__).parent,
    tables=(models,),
    jobs=(birthdays, campaigns, reminders, sms, telegram),
    api_routes=(
        *api.routes,
        *sms_api.routes,
        *telegram_api.api_routes,
        *templates_api.routes,
        *campaigns_api.routes,
    ),
    page_routes=(*pages.routes, *messaging_pages.routes, *template_pages.routes),
    public_routes=(
        *telegram_api.routes,
        *sms_api.webhook_routes,
        *unsubscribe.routes,
        *tracking.routes,
    ),
    due_work=(
        DueWork(birthdays.claim_birthdays, held_in_quiet_hours=True),
        DueWork(_start_due_campaigns, held_in_quiet_hours=True),
    ),
)
