"""Segment and campaign pages: build an audience from conditions and see how many are in it,
write a campaign, see whom it reaches and (SMS) what it costs, try it on yourself, send it now
or later, and read its results."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.members import list_members
from atrium.platform.crm.custom_fields.service import list_fields
from atrium.platform.crm.segments import service as segments
from atrium.platform.crm.segments.models import Campaign, Segment
from atrium.platform.errors import DomainError, Forbidden, Invalid
from atrium.platform.forms import column_limit
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.platform.notify import campaigns
from atrium.platform.notify.unsubscribe import sample_sms_opt_out_url
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

CONDITION_ROWS = 6
CAMPAIGN_LIMITS = {
    "name": column_limit(Campaign.name),
    "subject": campaigns.SUBJECT_LIMIT,
    "body": campaigns.BODY_LIMIT,
    "to": EMAIL_LIMIT,  # a test goes to an e-mail address or a phone
}


def _opt_out_url(page: WorkspacePage) -> str:
    """A sample SMS opt-out link: the estimate counts its characters in every message."""
    workspace = page.principal.workspace
    base_url = page.request.app.state.settings.base_url
    return sample_sms_opt_out_url(base_url, workspace.slug, workspace.schema)


def _field_labels(page: WorkspacePage, custom_fields) -> list[tuple[str, str]]:
    _ = page._
    return [
        ("tag", _("Tag")), ("source", _("Where they came from")), ("first_name", _("First name")),
        ("last_name", _("Last name")), ("gender", _("Gender")), ("spend", _("Spent in all")),
        ("last_visit", _("Last visit, days ago")), ("birthday_month", _("Birthday month")),
        ("consent", _("Agrees to marketing by")), ("created", _("Added, days ago")),
        ("owner", _("Owner")), ("company", _("Company")), ("phone", _("Phone")),
        ("email", _("E-mail")),
        *((f"custom.{f.key}", f.label) for f in custom_fields),
    ]  # fmt: skip


def _op_labels(page: WorkspacePage) -> list[tuple[str, str]]:
    _ = page._
    return [
        ("is", _("is")), ("is_not", _("is not")), ("contains", _("contains")), ("has", _("has")),
        ("has_not", _("has not")), ("at_least", _("at least")), ("less_than", _("less than")),
        ("within_days", _("within (days)")), ("not_within_days", _("not within (days)")),
        ("allows", _("channel")), ("after", _("after")), ("before", _("before")),
        ("empty", _("is empty")), ("not_empty", _("is filled in")),
    ]  # fmt: skip


def _conditions_of(form) -> list[dict]:
    fields, ops, values = (form.getall(name, []) for name in ("field", "op", "value"))
    return [
        {"field": field, "op": op, "value": value}
        for field, op, value in zip(fields, ops, values, strict=False)
        if field
    ]


async def _members(page: WorkspacePage) -> list:
    async with database(page.request).shared_reads() as shared:
        return (await list_members(shared, page.principal, limit=200)).items


async def _owners_by_id(page: WorkspacePage, conditions: list[dict]) -> list[dict]:
    """Owner conditions as the service takes them: a member typed by e-mail or name becomes
    their id; Invalid names the row when nobody matches."""
    members = await _members(page)
    found = {}
    for member in members:
        for key in (member.email, member.name):
            if key:
                found.setdefault(key.strip().casefold(), str(member.user_id))
    changed = []
    for index, condition in enumerate(conditions):
        value = str(condition.get("value") or "").strip()
        if condition["field"] == "owner" and value and not _is_uuid(value):
            if value.casefold() not in found:
                raise Invalid(
                    "No member has the e-mail or name %(value)s.",
                    field=f"conditions[{index}]",
                    value=value[:100],
                )
            condition = {**condition, "value": found[value.casefold()]}
        changed.append(condition)
    return changed


async def _owners_by_email(page: WorkspacePage, conditions: list[dict]) -> list[dict]:
    """Saved owner conditions shown with the member's e-mail rather than their id."""
    if not any(condition["field"] == "owner" for condition in conditions):
        return conditions
    emails = {str(member.user_id): member.email for member in await _members(page)}
    return [
        {**c, "value": emails.get(str(c.get("value")), c.get("value"))}
        if c["field"] == "owner"
        else c
        for c in conditions
    ]


