"""The period a report covers: two days in the workspace's zone (both included), typed in or
picked from presets, and the UTC instants a query compares with."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_settings

PRESETS = ("this_month", "last_month", "this_quarter", "this_year", "last_30_days")
DEFAULT_PRESET = "this_month"
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)
LONGEST_YEARS = 20


class Period(NamedTuple):
    first: date
    last: date  # included

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def preset_period(preset: str, today: date) -> Period:
    """Month, quarter and year so far; last month whole; the last 30 days with today."""
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if preset == "this_quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today)
    if preset == "this_year":
        return Period(today.replace(month=1, day=1), today)
    if preset == "last_30_days":
        return Period(today - timedelta(days=29), today)
    return Period(today.replace(day=1), today)


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            "%(value)s is not a date such as 2026-03-05.", field=field, value=text.strip()[:40]
        ) from None


def checked_period(first: date, last: date) -> Period:
    if not FIRST_DAY <= first <= LAST_DAY or not FIRST_DAY <= last <= LAST_DAY:
        raise Invalid(
            "Choose days from %(first)s to %(last)s.",
            field="from",
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    if first > last:
        raise Invalid("The period starts after it ends.", field="from")
    if (last - first).days > LONGEST_YEARS * 366:
        raise Invalid("A report covers at most %(years)d years.", field="from", years=LONGEST_YEARS)
    return Period(first, last)


def period_from_query(
    first: str | None, last: str | None, preset: str | None, today: date
) -> tuple[Period, str]:
    """The period asked for, and the preset it is ("custom" for typed days): typed days win
    over a preset; nothing asked for is this month."""
    first, last = (first or "").strip(), (last or "").strip()
    if first or last:
        if not first:
            raise Invalid("Choose the first day of the period.", field="from")
        if not last:
            raise Invalid("Choose the last day of the period.", field="to")
        return checked_period(_day(first, "from"), _day(last, "to")), "custom"
    chosen = preset if preset in PRESETS else DEFAULT_PRESET
    return preset_period(chosen, today), chosen


async def period_bounds(
    session: AsyncSession, first: date, last: date
) -> tuple[datetime, datetime, str]:
    """[start, end) of the period in the workspace's zone, and the zone's name."""
    period = checked_period(first, last)
    zone = (await workspace_settings(session)).timezone
    tz = ZoneInfo(zone)
    start = datetime.combine(period.first, time(), tzinfo=tz)
    return start, datetime.combine(period.last + timedelta(days=1), time(), tzinfo=tz), zone
