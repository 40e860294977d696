"""Choosing a client or a company by typing, wherever one is picked from a long list.

The form holds a text field ``<name>_text`` and the chosen id in ``<name>``. With scripts, typing
asks ``/w/<slug>/suggest/<kind>`` for the matches (name, phone, e-mail), and choosing one fills
the id. Without scripts the typed text is resolved when the form is sent: one match is taken;
several come back as a plain list to choose from; none is a message beside the field.
"""

import uuid
from dataclasses import dataclass

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from atrium.platform.crm.companies import service as companies
from atrium.platform.crm.contacts.cards import list_contacts
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import database
from atrium.platform.pages.formats import phone
from atrium.platform.pages.kit import WorkspacePage

SUGGESTIONS = 8


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    name: str
    details: str  # phone and e-mail, to tell people of the same name apart


class SeveralMatch(Invalid):
    """The typed text names more than one record: the form offers them to choose from."""

    def __init__(self, field: str, text: str, choices: list[Choice]) -> None:
        super().__init__(
            "Several match “%(text)s”: choose one from the list.", field=field, text=text
        )
        self.choices = choices


def _details(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


async def contact_choices(page: WorkspacePage, text: str, limit: int = SUGGESTIONS) -> list[Choice]:
    """The clients the member may see whose name, phone or e-mail matches ``text``."""
    found = await list_contacts(
        database(page.request), page.principal, q=text[:200], sort="display_name", limit=limit
    )
    return [
        Choice(
            card.contact.id,
            card.contact.display_name,
            _details(
                phone(card.phones[0].number) if card.phones else None,
                card.emails[0].address if card.emails else None,
            ),
        )
        for card in found.items
    ]


async def company_choices(page: WorkspacePage, text: str, limit: int = SUGGESTIONS) -> list[Choice]:
    """The companies the member may see whose name, tax id or e-mail matches ``text``."""
    schema = page.principal.workspace.schema
    async with database(page.request).tenant_transaction(schema) as session:
        found = await companies.list_companies(
            session, page.principal, q=text[:200], sort="name", limit=limit
        )
    return [
        Choice(
            card.company.id,
            card.company.name,
            _details(phone(card.company.phone) if card.company.phone else None, card.company.email),
        )
        for card in found.items
    ]


FINDERS = {"contacts": contact_choices, "companies": company_choices}
NOTHING_MATCHES = {
    "contacts": "No client matches “%(text)s”.",
    "companies": "No company matches “%(text)s”.",
}


async def picked(page: WorkspacePage, form, name: str, kind: str) -> uuid.UUID | None:
    """The id the form chose in ``name`` (by a script or the list), else the one record the
    typed ``<name>_text`` names; None when both are empty."""
    raw = (form.get(name) or "").strip()
    if raw:
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise Invalid("Choose from the list.", field=name) from None
    text = " ".join((form.get(f"{name}_text") or "").split())
    if not text:
        return None
    found = await FINDERS[kind](page, text, limit=SUGGESTIONS + 1)
    if len(found) == 1:
        return found[0].id
    if not found:
        raise Invalid(NOTHING_MATCHES[kind], field=name, text=text)
    raise SeveralMatch(name, text, found[:SUGGESTIONS])


@get("/w/{slug:str}/suggest/{kind:str}")
async def suggestions(
    request: Request, page: NamedDependency[WorkspacePage], kind: FromPath[str]
) -> Template:
    """The matches for what was typed, as the picker's options (an HTML fragment)."""
    if kind not in FINDERS:
        raise NotFoundException()
    text = " ".join(request.query_params.get("q", "").split())
    found = await FINDERS[kind](page, text) if text else []
    return page.render("picker_options.html", choices=found, text=text)


routes = [suggestions]
