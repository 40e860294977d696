"""The workspace at a glance: today's figures for the home page and the setup checklist."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal, Stage
from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.crm.leads.models import Lead
from atrium.platform.crm.products.models import Product
from atrium.platform.crm.records.visibility import visible
from atrium.platform.db.types import utcnow
from atrium.platform.notify.models import SmsSettings, TelegramSettings
from atrium.platform.packs import Pack, SetupStep
from atrium.platform.tenancy.service import workspace_settings


@dataclass
class Overview:
    clients: int
    open_deals: int
    open_amount: Decimal
    tasks_today: int
    tasks_overdue: int
    open_complaints: int
    new_leads: int
    demo_data: bool


@dataclass(frozen=True)
class ChecklistItem:
    label: str  # English, as the step names it; the page translates it
    path: str  # below /w/<slug>/
    done: bool


def has_any(model):
    """A step's check: the workspace holds at least one ``model`` row (demo ones too)."""

    async def check(session: AsyncSession) -> bool:
        return bool(await session.scalar(select(select(model.id).exists())))

    return check


async def messaging_connected(session: AsyncSession) -> bool:
    """An SMS gateway or a Telegram bot is set up, so reminders and codes can go out."""
    sms = await session.get(SmsSettings, 1)
    return bool(sms and sms.gateway_url) or await session.get(TelegramSettings, 1) is not None


GENERAL_STEPS = (
    SetupStep("Add your first client", "contacts/new", has_any(Contact)),
    SetupStep("Add your services and prices", "settings/products", has_any(Product)),
    SetupStep("Create a deal", "deals/new", has_any(Deal)),
)


async def setup_checklist(
    session: AsyncSession, pack: Pack | None, members: int
) -> list[ChecklistItem]:
    """The trade's first steps (the pack's, else the general CRM's), then the steps every
    workspace shares, each done or not by what the workspace has now."""
    steps: Sequence[SetupStep] = (pack.setup_steps if pack else ()) or GENERAL_STEPS
    items = [ChecklistItem(step.label, step.path, await step.done(session)) for step in steps]
    return [
        *items,
        ChecklistItem("Invite a colleague", "settings/members", members > 1),
        ChecklistItem(
            "Connect SMS or Telegram for reminders",
            "settings/messaging",
            await messaging_connected(session),
        ),
    ]


async def workspace_overview(session: AsyncSession, principal: Principal) -> Overview:
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    start = datetime.combine(utcnow().astimezone(zone).date(), time(), tzinfo=zone)
    mine = Activity.assignee_id == principal.user_id
    open_tasks = select(func.count()).where(mine, Activity.done_at.is_(None))
    open_deals = visible(
        select(func.count(), func.coalesce(func.sum(Deal.amount), 0)), Deal, principal
    ).where(Deal.stage_id.in_(select(Stage.id).where(Stage.kind == "open")))
    deals, amount = (await session.execute(open_deals)).one()

    async def count(query) -> int:
        return int(await session.scalar(query) or 0)

    return Overview(
        clients=await count(visible(select(func.count()).select_from(Contact), Contact, principal)),
        open_deals=deals,
        open_amount=amount,
        tasks_today=await count(
            open_tasks.where(Activity.due_at >= start, Activity.due_at < start + timedelta(1))
        ),
        tasks_overdue=await count(open_tasks.where(Activity.due_at < utcnow())),
        open_complaints=await count(
            select(func.count()).where(Appeal.kind == "complaint", Appeal.answered_at.is_(None))
        ),
        new_leads=await count(select(func.count()).where(Lead.status == "unsorted")),
        demo_data=bool(await session.scalar(select(func.count()).select_from(DemoRecord))),
    )
