"""/api/v1/campaigns: drafts, their audience and cost, a test to oneself, scheduling, results."""

import uuid
from datetime import datetime
from decimal import Decimal

import msgspec
from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.segments.models import Campaign
from atrium.platform.http.auth import requires
from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.instants import Checked
from atrium.platform.notify import campaigns
from atrium.platform.notify.unsubscribe import sample_sms_opt_out_url

TAGS = ["Campaigns"]


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    channel: str
    segment_id: uuid.UUID | None = None
    subject: str = ""
    body: str = ""


class ScheduleIn(Checked, forbid_unknown_fields=True):
    at: datetime | None = None  # now when left out


class TestIn(msgspec.Struct, forbid_unknown_fields=True):
    to: str  # an e-mail address or a phone number, by the campaign's channel


class CampaignOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    channel: str
    segment_id: uuid.UUID | None
    subject: str
    body: str
    status: str
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class EstimateOut(msgspec.Struct):
    recipients: int
    segments_each: int
    segments_total: int
    cost: Decimal


class ResultsOut(msgspec.Struct):
    recipients: int
    sent: int
    delivered: int
    failed: int
    opened: int
    clicked: int
    unsubscribed: int
    deals: int
    revenue: Decimal


class CampaignList(msgspec.Struct):
    items: list[CampaignOut]


def _out(campaign: Campaign) -> CampaignOut:
    return CampaignOut(
        campaign.id, campaign.name, campaign.channel, campaign.segment_id, campaign.subject,
        campaign.body, campaign.status, campaign.scheduled_at, campaign.started_at,
        campaign.finished_at,
    )  # fmt: skip


READ = {"guards": [requires("crm.read")], "dependencies": DEPENDENCIES, "tags": TAGS}
SEND = {"guards": [requires("campaigns.send")], "dependencies": DEPENDENCIES, "tags": TAGS}


@get("/campaigns", **READ)
async def list_campaigns(session: NamedDependency[AsyncSession]) -> CampaignList:
    return CampaignList([_out(c) for c in await campaigns.list_campaigns(session)])


@post("/campaigns", **SEND)
async def create_campaign(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[CampaignIn],
) -> CampaignOut:
    values = msgspec.structs.asdict(data)
    return _out(await campaigns.save_campaign(session, principal, values))


@get("/campaigns/{campaign_id:uuid}", **READ)
async def show_campaign(
    session: NamedDependency[AsyncSession], campaign_id: FromPath[uuid.UUID]
) -> CampaignOut:
    return _out(await campaigns.get_campaign(session, campaign_id))


@patch("/campaigns/{campaign_id:uuid}", **SEND)
async def change_campaign(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    campaign_id: FromPath[uuid.UUID],
    data: JSONBody[CampaignIn],
) -> CampaignOut:
    values = msgspec.structs.asdict(data)
    return _out(await campaigns.save_campaign(session, principal, values, campaign_id))


def _opt_out_url(request: Request, principal: Principal) -> str:
    workspace = principal.workspace
    base_url = request.app.state.settings.base_url
    return sample_sms_opt_out_url(base_url, workspace.slug, workspace.schema)


@get("/campaigns/{campaign_id:uuid}/estimate", **READ, summary="Who it would reach, and cost")
async def estimate(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    campaign_id: FromPath[uuid.UUID],
) -> EstimateOut:
    campaign = await campaigns.get_campaign(session, campaign_id)
    found = await campaigns.estimate(session, campaign, _opt_out_url(request, principal))
    if found.problem is not None:
        raise found.problem
    return EstimateOut(found.recipients, found.segments_each, found.segments_total, found.cost)


@post("/campaigns/{campaign_id:uuid}/test", **SEND, status_code=202)
async def test_send(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    campaign_id: FromPath[uuid.UUID],
    data: JSONBody[TestIn],
) -> dict[str, str]:
    campaign = await campaigns.get_campaign(session, campaign_id)
    await campaigns.test_send(
        session, principal, campaign, data.to, _opt_out_url(request, principal)
    )
    return {"status": "queued"}


@post("/campaigns/{campaign_id:uuid}/schedule", **SEND, status_code=200)
async def schedule(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    campaign_id: FromPath[uuid.UUID],
    data: JSONBody[ScheduleIn],
) -> CampaignOut:
    return _out(await campaigns.schedule(session, principal, campaign_id, data.at))


@post("/campaigns/{campaign_id:uuid}/cancel", **SEND, status_code=200)
async def cancel(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    campaign_id: FromPath[uuid.UUID],
) -> CampaignOut:
    return _out(await campaigns.cancel(session, principal, campaign_id))


@get("/campaigns/{campaign_id:uuid}/results", **READ)
async def results(
    session: NamedDependency[AsyncSession], campaign_id: FromPath[uuid.UUID]
) -> ResultsOut:
    found = await campaigns.results(session, await campaigns.get_campaign(session, campaign_id))
    return ResultsOut(**found.__dict__)


routes = [
    list_campaigns, create_campaign, show_campaign, change_campaign, estimate, test_send,
    schedule, cancel, results,
]  # fmt: skip
