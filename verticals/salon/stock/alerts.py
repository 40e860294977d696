"""Low stock: when a checkout takes a salon's level of an item to its reorder level (or below
zero), the alert is raised once per dip (``low_noticed_at``; a receipt that lifts the level
clears it, in the stock service) and the workspace's managers are told in the app."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership, Role, User
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs.context import job_context
from atrium.platform.notify.reminders import notify
from atrium.platform.tenancy.models import Tenant
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import Location, StockItem, StockLevel

# Who looks after stock (salon.manage by default).
STOCK_KEEPERS = (Role.OWNER, Role.ADMIN, Role.MANAGER)
TITLES = {
    "en": "Running low: {item} at {salon}, {quantity} {unit} left",
    "ru": "Заканчивается: {item} в салоне {salon}, осталось {quantity} {unit}",
}
TITLES_FIELDS = ("item", "salon", "quantity", "unit")


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


async def notice_low_stock(
    session: AsyncSession, location: Location, item: StockItem, now: datetime
) -> Decimal | None:
    """Mark the level low if it just fell to its reorder level (or below zero) and nobody was
    told of this dip yet; records ``salon.stock_low`` and returns the quantity, else None."""
    level = StockLevel.__table__.c
    quantity = await session.scalar(
        update(StockLevel)
        .where(
            StockLevel.item_id == item.id,
            StockLevel.location_id == location.id,
            StockLevel.low_noticed_at.is_(None),
            or_(
                StockLevel.quantity < 0,
                (StockLevel.reorder_level > 0) & (StockLevel.quantity <= StockLevel.reorder_level),
            ),
        )
        .values(low_noticed_at=now)
        .returning(level.quantity)
        .execution_options(synchronize_session=False)
    )
    if quantity is None:
        return None
    await record_event(
        session,
        "salon.stock_low",
        {
            "item_id": str(item.id),
            "item": item.name,
            "unit": item.unit,
            "location_id": str(location.id),
            "salon": location.name,
            "quantity": quantity_text(quantity),
        },
    )
    return quantity


async def _keepers(schema_name: str) -> tuple[str, list[tuple[uuid.UUID, str | None]]]:
    """The workspace's slug and its active owners, admins and managers with their language."""
    async with job_context().db.shared_transaction() as shared:
        tenant = await shared.scalar(select(Tenant).where(Tenant.schema_name == schema_name))
        if tenant is None:
            return "", []
        rows = await shared.execute(
            select(User.id, User.locale)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.tenant_id == tenant.id,
                Membership.role.in_(STOCK_KEEPERS),
                User.is_active,
            )
        )
        return tenant.slug or "", [(user_id, locale) for user_id, locale in rows]


@on_event("salon.stock_low")
async def _tell_managers(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    slug, keepers = await _keepers(dispatching_workspace.get().name)
    fallback = (await workspace_settings(session)).locale
    for user_id, locale in keepers:
        wording = TITLES.get(locale or "") or TITLES.get(fallback) or TITLES["en"]
        await notify(
            session,
            user_id,
            f"salon-stock-low:{event.id}:{user_id}",
            kind="salon.stock_low",
            title=wording.format(**{key: payload.get(key, "") for key in TITLES_FIELDS})[:300],
            link=f"/w/{slug}/salon/catalog" if slug else "",
        )
