"""The salon's demo data: two salons with services, stock and masters, three months of the demo
clients' visits (regulars, a no-show), today's and the next days' bookings (made through the
booking service, so the journal behaves like real work) and loyalty cards for the best clients.

Every record is listed in the core's ``demo_records``; clearing deletes exactly those, keeping a
master or a salon that something a person added still points at. The same workspace gets the
same data every time (the randomness is seeded with its id).
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.errors import DomainError
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.catalog.service import salon_settings
from atrium.verticals.salon.demo.offer import (
    CATEGORIES,
    CONSUMABLES,
    LEVELS,
    LOCATIONS,
    MASTERS,
    SERVICES,
    STOCK,
    UNITS,
    price_in,
)
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.loyalty.service import CARD_PREFIX, ean13_check_digit
from atrium.verticals.salon.models import (
    Break,
    Location,
    LoyaltyCard,
    LoyaltyEntry,
    Master,
    MasterService,
    Reminder,
    Service,
    ServiceConsumable,
    StockItem,
    StockLevel,
    StockMove,
    TimeOff,
    Visit,
    VisitService,
    WorkingHours,
)

PAST_DAYS = 90
AHEAD_DAYS = 6  # bookings from today to this many days ahead
BOOKED_BY_SERVICE = 3  # of today's later visits, through booking.book_visit
Interval = tuple[datetime, datetime]


@dataclass
class _Demo:
    """What is being made: ids by key, prices and lengths, each master's held time."""

    russian: bool
    currency: str
    zone: ZoneInfo
    now: datetime
    chance: random.Random
    made: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    locations: dict[str, uuid.UUID] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    masters: dict[str, uuid.UUID] = field(default_factory=dict)
    # (master, service) -> (price, minutes)
    offers: dict[tuple[str, str], tuple[Decimal, int]] = field(default_factory=dict)
    held: dict[str, list[Interval]] = field(default_factory=dict)
    lines: list[VisitService] = field(default_factory=list)  # added once their visits are in

    def name(self, en: str, ru: str) -> str:
        return ru if self.russian else en

    def record(self, kind: str, record_id: uuid.UUID) -> uuid.UUID:
        self.made.append((kind, record_id))
        return record_id


async def fill_demo(session: AsyncSession, principal, locale: str) -> int:
    """Add the salon's demo records after the core's; how many."""
    settings = await workspace_settings(session)
    demo = _Demo(
        russian=locale == "ru",
        currency=settings.currency,
        zone=ZoneInfo(settings.timezone),
        now=datetime.now(UTC),
        chance=random.Random(f"salon:{principal.workspace.id}"),
    )
    # The demo salon asks for SMS codes: without a gateway outside production they wait in
    # Settings → Outbox, where whoever tries the demo reads them (in production the booking
    # falls back to "to confirm by phone").
    (await salon_settings(session)).phone_check = "sms"
    await _catalogue(session, demo)
    await session.flush()
    await _stock(session, demo)
    await _masters(session, demo)
    clients = await _demo_clients(session)
    spend = await _past_visits(session, demo, clients)
    await session.flush()
    session.add_all(demo.lines)
    await session.flush()
    demo.lines.clear()
    await _bookings(session, demo, clients, principal.user_id)
    await _cards(session, demo, spend)
    session.add_all(DemoRecord(kind=kind, record_id=record_id) for kind, record_id in demo.made)
    await session.flush()
    return len(demo.made)


async def _catalogue(session: AsyncSession, demo: _Demo) -> None:
    taken = set(await session.scalars(select(Location.slug)))
    for key, (en, ru, address_en, address_ru, phone, slug) in LOCATIONS.items():
        location = Location(
            id=demo.record("salon_location", uuid.uuid4()),
            name=demo.name(en, ru),
            slug=slug if slug not in taken else f"{slug}-demo",
            address=demo.name(address_en, address_ru),
            phone=phone,
        )
        if key == "centre":  # a 5% card once a client's visits add up to 10,000 roubles
            location.loyalty_threshold = price_in(10000, demo.currency)
            location.loyalty_discount_percent = Decimal(5)
        session.add(location)
        demo.locations[key] = location.id
    for key, (en, ru, category, minutes, roubles, repeat) in SERVICES.items():
        service = Service(
            id=demo.record("salon_service", uuid.uuid4()),
            name=demo.name(en, ru),
            category=demo.name(*CATEGORIES[category]),
            duration_minutes=minutes,
            price=price_in(roubles, demo.currency),
            repeat_after_days=repeat,
        )
        session.add(service)
        demo.services[key] = service


