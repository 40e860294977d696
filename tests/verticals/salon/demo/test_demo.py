"""The salon's demo data at sign-up: two salons, services, stock running low, masters with their
hours, three months of visits and a live journal today, in the workspace's language; clearing
removes exactly the demo records (what a person added stays; other workspaces keep theirs)."""

import secrets
import time as clock
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from atrium.platform.auth.models import User
from atrium.platform.auth.service import principal_for_member
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.demo.service import clear_demo_data, has_demo_data
from atrium.platform.tenancy.service import workspace_settings
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.verticals.salon.demo import service as demo
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.models import (
    Location,
    LoyaltyCard,
    Master,
    Reminder,
    Service,
    StockItem,
    TimeOff,
    Visit,
    WorkingHours,
)
from atrium.verticals.salon.stock import service as stock
from tests.helpers import STRONG_PASSWORD


async def _signed_up(db, company, *, locale="ru", demo_data=True):
    request = checked_signup(
        company=company, email=f"salon-demo-{secrets.token_hex(4)}@example.com",
        password=STRONG_PASSWORD, vertical="salon", locale=locale, name="Лиза",
    )  # fmt: skip
    return await sign_up(db, request, demo=demo_data)


async def _count(db, schema, model, *where) -> int:
    async with db.tenant_transaction(schema) as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_russian_salon_gets_salons_masters_and_a_live_journal(db, migrated):
    salon = await _signed_up(db, "Демо Лиза")
    async with db.tenant_transaction(salon.schema) as session:
        names = set(await session.scalars(select(Master.name)))
        assert "Анна Петрова" in names and len(names) == 5
        assert set(await session.scalars(select(Location.name))) == {
            "Лиза на Арбате",
            "Лиза на Соколе",
        }
        services = {service.name: service for service in await session.scalars(select(Service))}
        assert len(services) == 9
        assert services["Окрашивание"].repeat_after_days == 56
        assert {service.category for service in services.values()} == {"Волосы", "Ногти", "Уход"}
        # Several intervals a day (a split shift) and a vacation next week.
        assert await session.scalar(select(func.count()).select_from(WorkingHours)) >= 25
        assert (await session.scalar(select(TimeOff))).kind == "vacation"

        centre = await session.scalar(select(Location).where(Location.slug == "arbat"))
        low = {level.item.name for level in await stock.reorder_list(session, centre.id)}
        assert {"Гель-лак", "Кератиновый состав"} <= low

        zone = ZoneInfo((await workspace_settings(session)).timezone)
        today = datetime.now(UTC).astimezone(zone).date()
        local_day = func.timezone(zone.key, Visit.starts_at)
        past = select(func.count()).where(Visit.status == "done", Visit.starts_at < func.now())
        assert await session.scalar(past) >= 40
        assert await session.scalar(select(func.count()).where(Visit.status == "no_show")) == 1
        done = await session.scalar(select(Visit).where(Visit.status == "done").limit(1))
        assert done.paid > 0 and done.payment_method and done.done_at
        ahead = select(func.count()).where(
            Visit.status.in_(("booked", "confirmed")), Visit.starts_at > func.now()
        )
        assert await session.scalar(ahead) >= 20
        # The journal has today's visits (unless the salon's day is over).
        today_count = select(func.count()).where(func.date(local_day) == today)
        if datetime.now(UTC).astimezone(zone).hour < 17:
            assert await session.scalar(today_count) >= 3
        assert await session.scalar(select(func.count()).select_from(Reminder)) >= 10
        sources = set(await session.scalars(select(Visit.source).distinct()))
        assert sources == {"journal", "online"}
        # The best clients hold a card; every visit is a demo client's.
        assert await session.scalar(select(func.count()).select_from(LoyaltyCard)) == 2
        clients = select(func.count(Visit.contact_id.distinct()))
        assert 10 <= await session.scalar(clients) <= 16