def _is_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


async def _segment_form(page: WorkspacePage, status_code=200, **context) -> Template:
    async with transaction(page) as session:
        custom = await list_fields(session, "contact")
    rows = list(context.pop("conditions", []))
    rows += [{"field": "", "op": "", "value": ""}] * (CONDITION_ROWS - len(rows))
    return page.render(
        "marketing/segment_form.html",
        status_code,
        section="segments",
        limits={"name": column_limit(Segment.name), "value": segments.VALUE_LIMIT},
        fields=_field_labels(page, custom),
        ops=_op_labels(page),
        rows=rows,
        **context,
    )


@get("/w/{slug:str}/segments")
async def segments_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    async with transaction(page) as session:
        found = await segments.list_segments(session, page.principal)
    return page.render(
        "marketing/segments.html",
        section="segments",
        segments=found,
    )


@get("/w/{slug:str}/segments/new")
async def segment_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _segment_form(page, segment=None, values={}, errors={})


@get("/w/{slug:str}/segments/{segment_id:str}")
async def segment_page(
    request: Request, page: NamedDependency[WorkspacePage], segment_id: FromPath[str]
) -> Template:
    ident = record_id(segment_id)
    async with transaction(page) as session:
        try:
            segment = await segments.get_segment(session, ident)
        except DomainError:
            raise NotFoundException() from None
        conditions = await segments.segment_conditions(session, ident)
        people = await segments.first_members(session, conditions, page.principal, 50)
        count = await segments.count_members(session, conditions, page.principal)
    return await _segment_form(
        page,
        segment=segment,
        values={"name": segment.name},
        conditions=await _owners_by_email(page, segment.conditions),
        errors={},
        people=people,
        count=count,
    )