async def _stock(session: AsyncSession, demo: _Demo) -> None:
    taken = set(await session.scalars(select(StockItem.name)))
    items = {}
    for key, (en, ru, kind, unit, roubles) in STOCK.items():
        name = demo.name(en, ru)
        item = StockItem(
            id=demo.record("salon_stock_item", uuid.uuid4()),
            name=name if name not in taken else f"{name} (demo)",
            kind=kind,
            unit=demo.name(*UNITS[unit]),
            price=price_in(roubles, demo.currency) if roubles else None,
        )
        session.add(item)
        items[key] = item.id
    await session.flush()
    for (item, salon), (quantity, reorder_level, reorder_quantity) in LEVELS.items():
        session.add(
            StockLevel(
                item_id=items[item], location_id=demo.locations[salon],
                quantity=Decimal(quantity), reorder_level=Decimal(reorder_level),
                reorder_quantity=Decimal(reorder_quantity),
            )
        )  # fmt: skip
        session.add(
            StockMove(
                item_id=items[item], location_id=demo.locations[salon],
                change=Decimal(quantity), reason="receipt",
                created_at=demo.now - timedelta(days=demo.chance.randint(3, 20)),
            )
        )  # fmt: skip
    for service, uses in CONSUMABLES.items():
        session.add_all(
            ServiceConsumable(service_id=demo.services[service].id, item_id=items[item],
                              quantity=quantity)
            for item, quantity in uses.items()
        )  # fmt: skip


async def _masters(session: AsyncSession, demo: _Demo) -> None:
    today = demo.now.astimezone(demo.zone).date()
    next_monday = today + timedelta(days=7 - today.weekday())
    for key, spec in MASTERS.items():
        en, ru, position_en, position_ru, salon, *_, colour, share, _own = spec
        master_id = demo.record("salon_master", uuid.uuid4())
        session.add(
            Master(
                id=master_id, location_id=demo.locations[salon], name=demo.name(en, ru),
                position=demo.name(position_en, position_ru), color=colour,
                commission_percent=Decimal(share),
            )
        )  # fmt: skip
        demo.masters[key], demo.held[key] = master_id, []
    await session.flush()
    for key, spec in MASTERS.items():
        offered, week, breaks, own = spec[5], spec[6], spec[7], spec[10]
        master_id = demo.masters[key]
        for service in offered:
            roubles, minutes = own.get(service, (None, None))
            price = price_in(roubles, demo.currency) if roubles else None
            session.add(
                MasterService(master_id=master_id, service_id=demo.services[service].id,
                              price=price, duration_minutes=minutes)
            )  # fmt: skip
            base = demo.services[service]
            demo.offers[key, service] = (price or base.price, minutes or base.duration_minutes)
        for weekday, intervals in week.items():
            session.add_all(
                WorkingHours(master_id=master_id, weekday=weekday, starts=starts, ends=ends)
                for starts, ends in intervals
            )
        session.add_all(
            Break(master_id=master_id, weekday=weekday, starts=starts, ends=ends)
            for weekday, starts, ends in breaks
        )
        if key == "elena":  # on vacation next week
            session.add(
                TimeOff(master_id=master_id, starts_on=next_monday,
                        ends_on=next_monday + timedelta(days=6), kind="vacation")
            )  # fmt: skip


async def _demo_clients(session: AsyncSession) -> list[tuple[uuid.UUID, str | None]]:
    """The core's demo contacts (id, gender), in the order they were made."""
    rows = await session.execute(
        select(Contact.id, Contact.gender)
        .join(DemoRecord, (DemoRecord.record_id == Contact.id) & (DemoRecord.kind == "contact"))
        .order_by(Contact.created_at, Contact.id)
    )
    return [(contact_id, gender) for contact_id, gender in rows]


# Scheduling the demo visits


def _free_start(demo: _Demo, master: str, day: date, minutes: int, after: datetime | None):
    """A start on ``day`` within the master's hours, clear of breaks and held time; or None."""
    spec = MASTERS[master]
    week, breaks = spec[6], spec[7]
    if master == "elena" and _on_vacation(demo, day):
        return None
    busy = list(demo.held[master]) + [
        (_at(demo, day, starts), _at(demo, day, ends))
        for weekday, starts, ends in breaks
        if weekday in (None, day.weekday())
    ]
    candidates = []
    for starts, ends in week.get(day.weekday(), []):
        moment, last = _at(demo, day, starts), _at(demo, day, ends) - timedelta(minutes=minutes)
        while moment <= last:
            finish = moment + timedelta(minutes=minutes)
            if (after is None or moment >= after) and not any(
                moment < b_end and b_start < finish for b_start, b_end in busy
            ):
                candidates.append(moment)
            moment += timedelta(minutes=30)
    return demo.chance.choice(candidates) if candidates else None


def _on_vacation(demo: _Demo, day: date) -> bool:
    today = demo.now.astimezone(demo.zone).date()
    next_monday = today + timedelta(days=7 - today.weekday())
    return next_monday <= day <= next_monday + timedelta(days=6)


def _at(demo: _Demo, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, demo.zone).astimezone(UTC)