async def test_english_demo_is_in_english_and_deterministic_per_workspace(db, migrated):
    salon = await _signed_up(db, "Demo Liza", locale="en")
    async with db.tenant_transaction(salon.schema) as session:
        assert "Sophie Turner" in set(await session.scalars(select(Master.name)))
        assert "Colouring" in set(await session.scalars(select(Service.name)))
        first = [
            (visit.starts_at, visit.status)
            for visit in await session.scalars(
                select(Visit).where(Visit.starts_at < func.now()).order_by(Visit.starts_at)
            )
        ]
        await session.rollback()
    # Filled again in a savepoint, the same workspace gets the same past.
    async with db.shared_transaction() as shared:
        owner = await shared.get(User, salon.user_id)
        principal = await principal_for_member(shared, owner, salon.slug)
    async with db.tenant_transaction(salon.schema) as session:
        await demo.clear_demo(session)
        started = clock.perf_counter()
        made = await demo.fill_demo(session, principal, "en")
        elapsed = clock.perf_counter() - started
        assert made > 100
        again = [
            (visit.starts_at.replace(second=0, microsecond=0), visit.status)
            for visit in await session.scalars(
                select(Visit)
                .where(Visit.starts_at < func.now() - timedelta(days=1))
                .order_by(Visit.starts_at)
            )
        ]
        await session.rollback()
    earlier = [
        (start.replace(second=0, microsecond=0), status)
        for start, status in first
        if start < datetime.now(UTC) - timedelta(days=1)
    ]
    # Two masters' visits may start at the same minute: compare in (start, status) order.
    assert sorted(again) == sorted(earlier)
    assert elapsed < 1.5, f"the salon's demo data took {elapsed:.2f} s"


async def test_clearing_removes_exactly_the_demo_records(db, migrated):
    salon = await _signed_up(db, "Чистый Салон")
    other = await _signed_up(db, "Соседний Салон")
    plain = await _signed_up(db, "Пустой Салон", demo_data=False)
    assert await _count(db, plain.schema, Visit) == 0
    assert await _count(db, plain.schema, Master) == 0
    other_visits = await _count(db, other.schema, Visit)

    # A person books their own client with a demo master and adds a master of their own.
    async with db.shared_transaction() as shared:
        owner = await shared.get(User, salon.user_id)
        principal = await principal_for_member(shared, owner, salon.slug)
    async with db.tenant_transaction(salon.schema) as session:
        mine = Contact(id=uuid.uuid4(), display_name="Настоящая клиентка")
        session.add(mine)
        centre = await session.scalar(select(Location).where(Location.slug == "arbat"))
        session.add(Master(location_id=centre.id, name="Мой мастер"))
        await session.flush()
        anna = await session.scalar(select(Master).where(Master.name == "Анна Петрова"))
        cut = await session.scalar(select(Service).where(Service.name == "Женская стрижка"))
        kept = await _book_somewhere(session, anna.id, cut.id, mine.id)

    async with db.tenant_transaction(salon.schema) as session:
        assert await clear_demo_data(session, principal) > 100
        assert not await has_demo_data(session)
    async with db.tenant_transaction(salon.schema) as session:
        [visit] = list(await session.scalars(select(Visit)))
        assert visit.id == kept and visit.contact_id is not None
        # Anna stays (the person's visit is hers), with her salon; the rest is gone.
        assert set(await session.scalars(select(Master.name))) == {"Анна Петрова", "Мой мастер"}
        assert list(await session.scalars(select(Location.slug))) == ["arbat"]
        assert await session.scalar(select(func.count()).select_from(Service)) == 0
        assert await session.scalar(select(func.count()).select_from(StockItem)) == 0
        assert await session.scalar(select(func.count()).select_from(LoyaltyCard)) == 0
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1
    assert await _count(db, other.schema, Visit) == other_visits  # another workspace keeps its own
    assert await _count(db, other.schema, Master) == 5


async def _book_somewhere(session, master_id, service_id, contact_id) -> uuid.UUID:
    """The first free hour in the coming two weeks that the demo left empty."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for hour in range(14 * 24):
        try:
            async with session.begin_nested():
                visit = await booking.book_visit(
                    session, master_id=master_id, starts_at=start + timedelta(hours=hour),
                    service_ids=[service_id], contact_id=contact_id,
                )  # fmt: skip
                return visit.id
        except Exception:  # noqa: BLE001 - outside hours or taken: try the next hour
            continue
    raise AssertionError("no free hour")
