"""/api/v1/sms (send, log, segment preview) and /api/v1/settings/sms (the workspace's gateway)."""

import hmac
import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.records.normalize import e164
from atrium.platform.errors import Forbidden, Invalid, NotFound
from atrium.platform.http.auth import database, requires
from atrium.platform.http.pagination import paginate
from atrium.platform.notify import messaging, sms
from atrium.platform.notify.api import DEPENDENCIES
from atrium.platform.notify.models import SmsLog, SmsSettings
from atrium.platform.sealing import unseal
from atrium.platform.tenancy.service import ready_workspace, workspace_settings

Text = Annotated[str, msgspec.Meta(max_length=2000)]


class SmsIn(msgspec.Struct, forbid_unknown_fields=True):
    to: Annotated[str, msgspec.Meta(max_length=40)]
    text: Text


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Text


class SegmentsOut(msgspec.Struct):
    encoding: str
    characters: int
    segments: int


class SmsOut(msgspec.Struct):
    id: uuid.UUID
    to: str
    text: str
    encoding: str
    segments: int
    status: str
    error: str
    created_at: datetime
    sent_at: datetime | None


class SmsList(msgspec.Struct):
    items: list[SmsOut]
    next_cursor: str | None


class SmsSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    gateway_url: Annotated[str, msgspec.Meta(max_length=500)]
    sender: Annotated[str, msgspec.Meta(max_length=20)] = ""
    monthly_quota: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)] = 1000
    token: Annotated[str, msgspec.Meta(max_length=1000)] | None = None  # None: keep the old one


class SmsSettingsOut(msgspec.Struct):
    gateway_url: str
    sender: str
    monthly_quota: int
    has_token: bool
    used_this_month: int


def _out(row: SmsLog) -> SmsOut:
    return SmsOut(
        row.id, row.to_number, row.text, row.encoding, row.segments, row.status, row.error,
        row.created_at, row.sent_at,
    )  # fmt: skip


@post(
    "/sms",
    guards=[requires("crm.write")],
    dependencies=DEPENDENCIES,
    tags=["SMS"],
    status_code=202,
    summary="Queue an SMS; 402 when this month's quota would be exceeded",
)
async def send(session: NamedDependency[AsyncSession], data: JSONBody[SmsIn]) -> SmsOut:
    number = e164(data.to, (await workspace_settings(session)).country, field="to")
    return _out(await sms.queue_sms(session, to=number, text=data.text, kind="manual"))


@post("/sms/preview", guards=[requires("crm.read")], dependencies=DEPENDENCIES, tags=["SMS"],
      status_code=200, summary="How many segments a text costs")  # fmt: skip
async def preview(data: JSONBody[PreviewIn]) -> SegmentsOut:
    counted = sms.count_segments(data.text)
    return SegmentsOut(counted.encoding, counted.units, counted.count)


@get("/sms", guards=[requires("crm.read")], dependencies=DEPENDENCIES, tags=["SMS"])
async def sms_log(
    session: NamedDependency[AsyncSession],
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 25,
) -> SmsList:
    page = await paginate(
        session,
        sms.sms_log_query(),
        sort=[SmsLog.created_at, SmsLog.id],
        key=lambda row: [row.created_at.isoformat(), row.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return SmsList([_out(row) for row in page.items], page.next_cursor)


async def _settings_out(session: AsyncSession, row: SmsSettings | None) -> SmsSettingsOut:
    used = await sms.segments_this_month(session)
    if row is None:
        return SmsSettingsOut("", "", 1000, False, used)
    return SmsSettingsOut(
        row.gateway_url, row.sender, row.monthly_quota, bool(row.token_sealed), used
    )


@get("/settings/sms", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["SMS"])  # fmt: skip
async def show_settings(session: NamedDependency[AsyncSession]) -> SmsSettingsOut:
    return await _settings_out(session, await session.get(SmsSettings, 1))


@put("/settings/sms", guards=[requires("workspace.update")], dependencies=DEPENDENCIES,
     tags=["SMS"])  # fmt: skip
async def change_settings(
    request: Request,
    session: NamedDependency[AsyncSession],
    data: JSONBody[SmsSettingsIn],
) -> SmsSettingsOut:
    row = await messaging.save_sms_gateway(
        session,
        gateway_url=data.gateway_url,
        sender=data.sender,
        monthly_quota=data.monthly_quota,
        token=data.token,
        secret_key=request.app.state.runtime.secret_key,
        allow_loopback=request.app.state.settings.outbound_loopback,
    )
    return await _settings_out(session, row)


class DeliveryReportIn(msgspec.Struct):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    status: str
    error: Annotated[str, msgspec.Meta(max_length=500)] = ""


# What a gateway may report, and from which states: a late "sent" never undoes "delivered".
REPORTED = {"delivered": ("sending", "sent"), "failed": ("sending", "sent"), "sent": ("sending",)}


@post("/webhooks/sms/{slug:str}", status_code=200, include_in_schema=False)
async def delivery_report(
    request: Request, slug: FromPath[str], data: JSONBody[DeliveryReportIn]
) -> dict:
    """The gateway's delivery reports, authenticated with the workspace's gateway token."""
    if data.status not in REPORTED:
        raise Invalid("status is delivered, failed or sent.", field="status")
    db = database(request)
    if (schema := await ready_workspace(db, slug)) is None:
        raise NotFound("No such gateway.")
    sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    async with db.tenant_transaction(schema) as session:
        gateway = await session.get(SmsSettings, 1)
        token = (
            unseal(gateway.token_sealed, request.app.state.runtime.secret_key) if gateway else None
        )
        # An empty token proves nothing: the slug is public.
        if not token or not hmac.compare_digest(sent.encode(), token.encode()):
            raise Forbidden("Not this workspace's gateway.")
        updated = await sms.record_delivery_report(
            session, data.id, data.status, REPORTED[data.status], data.error
        )
    return {"updated": updated}


routes = [send, preview, sms_log, show_settings, change_settings]
webhook_routes = [delivery_report]
