"""Free slots, read straight from slots.free_slots: released visits give their time back, a day
of several intervals, no start in the past and the first on the salon's grid, the online
booking horizon, services in sequence at each master's own length, and salon time (a zone off
the hour, the nights the clocks change)."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import update

from atrium.verticals.salon.journal.slots import free_slots
from atrium.verticals.salon.models import Location, Master, MasterService, Visit, WorkingHours
from tests.verticals.salon.conftest import MOSCOW

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


async def _starts(db, salon, *services, master=None, zone=MOSCOW, **asked) -> list[str]:
    """The free starts as salon time (with the day when ``days`` is asked), by time."""
    asked.setdefault("date_from", salon.day)
    asked.setdefault("date_to", asked["date_from"])
    asked.setdefault("now", LONG_AGO)
    async with db.tenant_transaction(salon.schema) as session:
        found = await free_slots(
            session, service_ids=list(services or [salon.cut]), master_id=master, **asked
        )
    form = "%H:%M" if asked["date_to"] == asked["date_from"] else "%d %H:%M"
    return [slot.starts_at.astimezone(zone).strftime(form) for slot in found]


def _visit(salon, master, starts_at: datetime, status: str) -> Visit:
    return Visit(
        location_id=salon.location_id,
        master_id=master,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        status=status,
        subtotal=Decimal(0),
    )


async def _salon_in(db, salon, zone: str, *, step: int, hours: dict[int, list]) -> uuid.UUID:
    """A second salon in ``zone`` with one master (who cuts) working ``hours`` by weekday."""
    location, master = uuid.uuid4(), uuid.uuid4()
    async with db.tenant_transaction(salon.schema) as session:
        session.add(
            Location(id=location, name=zone, slug="far", timezone=zone, slot_step_minutes=step)
        )
        await session.flush()
        session.add(Master(id=master, location_id=location, name="Far"))
        await session.flush()
        session.add(MasterService(master_id=master, service_id=salon.cut, duration_minutes=30))
        session.add_all(
            WorkingHours(master_id=master, weekday=weekday, starts=starts, ends=ends)
            for weekday, intervals in hours.items()
            for starts, ends in intervals
        )
    return master


async def test_cancelled_and_no_show_visits_give_the_masters_time_back(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        session.add_all(
            [
                _visit(salon, salon.anna, salon.at(11), "cancelled"),
                _visit(salon, salon.anna, salon.at(12), "no_show"),
                _visit(salon, salon.anna, salon.at(16), "done"),
            ]
        )
    anna = await _starts(db, salon, master=salon.anna)
    assert "11:00" in anna and "12:00" in anna
    assert "15:00" in anna and "15:15" not in anna and "16:45" not in anna and "17:00" in anna


async def test_a_day_of_several_intervals_fits_each_visit_in_one_of_them(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(WorkingHours)
            .where(WorkingHours.master_id == salon.boris, WorkingHours.weekday == 0)
            .values(ends=time(11))
        )
        session.add(WorkingHours(master_id=salon.boris, weekday=0, starts=time(13), ends=time(16)))
    boris = await _starts(db, salon, master=salon.boris)
    assert boris == ["09:00", "09:15", "09:30", "09:45", "10:00"] + [
        f"{hour}:{minute:02d}" for hour in (13, 14) for minute in (0, 15, 30, 45)
    ] + ["15:00"]


async def test_intervals_that_touch_are_one_stretch_of_work(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(WorkingHours)
            .where(WorkingHours.master_id == salon.boris, WorkingHours.weekday == 0)
            .values(ends=time(11))
        )
        session.add(WorkingHours(master_id=salon.boris, weekday=0, starts=time(11), ends=time(13)))
    boris = await _starts(db, salon, master=salon.boris)
    # An hour's haircut may start at 10:30 and run across 11:00; the last one starts at 12:00.
    assert boris[0] == "09:00" and "10:30" in boris and "10:45" in boris
    assert boris[-1] == "12:00"


async def test_no_start_is_in_the_past_and_the_first_is_on_the_salons_grid(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(update(Location).values(slot_step_minutes=20))
    anna = await _starts(db, salon, master=salon.anna, now=salon.at(10, 7))
    assert anna[:3] == ["10:20", "10:40", "11:00"]
    # A minute after the lunch break: the next start on the grid.
    anna = await _starts(db, salon, master=salon.anna, now=salon.at(15, 1))
    assert anna[0] == "15:20"


async def test_online_booking_stops_at_the_salons_horizon(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(update(Location).values(booking_horizon_days=2))
    week = dict(date_to=salon.day + timedelta(days=4), now=salon.at(12))
    online = await _starts(db, salon, master=salon.anna, online_only=True, **week)
    horizon = (salon.day + timedelta(days=2)).strftime("%d 12:00")
    assert online[-1] == horizon
    # The journal books beyond it.
    journal = await _starts(db, salon, master=salon.anna, **week)
    assert journal[-1] == (salon.day + timedelta(days=4)).strftime("%d 19:00")


async def test_services_in_sequence_take_each_masters_own_length(db, salon):
    # Anna: a haircut (60) and her own colouring (120) are three hours together.
    both = await _starts(db, salon, salon.cut, salon.colour)
    assert both[0] == "10:00" and "11:00" in both and "11:15" not in both
    assert "15:00" in both and both[-1] == "17:00"
    assert await _starts(db, salon, salon.cut, salon.colour, master=salon.boris) == []


async def test_the_grid_is_laid_on_salon_time_in_a_zone_off_the_hour(db, salon):
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    master = await _salon_in(
        db, salon, "Asia/Kathmandu", step=60, hours={0: [(time(10), time(13))]}
    )
    asked = dict(master=master, zone=kathmandu)
    assert await _starts(db, salon, **asked) == ["10:00", "11:00", "12:00"]
    now = datetime.combine(salon.day, time(10, 20), kathmandu)
    assert await _starts(db, salon, now=now, **asked) == ["11:00", "12:00"]


async def test_slots_follow_salon_time_on_the_nights_the_clocks_change(db, salon):
    master = await _salon_in(db, salon, "Europe/Berlin", step=30, hours={6: [(time(1), time(4))]})
    # Spring: 02:00 is 03:00 already, so three hours of salon time are two of work.
    spring = await _starts(db, salon, master=master, date_from=date(2026, 3, 29), zone=BERLIN)
    assert spring == ["01:00", "01:30", "03:00", "03:30"]
    # Autumn: 02:00 to 03:00 comes twice, so they are four hours of work (told apart in UTC).
    autumn = await _starts(db, salon, master=master, date_from=date(2026, 10, 25), zone=UTC)
    assert autumn == ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    # Hours that start at 02:30: in spring the salon's 03:30, in autumn the first 02:30.
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(WorkingHours).where(WorkingHours.master_id == master).values(starts=time(2, 30))
        )
    spring = await _starts(db, salon, master=master, date_from=date(2026, 3, 29), zone=BERLIN)
    assert spring == ["03:30"]
    autumn = await _starts(db, salon, master=master, date_from=date(2026, 10, 25), zone=UTC)
    assert autumn == ["00:30", "01:00", "01:30", "02:00", "02:30"]