def _plan(demo: _Demo, master: str, services: list[str], day: date, after=None):
    """(start, end) for the services in sequence on ``day`` or the days before it; held."""
    minutes = sum(demo.offers[master, service][1] for service in services)
    for back in range(7):
        start = _free_start(demo, master, day - timedelta(days=back), minutes, after)
        if start is not None:
            end = start + timedelta(minutes=minutes)
            demo.held[master].append((start, end))
            return start, end
    return None


# What each demo client comes for: (master, services, every so many days).
WOMEN = [
    ("anna", ["colour", "cut"], 42), ("olga", ["manicure"], 21), ("elena", ["facial"], 30),
    ("anna", ["cut"], 35), ("olga", ["manicure", "pedicure"], 28), ("maria", ["cut"], 42),
    ("elena", ["brows"], 28), ("maria", ["manicure"], 24), ("anna", ["keratin"], 90),
    ("dmitry", ["cut", "styling"], 45),
]  # fmt: skip
MEN = [("dmitry", ["men"], 28), ("dmitry", ["men"], 35), ("maria", ["cut"], 42)]


def _habit(index: int, gender: str | None):
    habits = MEN if gender == "male" else WOMEN
    return habits[index % len(habits)]


def _insert_visit(session, demo, master, services, start, end, contact_id, status) -> Visit:
    lines, cursor = [], start
    for position, service in enumerate(services):
        price, minutes = demo.offers[master, service]
        finish = cursor + timedelta(minutes=minutes)
        lines.append((position, service, cursor, finish, price))
        cursor = finish
    subtotal = sum(line[4] for line in lines)
    done = status == "done"
    visit = Visit(
        id=demo.record("salon_visit", uuid.uuid4()),
        location_id=demo.locations[MASTERS[master][4]], master_id=demo.masters[master],
        contact_id=contact_id, starts_at=start, ends_at=end, status=status,
        source=demo.chance.choices(["journal", "online"], [3, 1])[0],
        confirmed_at=None if status in ("booked", "cancelled") else min(start, demo.now)
        - timedelta(days=1),
        arrived_at=start if status in ("arrived", "done") else None,
        done_at=end if done else None,
        cancelled_at=start - timedelta(days=2) if status == "cancelled" else None,
        subtotal=subtotal, paid=subtotal if done else Decimal(0),
        payment_method=demo.chance.choices(["card", "cash", "transfer"], [6, 3, 1])[0]
        if done else None,
        created_at=min(start, demo.now) - timedelta(days=demo.chance.randint(1, 10)),
        updated_at=min(end, demo.now),
    )  # fmt: skip
    session.add(visit)
    demo.lines.extend(
        VisitService(
            visit_id=visit.id, position=position, service_id=demo.services[service].id,
            name=demo.services[service].name, starts_at=begins, ends_at=finish, price=price,
        )
        for position, service, begins, finish, price in lines
    )  # fmt: skip
    return visit


async def _past_visits(session, demo, clients) -> dict[uuid.UUID, Decimal]:
    """Three months of visits by each client's habit, and the earlier part of today; the money
    each client spent."""
    today = demo.now.astimezone(demo.zone).date()
    spend: dict[uuid.UUID, Decimal] = {}
    no_show = len(clients) - 3  # an occasional client once did not come
    for index, (contact_id, gender) in enumerate(clients):
        master, services, every = _habit(index, gender)
        regular = index < 12
        every = every if regular else every * 2
        day = today - timedelta(days=demo.chance.randint(1, min(every, PAST_DAYS - 7)))
        while (today - day).days <= PAST_DAYS:
            planned = _plan(demo, master, services, day)
            if planned is not None:
                status = "no_show" if index == no_show else "done"
                visit = _insert_visit(session, demo, master, services, *planned, contact_id,
                                      status)  # fmt: skip
                spend[contact_id] = spend.get(contact_id, Decimal(0)) + visit.paid
                if status == "no_show":
                    no_show = -1
            day -= timedelta(days=every + demo.chance.randint(-4, 4))
    # This morning's visits: done, or in the chair now.
    for key in MASTERS:
        for _ in range(3):
            contact_id, gender = demo.chance.choice(clients) if clients else (None, None)
            services = _today_services(key, gender)
            planned = _plan_today(demo, key, services, before=demo.now)
            if planned is None:
                continue
            start, end = planned
            status = "done" if end <= demo.now else "arrived"
            visit = _insert_visit(session, demo, key, services, start, end, contact_id, status)
            if contact_id is not None:
                spend[contact_id] = spend.get(contact_id, Decimal(0)) + visit.paid
    return spend


def _today_services(master: str, gender: str | None) -> list[str]:
    offered = MASTERS[master][5]
    if master == "dmitry":
        return ["men"] if gender == "male" else ["cut"]
    return [offered[0]]


