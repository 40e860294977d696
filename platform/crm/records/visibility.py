"""Which records a member may see (own, team's, everyone's by role), and name matching
shared by every record's list and search."""

import uuid

from sqlalchemy import (
    Select,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.teams.models import TeamMember


def name_starts(model, words: list[str]):
    """Every folded query word starts some word of the record's name (trigram index)."""
    return and_(*(model.search_name.like(f"% {word}%") for word in words))


def name_resembles(model, folded: str):
    """A typo-tolerant match: pg_trgm's strict word similarity over its threshold."""
    return literal(folded).op("<<%")(model.search_name)


def name_score(model, folded: str):
    """1 for whole words; a word's start or a near miss less (pg_trgm)."""
    return func.strict_word_similarity(folded, model.search_name)


def visibility(model, principal: Principal):
    """Which records of ``model`` a principal may see and change, as a condition (None: all).

    Owners and admins (crm.all_records) see all. Everyone sees what they own and what is
    shared with a team of theirs; managers (crm.team_records) also what their teams' members own.
    """
    return scoped_visibility(model, record_scope(principal), principal.user_id)


def record_scope(principal: Principal) -> str:
    """all (owners, admins), team (managers) or own (everyone else)."""
    if principal.can("crm.all_records"):
        return "all"
    return "team" if principal.can("crm.team_records") else "own"


def scoped_visibility(model, scope: str, viewer):
    """visibility() for a scope; ``viewer`` is the user id, or a bound parameter standing for
    it in a statement compiled once."""
    if scope == "all":
        return None
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == viewer)
    allowed = [model.owner_id == viewer]
    if hasattr(model, "team_id"):
        allowed.append(model.team_id.in_(my_teams))
    if scope == "team":
        teammates = select(TeamMember.user_id).where(TeamMember.team_id.in_(my_teams))
        allowed.append(model.owner_id.in_(teammates))
    return or_(*allowed)


def visible(query: Select, model, principal: Principal) -> Select:
    condition = visibility(model, principal)
    return query if condition is None else query.where(condition)


async def visible_ids(
    session: AsyncSession, model, principal: Principal, ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``ids`` the principal may see."""
    if not ids:
        return set()
    query = visible(select(model.id).where(model.id.in_(ids)), model, principal)
    return set(await session.scalars(query))


async def get_visible(
    session: AsyncSession, model, record_id: uuid.UUID, principal: Principal, *, lock=True
):
    """The record if the principal may see it; locked for the change that follows unless
    ``lock`` is off (a read must not queue behind writers)."""
    query = visible(select(model).where(model.id == record_id), model, principal)
    return await session.scalar(query.with_for_update() if lock else query)