@post("/w/{slug:str}/segments")
async def segment_save(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    """Save (new, or the one named in the form); with ``preview``, only count."""
    form = await request.form()
    conditions = _conditions_of(form)
    segment_id = record_id(form["segment_id"]) if form.get("segment_id") else None
    try:
        typed = await _owners_by_id(page, conditions)
        async with transaction(page) as session:
            if form.get("preview"):
                checked = await segments.checked_conditions(session, typed)
                count = await segments.count_members(session, checked, page.principal)
                people = await segments.first_members(session, checked, page.principal, 50)
                return await _segment_form(
                    page, segment={"id": segment_id} if segment_id else None,
                    values={"name": form.get("name", "")}, conditions=conditions, errors={},
                    count=count, people=people,
                )  # fmt: skip
            segment = await segments.save_segment(
                session,
                page.principal,
                name=form.get("name", ""),
                conditions=typed,
                segment_id=segment_id,
            )
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return await _segment_form(
            page, error.status, segment={"id": segment_id} if segment_id else None,
            values={"name": form.get("name", "")}, conditions=conditions,
            errors={error.field or "_form": page.error_text(error)},
        )  # fmt: skip
    return page.redirect(f"{page.base}/segments/{segment.id}", notice=page._("Saved."))


@get("/w/{slug:str}/campaigns")
async def campaigns_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    async with transaction(page) as session:
        found = [(c, await campaigns.results(session, c)) for c in await campaigns.list_campaigns(
            session)]  # fmt: skip
    return page.render("marketing/campaigns.html", section="segments", campaigns=found)


async def _campaign_form(page: WorkspacePage, status_code=200, **context) -> Template:
    async with transaction(page) as session:
        found = await segments.list_segments(session, page.principal)
    return page.render(
        "marketing/campaign_form.html",
        status_code,
        section="segments",
        segments=found,
        limits=CAMPAIGN_LIMITS,
        **context,
    )


@get("/w/{slug:str}/campaigns/new")
async def campaign_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    values = {"channel": "email", "segment_id": request.query_params.get("segment", "")}
    return await _campaign_form(page, campaign=None, values=values, errors={})


@post("/w/{slug:str}/campaigns")
async def campaign_save(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    values = {
        key: form.get(key, "") for key in ("name", "channel", "segment_id", "subject", "body")
    }
    campaign_id = record_id(form["campaign_id"]) if form.get("campaign_id") else None
    try:
        async with transaction(page) as session:
            data = {**values, "segment_id": _optional_uuid(values["segment_id"])}
            campaign = await campaigns.save_campaign(session, page.principal, data, campaign_id)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        errors = {error.field or "_form": page.error_text(error)}
        existing = {"id": campaign_id} if campaign_id else None
        return await _campaign_form(
            page, error.status, campaign=existing, values=values, errors=errors
        )
    return Redirect(f"{page.base}/campaigns/{campaign.id}")


def _optional_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        raise Invalid("Choose from the list.", field="segment_id") from None


@get("/w/{slug:str}/campaigns/{campaign_id:str}")
async def campaign_page(
    request: Request, page: NamedDependency[WorkspacePage], campaign_id: FromPath[str]
) -> Template:
    ident = record_id(campaign_id)
    async with transaction(page) as session:
        try:
            campaign = await campaigns.get_campaign(session, ident)
        except DomainError:
            raise NotFoundException() from None
        estimate = await campaigns.estimate(session, campaign, _opt_out_url(page))
        results = await campaigns.results(session, campaign)
        found = await segments.list_segments(session, page.principal)
    return page.render(
        "marketing/campaign.html",
        section="segments",
        limits=CAMPAIGN_LIMITS,
        campaign=campaign,
        estimate=estimate,
        results=results,
        segment_names={segment.id: segment.name for segment, _ in found},
        values={
            "name": campaign.name,
            "channel": campaign.channel,
            "segment_id": str(campaign.segment_id or ""),
            "subject": campaign.subject,
            "body": campaign.body,
        },  # fmt: skip
        segments=found,
        errors={"body": page.error_text(estimate.problem)} if estimate.problem else {},
    )


@post("/w/{slug:str}/campaigns/{campaign_id:str}/{action:str}")
async def campaign_action(
    request: Request,
    page: NamedDependency[WorkspacePage],
    campaign_id: FromPath[str],
    action: FromPath[str],
) -> Redirect:
    """test (to oneself), schedule (now or at a local time), cancel."""
    ident = record_id(campaign_id)
    form = await request.form()
    back = f"{page.base}/campaigns/{ident}"
    try:
        async with transaction(page) as session:
            campaign = await campaigns.get_campaign(session, ident)
            if action == "test":
                await campaigns.test_send(
                    session, page.principal, campaign, form.get("to", ""), _opt_out_url(page)
                )
                notice = page._("The test is on its way to %(to)s.", to=form.get("to", ""))
            elif action == "schedule":
                at = _local_time(form.get("at", ""), page.timezone)
                await campaigns.schedule(session, page.principal, ident, at)
                notice = page._("The campaign is scheduled.")
            elif action == "cancel":
                await campaigns.cancel(session, page.principal, ident)
                notice = page._("The campaign is back to a draft.")
            else:
                raise NotFoundException()
    except Forbidden as error:
        return page.redirect(back, error=page.error_text(error))
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return page.redirect(back, error=page.error_text(error))
    return page.redirect(back, notice=notice)


def _local_time(raw: str, zone: str) -> datetime | None:
    if not raw.strip():
        return None
    try:
        typed = datetime.fromisoformat(raw.strip()).replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        raise Invalid("Enter a date and time.", field="at") from None
    return check(typed, "at")


routes = [
    segments_page, segment_new, segment_page, segment_save, campaigns_page, campaign_new,
    campaign_save, campaign_page, campaign_action,
]  # fmt: skip
