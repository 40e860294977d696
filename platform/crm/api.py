"""/api/v1/contacts, /api/v1/custom-fields and /api/v1/audit."""

import uuid
from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm import companies, contacts, custom_fields, search, teams
from atrium.platform.crm.audit import audit_trail
from atrium.platform.crm.merge import merge_contacts
from atrium.platform.crm.timeline import contact_timeline
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import (
    database,
    provide_principal,
    provide_tenant_session,
    requires,
)
from atrium.platform.instants import Checked
from atrium.platform.tenancy.service import member_ids

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType

DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "session": Provide(provide_tenant_session),
}


class PhoneIn(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    kind: str = "mobile"


class EmailIn(msgspec.Struct, forbid_unknown_fields=True):
    address: str
    kind: str = "work"


class CompanyLinkIn(msgspec.Struct, forbid_unknown_fields=True):
    company_id: uuid.UUID
    role: str = ""


class ContactIn(Checked, forbid_unknown_fields=True, omit_defaults=True):
    """Create takes any of these; PATCH changes only the fields it sends."""

    first_name: str | Unset = UNSET
    middle_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    phones: list[PhoneIn] | Unset = UNSET
    emails: list[EmailIn] | Unset = UNSET
    birthday: date | None | Unset = UNSET
    gender: str | Unset = UNSET
    address: str | Unset = UNSET
    source: str | Unset = UNSET
    owner_id: uuid.UUID | Unset = UNSET
    team_id: uuid.UUID | None | Unset = UNSET  # shared with this team (null: not shared)
    marketing_consent: bool | Unset = UNSET
    # Channels the customer unsubscribed from (email, sms, telegram); consent stands for others.
    marketing_opt_outs: list[str] | Unset = UNSET
    consent_channel: str | Unset = UNSET
    notes: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    companies: list[CompanyLinkIn] | Unset = UNSET
    custom: dict[str, Any] | Unset = UNSET


class PhoneOut(msgspec.Struct):
    number: str
    kind: str


class EmailOut(msgspec.Struct):
    address: str
    kind: str


class CompanyLinkOut(msgspec.Struct):
    company_id: uuid.UUID
    role: str


class ContactOut(msgspec.Struct):
    id: uuid.UUID
    display_name: str
    first_name: str
    middle_name: str
    last_name: str
    phones: list[PhoneOut]
    emails: list[EmailOut]
    birthday: date | None
    gender: str
    address: str
    source: str
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    marketing_consent: bool
    marketing_opt_outs: list[str]
    consent_at: datetime | None
    consent_channel: str
    notes: str
    tags: list[str]
    companies: list[CompanyLinkOut]
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ContactList(msgspec.Struct):
    items: list[ContactOut]
    next_cursor: str | None


async def checked_sharing(
    request: Request, principal: Principal, session: AsyncSession, values: dict
) -> dict:
    """A record's owner must be a member of the workspace; its team one of the caller's."""
    if values.get("owner_id") is not None:
        if values["owner_id"] not in await member_ids(database(request), principal.workspace.id):
            raise Invalid(
                "%(id)s is not a member of this workspace.",
                field="owner_id",
                id=str(values["owner_id"]),
            )
    if values.get("team_id") is not None:
        await teams.checked_team(session, principal, values["team_id"])
    return values


async def _input(
    request: Request, principal: Principal, session: AsyncSession, data: ContactIn
) -> contacts.ContactInput:
    values = await checked_sharing(request, principal, session, given_fields(data))
    given = set(values)
    if "phones" in values:
        values["phones"] = [(phone.number, phone.kind) for phone in values["phones"]]
    if "emails" in values:
        values["emails"] = [(email.address, email.kind) for email in values["emails"]]
    if "companies" in values:
        values["companies"] = [(link.company_id, link.role) for link in values["companies"]]
    return contacts.ContactInput(**values, given=given)


def _out(card: contacts.ContactCard) -> ContactOut:
    contact = card.contact
    return ContactOut(
        id=contact.id,
        display_name=contact.display_name,
        first_name=contact.first_name,
        middle_name=contact.middle_name,
        last_name=contact.last_name,
        phones=[PhoneOut(phone.number, phone.kind) for phone in card.phones],
        emails=[EmailOut(email.address, email.kind) for email in card.emails],
        birthday=contact.birthday,
        gender=contact.gender,
        address=contact.address,
        source=contact.source,
        owner_id=contact.owner_id,
        team_id=contact.team_id,
        marketing_consent=contact.marketing_consent,
        marketing_opt_outs=list(contact.marketing_opt_outs or []),
        consent_at=contact.consent_at,
        consent_channel=contact.consent_channel,
        notes=contact.notes,
        tags=card.tags,
        companies=[CompanyLinkOut(company_id, role) for company_id, role in card.companies],
        custom=contact.custom,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
    )


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    duplicate_id: uuid.UUID


class TimelineEntryOut(msgspec.Struct):
    id: uuid.UUID
    at: datetime
    kind: str
    actor_id: uuid.UUID | None
    data: dict[str, Any]


class TimelineList(msgspec.Struct):
    items: list[TimelineEntryOut]
    next_cursor: str | None


class ContactController(Controller):
    path = "/contacts"
    tags = ["Contacts"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="Contacts the caller may see")
    async def list_contacts(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        q: FromQuery[str | None] = None,
        tag: FromQuery[str | None] = None,
        owner_id: FromQuery[uuid.UUID | None] = None,
        source: FromQuery[str | None] = None,
        sort: FromQuery[str] = "-created_at",
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> ContactList:
        page = await contacts.list_contacts(
            database(request),
            principal,
            q=q,
            tag=tag,
            owner_id=owner_id,
            source=source,
            sort=sort,
            cursor=cursor,
            limit=limit,
        )
        return ContactList(items=[_out(card) for card in page.items], next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.write")], summary="Add a contact (409 on a duplicate)")
    async def create_contact(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[ContactIn],
        force: FromQuery[bool] = False,
    ) -> ContactOut:
        given = await _input(request, principal, session, data)
        card = await contacts.create_contact(session, principal, given, force=force)
        return _out(card)

    @get("/{contact_id:uuid}", guards=[requires("crm.read")])
    async def show_contact(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        contact_id: FromPath[uuid.UUID],
    ) -> ContactOut:
        return _out(await contacts.read_contact_card(database(request), principal, contact_id))

    @patch("/{contact_id:uuid}", guards=[requires("crm.write")])
    async def change_contact(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        contact_id: FromPath[uuid.UUID],
        data: JSONBody[ContactIn],
        force: FromQuery[bool] = False,
    ) -> ContactOut:
        given = await _input(request, principal, session, data)
        card = await contacts.update_contact(session, principal, contact_id, given, force=force)
        return _out(card)

    @get("/{contact_id:uuid}/timeline", guards=[requires("crm.read")])
    async def timeline(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        contact_id: FromPath[uuid.UUID],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> TimelineList:
        page = await contact_timeline(session, principal, contact_id, cursor=cursor, limit=limit)
        items = [
            TimelineEntryOut(id=e.id, at=e.at, kind=e.kind, actor_id=e.actor_id, data=e.data)
            for e in page.items
        ]
        return TimelineList(items=items, next_cursor=page.next_cursor)

    @post("/{contact_id:uuid}/merge", guards=[requires("crm.write")], status_code=200)
    async def merge(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        contact_id: FromPath[uuid.UUID],
        data: JSONBody[MergeIn],
    ) -> ContactOut:
        """Move everything of ``duplicate_id`` onto this contact, then delete the duplicate."""
        return _out(await merge_contacts(session, principal, contact_id, data.duplicate_id))

    @delete("/{contact_id:uuid}", guards=[requires("crm.delete")], status_code=204)
    async def delete_contact(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        contact_id: FromPath[uuid.UUID],
    ) -> None:
        await contacts.delete_contact(session, principal, contact_id)


class CompanyIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create takes any of these (a name at least); PATCH changes only what it sends."""

    name: str | Unset = UNSET
    legal_name: str | Unset = UNSET
    tax_id: str | Unset = UNSET
    phone: str | Unset = UNSET
    email: str | Unset = UNSET
    website: str | Unset = UNSET
    address: str | Unset = UNSET
    owner_id: uuid.UUID | Unset = UNSET
    team_id: uuid.UUID | None | Unset = UNSET
    notes: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    custom: dict[str, Any] | Unset = UNSET


class CompanyOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    legal_name: str
    tax_id: str
    phone: str
    email: str
    website: str
    address: str
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    notes: str
    tags: list[str]
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class CompanyList(msgspec.Struct):
    items: list[CompanyOut]
    next_cursor: str | None


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not UNSET
    }


def _company_out(card: companies.CompanyCard) -> CompanyOut:
    company = card.company
    return CompanyOut(
        id=company.id,
        name=company.name,
        legal_name=company.legal_name,
        tax_id=company.tax_id,
        phone=company.phone,
        email=company.email,
        website=company.website,
        address=company.address,
        owner_id=company.owner_id,
        team_id=company.team_id,
        notes=company.notes,
        tags=card.tags,
        custom=company.custom,
        created_at=company.created_at,
        updated_at=company.updated_at,
    )


class CompanyController(Controller):
    path = "/companies"
    tags = ["Companies"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="Companies the caller may see")
    async def list_companies(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        tag: FromQuery[str | None] = None,
        sort: FromQuery[str] = "name",
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> CompanyList:
        page = await companies.list_companies(
            session, principal, q=q, tag=tag, sort=sort, cursor=cursor, limit=limit
        )
        return CompanyList(
            items=[_company_out(card) for card in page.items], next_cursor=page.next_cursor
        )

    @post("/", guards=[requires("crm.write")], summary="Add a company")
    async def create_company(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[CompanyIn],
    ) -> CompanyOut:
        values = await checked_sharing(request, principal, session, given_fields(data))
        return _company_out(await companies.create_company(session, principal, values))

    @get("/{company_id:uuid}", guards=[requires("crm.read")])
    async def show_company(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
    ) -> CompanyOut:
        return _company_out(await companies.company_card(session, principal, company_id))

    @patch("/{company_id:uuid}", guards=[requires("crm.write")])
    async def change_company(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
        data: JSONBody[CompanyIn],
    ) -> CompanyOut:
        values = await checked_sharing(request, principal, session, given_fields(data))
        card = await companies.update_company(session, principal, company_id, values)
        return _company_out(card)

    @delete("/{company_id:uuid}", guards=[requires("crm.delete")], status_code=204)
    async def delete_company(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
    ) -> None:
        await companies.delete_company(session, principal, company_id)


class CustomFieldIn(msgspec.Struct, forbid_unknown_fields=True):
    object_type: str
    key: str
    label: str
    field_type: str
    choices: list[str] = []
    required: bool = False


class CustomFieldOut(msgspec.Struct):
    id: uuid.UUID
    object_type: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool


class CustomFieldList(msgspec.Struct):
    items: list[CustomFieldOut]
    next_cursor: str | None = None


def _field_out(definition) -> CustomFieldOut:
    return CustomFieldOut(
        id=definition.id,
        object_type=definition.object_type,
        key=definition.key,
        label=definition.label,
        field_type=definition.field_type,
        choices=definition.choices,
        required=definition.required,
    )


class CustomFieldController(Controller):
    path = "/custom-fields"
    tags = ["Custom fields"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_fields(
        self,
        session: NamedDependency[AsyncSession],
        object_type: FromQuery[str | None] = None,
    ) -> CustomFieldList:
        fields = await custom_fields.list_fields(session, object_type)
        return CustomFieldList(items=[_field_out(field) for field in fields])

    @post("/", guards=[requires("crm.settings")])
    async def create_field(
        self, session: NamedDependency[AsyncSession], data: JSONBody[CustomFieldIn]
    ) -> CustomFieldOut:
        definition = await custom_fields.create_field(session, **msgspec.structs.asdict(data))
        return _field_out(definition)

    @delete("/{field_id:uuid}", guards=[requires("crm.settings")], status_code=204)
    async def delete_field(
        self, session: NamedDependency[AsyncSession], field_id: FromPath[uuid.UUID]
    ) -> None:
        await custom_fields.delete_field(session, field_id)


class AuditEntryOut(msgspec.Struct):
    id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    action: str
    field: str
    old_value: Any
    new_value: Any
    actor_id: uuid.UUID | None
    at: datetime


class AuditList(msgspec.Struct):
    items: list[AuditEntryOut]
    next_cursor: str | None


@get("/audit", guards=[requires("audit.read")], dependencies=DEPENDENCIES, tags=["Audit"])
async def audit(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    record_type: FromQuery[str | None] = None,
    record_id: FromQuery[uuid.UUID | None] = None,
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> AuditList:
    page = await audit_trail(
        session,
        principal,
        record_type=record_type,
        record_id=record_id,
        cursor=cursor,
        limit=limit,
    )
    items = [
        AuditEntryOut(
            id=entry.id,
            record_type=entry.record_type,
            record_id=entry.record_id,
            action=entry.action,
            field=entry.field,
            old_value=entry.old_value,
            new_value=entry.new_value,
            actor_id=entry.actor_id,
            at=entry.at,
        )
        for entry in page.items
    ]
    return AuditList(items=items, next_cursor=page.next_cursor)


class SearchHitOut(msgspec.Struct):
    type: str  # contact, company or deal
    id: uuid.UUID
    title: str
    score: float  # 0..1, name likeness; 1 for a phone or e-mail match


class SearchOut(msgspec.Struct):
    query: str
    items: list[SearchHitOut]


@get(
    "/search",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=["Search"],
    summary="Contacts, companies and deals by name (typos, Latin for Cyrillic), phone, e-mail",
    description="A ranked top list, best first (no cursor): refine the query to narrow it.",
)
async def search_records(
    request: Request,
    principal: NamedDependency[Principal],
    q: FromQuery[str],
    types: FromQuery[str] = ",".join(search.KINDS),
    limit: FromQuery[int] = 10,
) -> SearchOut:
    if not 1 <= limit <= search.MAX_HITS:
        raise Invalid("limit must be 1 to %(max)s.", field="limit", max=search.MAX_HITS)
    kinds = tuple(kind.strip() for kind in types.split(",") if kind.strip())
    hits = await search.search(database(request), principal, q, kinds=kinds, limit=limit)
    return SearchOut(
        query=q,
        items=[SearchHitOut(hit.kind, hit.id, hit.title, round(hit.score, 3)) for hit in hits],
    )


routes = [ContactController, CompanyController, CustomFieldController, audit, search_records]
