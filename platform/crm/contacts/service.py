"""Contacts: the rules for creating, changing, listing and deleting customer cards."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_changes, audit_event
from atrium.platform.crm.companies.repository import visible_company_ids
from atrium.platform.crm.contacts.cards import ContactCard, contact_card, display_name_of
from atrium.platform.crm.contacts.consent import MARKETING_CHANNELS
from atrium.platform.crm.contacts.models import CHANNELS, GENDERS, Contact, ContactTag
from atrium.platform.crm.contacts.repository import (
    contacts_with,
    count_contacts_up_to,
    replace_companies,
    replace_emails,
    replace_phones,
)
from atrium.platform.crm.custom_fields.repository import custom_field_definitions
from atrium.platform.crm.records.normalize import custom_values, e164, tag_names
from atrium.platform.crm.records.tags import replace_tags
from atrium.platform.crm.records.visibility import (
    visible_ids,
)
from atrium.platform.crm.teams.sharing import checked_sharing
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid
from atrium.platform.events.service import record_event
from atrium.platform.tenancy.entitlements import CONTACTS, Entitlements, require_room, room_left
from atrium.platform.tenancy.service import workspace_settings

# Plain fields a request may set, and their limits.
TEXT_LIMITS = {
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "address": 2000,
    "notes": 20000,
    "source": 40,
    "consent_channel": 20,
}


@dataclass
class ContactInput:
    """What a request gave; None means "not given" (PATCH leaves it alone)."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    phones: list[tuple[str, str]] | None = None  # (number as typed, kind)
    emails: list[tuple[str, str]] | None = None
    birthday: date | None = None
    gender: str | None = None
    address: str | None = None
    source: str | None = None
    owner_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    marketing_consent: bool | None = None
    marketing_opt_outs: list[str] | None = None  # channels unsubscribed from (consent.py)
    consent_channel: str | None = None
    notes: str | None = None
    tags: list[str] | None = None
    companies: list[tuple[uuid.UUID, str]] | None = None
    custom: dict[str, Any] | None = None
    given: set[str] = field(default_factory=set)  # fields present in the request (PATCH)


async def _checked(
    session: AsyncSession,
    data: ContactInput,
    *,
    partial: bool,
    principal: Principal,
    members: Collection[uuid.UUID],
) -> dict:
    """Normalised values for every given field; Invalid names the first bad one."""
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        value = getattr(data, name)
        if value is not None:
            value = value.strip()
            if len(value) > limit:
                raise Invalid(
                    "%(name)s must be at most %(max)d characters.", field=name, name=name, max=limit
                )
            values[name] = value
    if data.gender is not None:
        if data.gender not in GENDERS:
            raise Invalid(
                "Gender must be one of: %(choices)s.", field="gender", choices=", ".join(GENDERS)
            )
        values["gender"] = data.gender
    if data.consent_channel and data.consent_channel not in CHANNELS:
        raise Invalid(
            "consent_channel must be one of: %(choices)s.",
            field="consent_channel",
            choices=", ".join(CHANNELS),
        )
    if data.birthday is not None:
        if not date(1900, 1, 1) <= data.birthday <= date.today():
            raise Invalid("The birthday must be between 1900 and today.", field="birthday")
        values["birthday"] = data.birthday
    if "birthday" in data.given and data.birthday is None:
        values["birthday"] = None
    sharing = {"owner_id": data.owner_id} | (
        {"team_id": data.team_id} if "team_id" in data.given else {}
    )
    values |= await checked_sharing(session, principal, sharing, members)
    if data.marketing_consent is not None:
        values["marketing_consent"] = data.marketing_consent
    if data.marketing_opt_outs is not None:
        if unknown := set(data.marketing_opt_outs) - set(MARKETING_CHANNELS):
            raise Invalid(
                "Unknown channel %(channel)s; choose from %(choices)s.",
                field="marketing_opt_outs",
                channel=sorted(unknown)[0],
                choices=", ".join(MARKETING_CHANNELS),
            )
        values["marketing_opt_outs"] = sorted(set(data.marketing_opt_outs))
    if data.phones is not None:
        region = (await workspace_settings(session)).country
        numbers, seen = [], set()
        for index, (number, kind) in enumerate(data.phones):
            normalised = e164(number, region, field=f"phones[{index}]")
            if normalised not in seen:
                seen.add(normalised)
                numbers.append((normalised, kind[:20] or "mobile"))
        values["phones"] = numbers
    if data.emails is not None:
        addresses, seen = [], set()
        for index, (address, kind) in enumerate(data.emails):
            try:
                normalised = checked_email(address)
            except Invalid as error:
                raise Invalid(error.message, field=f"emails[{index}]", **error.params) from None
            if normalised not in seen:
                seen.add(normalised)
                addresses.append((normalised, kind[:20] or "work"))
        values["emails"] = addresses
    if data.tags is not None:
        values["tags"] = tag_names(data.tags)
    if data.companies is not None:
        wanted = [company_id for company_id, _ in data.companies]
        missing = set(wanted) - await visible_company_ids(session, wanted, principal)
        if missing:
            raise Invalid("There is no company %(id)s.", field="companies", id=str(missing.pop()))
        values["companies"] = [
            (company_id, role.strip()[:100]) for company_id, role in data.companies
        ]
    if data.custom is not None or not partial:
        definitions = await custom_field_definitions(session, "contact")
        values["custom"] = custom_values(definitions, data.custom or {}, partial=partial)
    return values