def _plan_today(demo: _Demo, master: str, services: list[str], *, before: datetime):
    """Earlier today, starting before ``before``."""
    today = demo.now.astimezone(demo.zone).date()
    minutes = sum(demo.offers[master, service][1] for service in services)
    start = _free_start(demo, master, today, minutes, None)
    if start is None or start >= before:
        return None
    end = start + timedelta(minutes=minutes)
    demo.held[master].append((start, end))
    return start, end


async def _bookings(session, demo, clients, user_id) -> None:
    """Visits from now on: a few of today's booked through the booking service as a person would
    (each takes some 20 ms, and sign-up waits for this), the rest written at once with their
    reminders planned alike, clear of hours, breaks, time off and each other all the same."""
    if not clients:
        return
    today = demo.now.astimezone(demo.zone).date()
    soon = demo.now + timedelta(minutes=15)
    for key in list(MASTERS)[:BOOKED_BY_SERVICE]:
        contact_id, gender = demo.chance.choice(clients)
        services = _today_services(key, gender)
        minutes = sum(demo.offers[key, service][1] for service in services)
        start = _free_start(demo, key, today, minutes, soon)
        if start is None:
            continue
        try:
            visit = await booking.book_visit(
                session, master_id=demo.masters[key], starts_at=start,
                service_ids=[demo.services[service].id for service in services],
                contact_id=contact_id, created_by=user_id,
                source=demo.chance.choices(["journal", "online"], [2, 1])[0], now=demo.now,
            )  # fmt: skip
        except DomainError:  # the salon's own rules said no: leave the slot empty
            continue
        demo.held[key].append((start, start + timedelta(minutes=minutes)))
        demo.record("salon_visit", visit.id)
        if demo.chance.random() < 0.6:
            visit.status, visit.confirmed_at = "confirmed", demo.now
    ahead = []
    for days in range(AHEAD_DAYS + 1):
        for key in MASTERS:
            for _ in range(3 if days < 3 else 2):
                contact_id, gender = demo.chance.choice(clients)
                services = _today_services(key, gender)
                minutes = sum(demo.offers[key, service][1] for service in services)
                start = _free_start(demo, key, today + timedelta(days=days), minutes, soon)
                if start is None:
                    continue
                end = start + timedelta(minutes=minutes)
                demo.held[key].append((start, end))
                status = "confirmed" if days < 2 and demo.chance.random() < 0.6 else "booked"
                ahead.append(
                    _insert_visit(session, demo, key, services, start, end, contact_id, status)
                )
    await session.flush()
    session.add_all(demo.lines)
    hours = (await salon_settings(session)).reminder_hours
    session.add_all(
        Reminder(visit_id=visit.id, kind="before", offset_minutes=hour * 60,
                 due_at=visit.starts_at - timedelta(hours=hour))
        for visit in ahead
        for hour in hours
        if visit.starts_at - timedelta(hours=hour) > demo.now
    )  # fmt: skip
    await session.flush()


async def _cards(session, demo, spend: dict[uuid.UUID, Decimal]) -> None:
    """A 5% card for the two clients who spent the most."""
    best = sorted(spend.items(), key=lambda item: (-item[1], str(item[0])))[:2]
    for contact_id, _ in best:
        body = CARD_PREFIX + "".join(demo.chance.choice("0123456789") for _ in range(11))
        card = LoyaltyCard(
            id=demo.record("salon_card", uuid.uuid4()), contact_id=contact_id,
            number=body + ean13_check_digit(body), discount_percent=Decimal(5),
            location_id=demo.locations["centre"],
            issued_at=demo.now - timedelta(days=demo.chance.randint(10, 40)),
        )  # fmt: skip
        session.add(card)
        await session.flush()
        session.add(LoyaltyEntry(card_id=card.id, kind="issued", note="5%"))


# Clearing


def _ids(kind: str):
    return select(DemoRecord.record_id).where(DemoRecord.kind == kind)


async def clear_demo(session: AsyncSession) -> int:
    """Delete the salon's demo records, before the core clears its own; how many. A demo master
    or salon that a person's visit (or master) points at stays."""
    cleared = 0
    for model, kind, kept in (
        (LoyaltyCard, "salon_card", None),
        (Visit, "salon_visit", None),
        (Master, "salon_master", exists().where(Visit.master_id == Master.id)),
        (StockItem, "salon_stock_item", None),
        (Service, "salon_service", None),
        (
            Location,
            "salon_location",
            exists().where(Master.location_id == Location.id)
            | exists().where(Visit.location_id == Location.id),
        ),
    ):
        condition = model.id.in_(_ids(kind))
        if kept is not None:
            condition = condition & ~kept
        result = await session.execute(
            delete(model).where(condition).execution_options(synchronize_session=False)
        )
        cleared += result.rowcount
    return cleared
