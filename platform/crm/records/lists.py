"""What the contact and company lists share: the filters above the list (search, tag, owner)
and the bulk actions under it (add a tag, give to an owner, delete after one question).

Each kind says how its records take a change (``BulkRecords``) and brings its own words, so the
catalogs find them where they are used."""

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.members import list_members
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.teams.sharing import members_for
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

BULK_ACTIONS = ("tag", "owner", "delete")


async def workspace_members(page: WorkspacePage) -> list:
    """The workspace's members (up to 200) for a page's owner or assignee choice."""
    async with database(page.request).shared_reads() as shared:
        return (await list_members(shared, page.principal, limit=200)).items


@dataclass(frozen=True)
class ListFilters:
    """The filters above a record list, as the query gave them."""

    q: str
    tag: str
    owner: str  # as given, to show back in the form
    owner_id: uuid.UUID | None
    errors: dict[str, str]

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.tag or self.owner)


def list_filters(page: WorkspacePage) -> ListFilters:
    """Search, tag and owner from the query; an owner not from the list is a message."""
    query = page.request.query_params
    owner = query.get("owner") or ""
    errors: dict[str, str] = {}
    owner_id = None
    if owner:
        try:
            owner_id = uuid.UUID(owner)
        except ValueError:
            errors["owner"] = page._("Choose an owner from the list.")
    return ListFilters(
        q=query.get("q", "").strip(),
        tag=query.get("tag", "").strip(),
        owner=owner,
        owner_id=owner_id,
        errors=errors,
    )


async def list_context(page: WorkspacePage, filters: ListFilters, **shown: str) -> dict[str, Any]:
    """What a list's template needs for its filters and bulk bar (``shown``: more filters)."""
    return {
        "filters": {"q": filters.q, "tag": filters.tag, "owner": filters.owner, **shown},
        "filtered": filters.filtered,
        "members": await workspace_members(page),
        "errors": filters.errors,
    }


Change = Callable[
    [AsyncSession, Principal, uuid.UUID, dict[str, Any], Collection[uuid.UUID]], Awaitable[Any]
]


@dataclass(frozen=True)
class BulkRecords:
    """How one kind of record takes the list's bulk actions."""

    kind: str  # its list's path and menu section: "contacts"
    tags_of: Callable[[AsyncSession, Principal, uuid.UUID], Awaitable[list[str]]]
    change: Change  # values {"tags": [...]} or {"owner_id": ...}, and the workspace's members
    delete: Callable[[AsyncSession, Principal, uuid.UUID], Awaitable[None]]


@dataclass(frozen=True)
class BulkWords:
    """What the list says about its own records, in the reader's language."""

    choose: str  # nothing chosen, or no action
    question: Callable[[int], str]  # before deleting this many
    changed: Callable[[int], str]  # after changing this many


async def bulk_action(
    page: WorkspacePage, records: BulkRecords, words: BulkWords
) -> Template | Redirect:
    """Apply the chosen action to every chosen record in one transaction: all or none. A record
    the member may not see is a 404; any other refusal is a message over the list."""
    form = await page.request.form()
    ids = [record_id(raw) for raw in form.getall("ids", [])]
    action = form.get("action", "")
    back = f"{page.base}/{records.kind}"
    if not ids or action not in BULK_ACTIONS:
        return page.redirect(back, error=words.choose)
    if action == "delete" and form.get("confirmed") != "1":
        return confirm_bulk_delete(page, records.kind, ids, words.question(len(ids)), back)
    try:
        owner_id = chosen_owner(form) if action == "owner" else None
        members = await members_for(database(page.request), page.principal, owner_id)
        async with transaction(page) as session:
            for ident in ids:
                if action == "delete":
                    await records.delete(session, page.principal, ident)
                    continue
                if action == "tag":
                    tags = await records.tags_of(session, page.principal, ident)
                    values: dict[str, Any] = {"tags": [*tags, form.get("tag", "")]}
                else:
                    values = {"owner_id": owner_id}
                await records.change(session, page.principal, ident, values, members)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        # The owner is picked from the list's choice: whoever else was sent is not on it.
        text = (
            page._("Choose an owner from the list.")
            if error.field == "owner_id"
            else page.error_text(error)
        )
        return page.redirect(back, error=text)
    return page.redirect(back, notice=words.changed(len(ids)))


def chosen_owner(form: FormMultiDict) -> uuid.UUID:
    """The new owner picked for a bulk change; anything else is a message, not a 404."""
    try:
        return uuid.UUID(form.get("owner_id", ""))
    except ValueError:
        raise Invalid("Choose an owner from the list.", field="owner_id") from None


def confirm_bulk_delete(
    page: WorkspacePage, kind: str, ids: list[uuid.UUID], question: str, back: str
) -> Template:
    """Asked once, by the server, so it works without scripts; the answer posts the same ids."""
    return page.render(
        "records/bulk_confirm.html",
        section=kind,
        question=question,
        action=f"{page.base}/{kind}/bulk",
        ids=ids,
        back=back,
    )