async def _refuse_duplicates(
    session: AsyncSession,
    principal: Principal,
    values: dict,
    *,
    exclude: uuid.UUID | None = None,
) -> None:
    """409 when a contact holds one of these phones or e-mails; it is named only to those who
    may see it (to others the refusal says no more than that such a contact exists)."""
    phones = [number for number, _ in values.get("phones", [])]
    emails = [address for address, _ in values.get("emails", [])]
    existing = await contacts_with(session, phones=phones, emails=emails, exclude=exclude)
    if not existing:
        return
    field = "phones" if phones else "emails"
    visible = await visible_ids(session, Contact, principal, [c.id for c in existing])
    shown = next((contact for contact in existing if contact.id in visible), None)
    if shown is None:
        raise Conflict(
            "A contact not shared with you already has this phone or e-mail; "
            "send force=true to add anyway.",
            field=field,
        )
    raise Conflict(
        "%(name)s (%(id)s) already has this phone or e-mail; send force=true to add anyway.",
        field=field,
        name=shown.display_name,
        id=str(shown.id),
    )


async def contact_room(session: AsyncSession, entitlements: Entitlements | None) -> int | None:
    """How many more contacts the plan lets the workspace add (None: no limit)."""
    if entitlements is None or entitlements.contacts is None:
        return None
    used = await count_contacts_up_to(session, entitlements.contacts)
    return room_left(entitlements, CONTACTS, used=used)


async def require_contact_room(
    session: AsyncSession, entitlements: Entitlements | None, adding: int = 1
) -> None:
    """402 when ``adding`` more contacts would pass the plan's limit (data already there stays)."""
    if entitlements is None or entitlements.contacts is None:
        return
    used = await count_contacts_up_to(session, entitlements.contacts)
    require_room(entitlements, CONTACTS, used=used, adding=adding)


