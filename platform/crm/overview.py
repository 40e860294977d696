"""The workspace at a glance: today's figures for the home page and the setup checklist."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm import repository as repo
from atrium.platform.crm.activity_models import Activity
from atrium.platform.crm.appeal_models import Appeal
from atrium.platform.crm.deal_models import Deal, Stage
from atrium.platform.crm.lead_models import Lead
from atrium.platform.crm.models import Contact, DemoRecord
from atrium.platform.crm.product_models import Product
from atrium.platform.db.types import utcnow
from atrium.platform.notify.models import SmsSettings, TelegramSettings
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
    # The setup checklist: what the business did itself (demo records do not count).
    own_clients: bool
    own_deals: bool
    own_products: bool
    messaging: bool
    demo_data: bool


def _not_demo(model, kind: str):
    return model.id.not_in(select(DemoRecord.record_id).where(DemoRecord.kind == kind))


async def workspace_overview(session: AsyncSession, principal: Principal) -> Overview:
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    start = datetime.combine(utcnow().astimezone(zone).date(), time(), tzinfo=zone)
    mine = Activity.assignee_id == principal.user_id
    open_tasks = select(func.count()).where(mine, Activity.done_at.is_(None))
    open_deals = repo.visible(
        select(func.count(), func.coalesce(func.sum(Deal.amount), 0)), Deal, principal
    ).where(Deal.stage_id.in_(select(Stage.id).where(Stage.kind == "open")))
    deals, amount = (await session.execute(open_deals)).one()

    async def count(query) -> int:
        return int(await session.scalar(query) or 0)

    async def any_of(model, *conditions) -> bool:
        return bool(await session.scalar(select(select(model.id).where(*conditions).exists())))

    return Overview(
        clients=await count(
            repo.visible(select(func.count()).select_from(Contact), Contact, principal)
        ),
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
        own_clients=await any_of(Contact, _not_demo(Contact, "contact")),
        own_deals=await any_of(Deal, _not_demo(Deal, "deal")),
        own_products=await any_of(Product, _not_demo(Product, "product")),
        messaging=await session.get(SmsSettings, 1) is not None
        or await session.get(TelegramSettings, 1) is not None,
        demo_data=bool(await session.scalar(select(func.count()).select_from(DemoRecord))),
    )
