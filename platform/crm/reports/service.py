"""What every report shares: its period's bounds, who a member may see, closed deals, shares."""

from datetime import date, datetime

from sqlalchemy import (
    Numeric,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.deals.models import Deal, Stage
from atrium.platform.crm.records.visibility import record_scope, visibility
from atrium.platform.crm.reports.period import period_bounds
from atrium.platform.crm.teams.models import TeamMember

# A report sorts and hashes a few hundred thousand rows; PostgreSQL's default work_mem (4 MB)
# sends them to disk and doubles the time. Set for the rest of the report's transaction only.
REPORT_WORK_MEM = "32MB"


async def report_bounds(
    session: AsyncSession, first: date, last: date
) -> tuple[datetime, datetime, str]:
    """period_bounds(), and room in memory for the report's queries."""
    bounds = await period_bounds(session, first, last)
    await session.execute(select(func.set_config("work_mem", REPORT_WORK_MEM, True)))
    return bounds


def visible_to(principal: Principal, model) -> list:
    """The principal's visibility rule for ``model`` as a list of conditions (none: sees all)."""
    condition = visibility(model, principal)
    return [] if condition is None else [condition]


def people_of(principal: Principal, column) -> list:
    """Whose figures the principal may see: everyone's (owners, admins), their teams' and their
    own (managers), or their own."""
    scope = record_scope(principal)
    if scope == "all":
        return []
    if scope == "own":
        return [column == principal.user_id]
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == principal.user_id)
    teammates = select(TeamMember.user_id).where(TeamMember.team_id.in_(my_teams))
    return [or_(column == principal.user_id, column.in_(teammates))]


def closed_in(start: datetime, end: datetime, kind: str) -> list:
    """Deals that ended won (or lost) within [start, end) and are still so."""
    return [
        Deal.stage_id.in_(select(Stage.id).where(Stage.kind == kind)),
        Deal.closed_at >= start,
        Deal.closed_at < end,
    ]


def percent(part, whole):
    """part / whole in percent with one decimal, NULL when whole is 0 (SQL)."""
    return func.round(100 * cast(part, Numeric) / func.nullif(whole, 0), 1)
