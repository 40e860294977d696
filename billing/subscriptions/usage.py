"""What a workspace uses against its plan's limits (the billing page and /billing/usage)."""

import msgspec

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.repository import count_contacts_up_to
from atrium.platform.db import Database
from atrium.platform.notify.sms import segments_this_month
from atrium.platform.tenancy.entitlements import Entitlements
from atrium.platform.tenancy.models import Tenant
from atrium.platform.tenancy.service import member_count

EVERYTHING = 2**31 - 1


class LimitUse(msgspec.Struct):
    used: int
    limit: int | None  # None: no limit


class Usage(msgspec.Struct):
    plan: str
    seats: LimitUse
    contacts: LimitUse
    sms_this_month: LimitUse
    api_per_minute: int | None
    packs: list[str]


async def workspace_usage(db: Database, principal: Principal) -> Usage:
    workspace = principal.workspace
    async with db.shared_reads() as session:
        tenant = await session.get(Tenant, workspace.id)
        members = await member_count(session, workspace.id)
    entitlements = Entitlements.from_json(tenant.entitlements)
    async with db.tenant_transaction(workspace.schema) as session:
        contacts = await count_contacts_up_to(session, EVERYTHING)
        sms = await segments_this_month(session)
    if entitlements is None:
        return Usage("", LimitUse(members, None), LimitUse(contacts, None), LimitUse(sms, None),
                     None, [])  # fmt: skip
    return Usage(
        plan=entitlements.plan,
        seats=LimitUse(members, entitlements.seats),
        contacts=LimitUse(contacts, entitlements.contacts),
        sms_this_month=LimitUse(sms, entitlements.sms_per_month),
        api_per_minute=entitlements.api_per_minute,
        packs=sorted(entitlements.packs),
    )
