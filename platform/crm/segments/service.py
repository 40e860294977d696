"""Segments: saved filters over contacts that stay current (worked out each time), their counts,
and the condition language both the API and the pages use.

A condition is {"field", "op", "value"}; a contact is in the segment when all of them hold.
Fields: name fields, source, gender, tag, custom.<key>, spend (won deals' total), last_visit
(latest won deal or done activity), birthday_month, consent (a marketing channel allowed),
created (when the card was added), owner (a member's user id), company (the name of a company
the person is at), phone and email (whether the card has one).
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, Select, and_, exists, extract, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.consent import MARKETING_CHANNELS, marketing_allowed
from atrium.platform.crm.contacts.models import (
    Contact,
    ContactCompany,
    ContactEmail,
    ContactPhone,
    ContactTag,
)
from atrium.platform.crm.custom_fields.models import CustomField
from atrium.platform.crm.deals.models import Deal, Stage
from atrium.platform.crm.records.models import Tag
from atrium.platform.crm.records.visibility import visible
from atrium.platform.crm.segments.models import Segment
from atrium.platform.db.names import by_name
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.instants import check
from atrium.platform.numbers import decimal_of

TEXT_FIELDS = ("first_name", "last_name", "middle_name", "display_name", "source", "address")
TEXT_OPS = ("is", "contains", "empty", "not_empty")
FIELD_OPS: dict[str, tuple[str, ...]] = {
    **{name: TEXT_OPS for name in TEXT_FIELDS},
    "gender": ("is",),
    "tag": ("has", "has_not"),
    "spend": ("at_least", "less_than"),
    "last_visit": ("within_days", "not_within_days"),
    "birthday_month": ("is",),
    "consent": ("allows",),
    "created": ("within_days", "before"),
    "owner": ("is", "is_not", "empty", "not_empty"),
    "company": TEXT_OPS,
    "phone": ("not_empty", "empty"),
    "email": ("not_empty", "empty"),
}
CUSTOM_OPS = {
    "text": TEXT_OPS,
    "choice": ("is", "empty", "not_empty"),
    "number": ("at_least", "less_than", "empty", "not_empty"),
    "date": ("after", "before", "empty", "not_empty"),
    "boolean": ("is",),
}
NO_VALUE = ("empty", "not_empty")
MAX_CONDITIONS = 20
VALUE_LIMIT = 200  # a condition's value


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any


def _number(raw: Any, index: int) -> Decimal:
    return decimal_of(str(raw).replace(" ", ""), f"conditions[{index}]", "Enter a number.")


async def checked_conditions(session: AsyncSession, raw: list[dict[str, Any]]) -> list[Condition]:
    """The conditions as the workspace can run them; Invalid names the first bad one."""
    if not isinstance(raw, list) or len(raw) > MAX_CONDITIONS:
        raise Invalid("A segment holds up to %(max)s conditions.", field="conditions", max=20)
    customs = {f.key: f for f in await session.scalars(select(CustomField).where(
        CustomField.object_type == "contact"))}  # fmt: skip
    checked = []
    for index, item in enumerate(raw):
        field, op = str(item.get("field", "")), str(item.get("op", ""))
        value = item.get("value")
        if field.startswith("custom."):
            definition = customs.get(field.removeprefix("custom."))
            if definition is None:
                raise Invalid(
                    "There is no custom field %(key)s.", field=f"conditions[{index}]", key=field[7:]
                )
            ops = CUSTOM_OPS[definition.field_type]
        elif field in FIELD_OPS:
            ops, definition = FIELD_OPS[field], None
        else:
            raise Invalid("Unknown field %(name)s.", field=f"conditions[{index}]", name=field[:60])
        if op not in ops:
            raise Invalid(
                "%(op)s does not apply to %(name)s.",
                field=f"conditions[{index}]",
                op=op[:20],
                name=field,
            )
        if op not in NO_VALUE:
            value = _checked_value(field, op, value, definition, index)
        checked.append(Condition(field, op, None if op in NO_VALUE else value))
    return checked


def _checked_value(field: str, op: str, value: Any, definition, index: int) -> Any:
    text = "" if value is None else str(value).strip()
    kind = definition.field_type if definition else None
    if field == "owner":
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise Invalid(
                "The owner is a member's id, such as %(example)s.",
                field=f"conditions[{index}]",
                example="0b9f6c1e-4a0d-4c55-9a53-2f2d7f0d8a11",
            ) from None
    if field in ("spend",) or kind == "number":
        return str(_number(text, index))
    if op in ("within_days", "not_within_days"):
        if not text.isdecimal() or not 0 < int(text) <= 36500:
            raise Invalid("Enter a number of days from 1 to 36500.", field=f"conditions[{index}]")
        return int(text)
    if field == "birthday_month":
        if not text.isdecimal() or not 1 <= int(text) <= 12:
            raise Invalid("Choose a month.", field=f"conditions[{index}]")
        return int(text)
    if field == "consent":
        if text not in MARKETING_CHANNELS:
            raise Invalid(
                "Choose a channel: %(choices)s.",
                field=f"conditions[{index}]",
                choices=", ".join(MARKETING_CHANNELS),
            )
        return text
    if op in ("after", "before"):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise Invalid("Enter the date as YYYY-MM-DD.", field=f"conditions[{index}]") from None
        return check(day, f"conditions[{index}]").isoformat()
    if kind == "boolean":
        return text.lower() in ("1", "true", "yes", "on", "да")
    if not text or len(text) > VALUE_LIMIT:
        raise Invalid(
            "Enter a value (up to %(max)d characters).",
            field=f"conditions[{index}]",
            max=VALUE_LIMIT,
        )
    return text


def _spend():
    won = select(Stage.id).where(Stage.kind == "won")
    return (
        select(func.coalesce(func.sum(Deal.amount), 0))
        .where(Deal.contact_id == Contact.id, Deal.stage_id.in_(won))
        .scalar_subquery()
    )


def _last_visit():
    won = select(Stage.id).where(Stage.kind == "won")
    deals = select(func.max(Deal.closed_at)).where(
        Deal.contact_id == Contact.id, Deal.stage_id.in_(won)
    )
    done = select(func.max(Activity.done_at)).where(Activity.contact_id == Contact.id)
    return func.greatest(deals.scalar_subquery(), done.scalar_subquery())


def _text_condition(column, op: str, value: str):
    if op == "is":
        return func.lower(column) == value.lower()
    if op == "contains":
        return column.icontains(value, autoescape=True)
    if op == "empty":
        return or_(column.is_(None), column == "")
    return and_(column.is_not(None), column != "")


def _card_condition(condition: Condition):
    """Conditions on who the card belongs to and what it links to."""
    field, op, value = condition.field, condition.op, condition.value
    if field == "owner":
        if op in NO_VALUE:
            return Contact.owner_id.is_(None) if op == "empty" else Contact.owner_id.is_not(None)
        owned = Contact.owner_id == uuid.UUID(value)
        return owned if op == "is" else or_(Contact.owner_id.is_(None), not_(owned))
    if field == "company":
        if op in NO_VALUE:
            at_any = exists().where(ContactCompany.contact_id == Contact.id)
            return at_any if op == "not_empty" else not_(at_any)
        named = (
            select(ContactCompany.contact_id)
            .join(Company, Company.id == ContactCompany.company_id)
            .where(_text_condition(Company.name, op, value))
        )
        return Contact.id.in_(named)
    link = ContactPhone if field == "phone" else ContactEmail
    has = exists().where(link.contact_id == Contact.id)
    return has if op == "not_empty" else not_(has)


def _condition(condition: Condition):
    field, op, value = condition.field, condition.op, condition.value
    if field in ("owner", "company", "phone", "email"):
        return _card_condition(condition)
    if field in TEXT_FIELDS:
        return _text_condition(getattr(Contact, field), op, value)
    if field == "gender":
        return Contact.gender == value
    if field == "tag":
        tagged = (
            select(ContactTag.contact_id)
            .join(Tag, Tag.id == ContactTag.tag_id)
            .where(func.lower(Tag.name) == value.lower())
        )
        inside = Contact.id.in_(tagged)
        return inside if op == "has" else not_(inside)
    if field == "spend":
        amount = Decimal(value)
        return _spend() >= amount if op == "at_least" else _spend() < amount
    if field == "last_visit":
        since = utcnow() - timedelta(days=value)
        recent = _last_visit() >= since
        return recent if op == "within_days" else or_(_last_visit().is_(None), not_(recent))
    if field == "birthday_month":
        return extract("month", Contact.birthday) == value
    if field == "consent":
        return marketing_allowed(value)
    if field == "created":
        if op == "within_days":
            return Contact.created_at >= utcnow() - timedelta(days=value)
        return Contact.created_at < date.fromisoformat(value)
    key = field.removeprefix("custom.")
    raw = Contact.custom[key].astext
    if op in NO_VALUE:
        return _text_condition(raw, op, "")
    if op in ("at_least", "less_than"):
        numeric = func.nullif(raw, "").cast(Numeric)
        return numeric >= Decimal(value) if op == "at_least" else numeric < Decimal(value)
    if op in ("after", "before"):
        return raw > value if op == "after" else raw < value
    if isinstance(value, bool):
        return Contact.custom[key].as_boolean().is_(value)
    return _text_condition(raw, op, value)


def members_query(conditions: list[Condition], principal: Principal | None = None) -> Select:
    """The contacts in the segment (as a select of Contact); visible ones when a principal
    is given, every one otherwise (a campaign's audience is the workspace's)."""
    query = select(Contact).where(*[_condition(c) for c in conditions])
    return visible(query, Contact, principal) if principal is not None else query


async def count_members(
    session: AsyncSession, conditions: list[Condition], principal: Principal | None = None
) -> int:
    query = members_query(conditions, principal).with_only_columns(func.count(Contact.id))
    return int(await session.scalar(query) or 0)


def _as_conditions(segment: Segment) -> list[Condition]:
    return [Condition(c["field"], c["op"], c.get("value")) for c in segment.conditions]


async def save_segment(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    conditions: list[dict[str, Any]],
    segment_id: uuid.UUID | None = None,
) -> Segment:
    principal.require("crm.write")
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise Invalid("A segment needs a name of 1 to 200 characters.", field="name")
    checked = await checked_conditions(session, conditions)
    stored = [{"field": c.field, "op": c.op, "value": c.value} for c in checked]
    if segment_id is None:
        segment = Segment(name=name, conditions=stored, created_by=principal.user_id)
        session.add(segment)
    else:
        segment = await get_segment(session, segment_id)
        segment.name, segment.conditions, segment.updated_at = name, stored, utcnow()
    await session.flush()
    await record_event(session, "segment.saved", {"id": str(segment.id)})
    return segment


async def get_segment(session: AsyncSession, segment_id: uuid.UUID) -> Segment:
    segment = await session.get(Segment, segment_id)
    if segment is None:
        raise NotFound("No such segment.")
    return segment


async def segment_conditions(session: AsyncSession, segment_id: uuid.UUID) -> list[Condition]:
    return _as_conditions(await get_segment(session, segment_id))


async def list_segments(session: AsyncSession, principal: Principal) -> list[tuple[Segment, int]]:
    """Every segment with how many contacts (that the caller may see) are in it now."""
    segments = list(await session.scalars(select(Segment).order_by(*by_name(Segment.name))))
    return [
        (segment, await count_members(session, _as_conditions(segment), principal))
        for segment in segments
    ]


async def delete_segment(session: AsyncSession, principal: Principal, segment_id: uuid.UUID):
    principal.require("crm.write")
    await session.delete(await get_segment(session, segment_id))


async def first_members(
    session: AsyncSession, conditions: list[Condition], principal: Principal, limit: int
) -> list[Contact]:
    query = members_query(conditions, principal).order_by(*by_name(Contact.display_name))
    query = query.limit(limit)
    return list(await session.scalars(query))
