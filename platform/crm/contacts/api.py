"""/api/v1/contacts: the customer cards, their timeline and merging."""

import uuid

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts import cards as contact_cards
from atrium.platform.crm.contacts import service as contacts
from atrium.platform.crm.contacts.merge import merge_contacts
from atrium.platform.crm.contacts.schemas import (
    CompanyLinkOut,
    ContactIn,
    ContactList,
    ContactOut,
    EmailOut,
    MergeIn,
    PhoneOut,
    TimelineEntryOut,
    TimelineList,
)
from atrium.platform.crm.contacts.timeline import contact_timeline
from atrium.platform.crm.teams.sharing import members_for
from atrium.platform.http.auth import (
    database,
    requires,
)
from atrium.platform.http.kit import DEPENDENCIES, given_fields


def _input(data: ContactIn) -> contacts.ContactInput:
    values = given_fields(data)
    given = set(values)
    if "phones" in values:
        values["phones"] = [(phone.number, phone.kind) for phone in values["phones"]]
    if "emails" in values:
        values["emails"] = [(email.address, email.kind) for email in values["emails"]]
    if "companies" in values:
        values["companies"] = [(link.company_id, link.role) for link in values["companies"]]
    return contacts.ContactInput(**values, given=given)


def _out(card: contact_cards.ContactCard) -> ContactOut:
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
        page = await contact_cards.list_contacts(
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
        members = await members_for(database(request), principal, data.owner_id)
        card = await contacts.create_contact(
            session, principal, _input(data), force=force, members=members
        )
        return _out(card)

    @get("/{contact_id:uuid}", guards=[requires("crm.read")])
    async def show_contact(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        contact_id: FromPath[uuid.UUID],
    ) -> ContactOut:
        return _out(await contact_cards.read_contact_card(database(request), principal, contact_id))

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
        members = await members_for(database(request), principal, data.owner_id)
        card = await contacts.update_contact(
            session, principal, contact_id, _input(data), force=force, members=members
        )
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


routes = [ContactController]