async def create_contact(
    session: AsyncSession,
    principal: Principal,
    data: ContactInput,
    *,
    force: bool = False,
    members: Collection[uuid.UUID] = (),
) -> ContactCard:
    """``members``: the workspace's, when ``data`` gives the card to someone (teams.sharing)."""
    values = await _checked(session, data, partial=False, principal=principal, members=members)
    if not any(values.get(name) for name in ("first_name", "last_name", "phones", "emails")):
        raise Invalid("A contact needs a name, a phone or an e-mail.", field="first_name")
    if not force:
        await _refuse_duplicates(session, principal, values)
    await require_contact_room(session, principal.workspace.entitlements)
    links = {key: values.pop(key, None) for key in ("phones", "emails", "tags", "companies")}
    if values.get("marketing_consent"):
        values["consent_at"] = utcnow()
    owner_id = values.pop("owner_id", None) or principal.user_id
    contact = Contact(
        **values,
        display_name="",
        owner_id=owner_id,
        created_by=principal.user_id,
    )
    contact.display_name = display_name_of(
        contact,
        links["emails"][0][0] if links["emails"] else None,
        links["phones"][0][0] if links["phones"] else None,
    )
    session.add(contact)
    await session.flush()
    await _save_links(session, contact.id, links)
    audit_event(session, "contact", contact.id, "created", principal)
    await record_event(session, "contact.created", {"id": str(contact.id)})
    return await contact_card(session, principal, contact.id)


async def _save_links(session: AsyncSession, contact_id: uuid.UUID, links: dict) -> None:
    if links.get("phones") is not None:
        await replace_phones(session, contact_id, links["phones"])
    if links.get("emails") is not None:
        await replace_emails(session, contact_id, links["emails"])
    if links.get("tags") is not None:
        await replace_tags(session, ContactTag, ContactTag.contact_id, contact_id, links["tags"])
    if links.get("companies") is not None:
        await replace_companies(session, contact_id, links["companies"])


async def update_contact(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    data: ContactInput,
    *,
    force: bool = False,
    members: Collection[uuid.UUID] = (),
) -> ContactCard:
    """``members``: the workspace's, when ``data`` gives the card to someone (teams.sharing)."""
    before = await contact_card(session, principal, contact_id, lock=True)
    contact = before.contact
    values = await _checked(session, data, partial=True, principal=principal, members=members)
    if not force:
        await _refuse_duplicates(session, principal, values, exclude=contact_id)
    links = {key: values.pop(key, None) for key in ("phones", "emails", "tags", "companies")}
    if "custom" in values:
        values["custom"] = {**contact.custom, **values["custom"]}
    changes = {}
    for name, value in values.items():
        if getattr(contact, name) != value:
            changes[name] = (getattr(contact, name), value)
            setattr(contact, name, value)
    if "marketing_consent" in changes:
        contact.consent_at = utcnow() if contact.marketing_consent else None
    old_links = {
        "phones": [p.number for p in before.phones],
        "emails": [e.address for e in before.emails],
        "tags": before.tags,
        "companies": [str(c) for c, _ in before.companies],
    }
    for name, value in links.items():
        if value is None:
            continue
        new = [str(item[0]) for item in value] if name != "tags" else value
        if new != old_links[name]:
            changes[name] = (old_links[name], new)
    await _save_links(session, contact_id, links)
    first_email = (
        (links["emails"] or [(None,)])[0][0]
        if links["emails"] is not None
        else (before.emails[0].address if before.emails else None)
    )
    first_phone = (
        (links["phones"] or [(None,)])[0][0]
        if links["phones"] is not None
        else (before.phones[0].number if before.phones else None)
    )
    contact.display_name = display_name_of(contact, first_email, first_phone)
    if changes:
        contact.updated_at = utcnow()
        audit_changes(session, "contact", contact_id, changes, principal)
        await record_event(
            session, "contact.updated", {"id": str(contact_id), "fields": sorted(changes)}
        )
    await session.flush()
    return await contact_card(session, principal, contact_id)


async def delete_contact(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID
) -> None:
    principal.require("crm.delete")
    card = await contact_card(session, principal, contact_id, lock=True)
    audit_event(session, "contact", contact_id, "deleted", principal, old=card.contact.display_name)
    await session.delete(card.contact)
    await record_event(session, "contact.deleted", {"id": str(contact_id)})
