"""Global search across contacts, companies and deals: GET /api/v1/search?q=.

Names are compared folded to one Latin spelling (normalize.search_words), so "ivanov" finds
"Иванов" and "Yulia" finds "Юлия". Word starts come first (trigram index, bounded); when they
leave room, pg_trgm's word similarity adds near misses ("ivnaov"). A query that reads as a
phone also matches the exact number (E.164 index) and numbers holding its digits.
"""

import asyncio
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select, union

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.companies.repository import company_email_matches
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.repository import email_holders, phone_digits, phone_holders
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.records.normalize import e164_or_none, search_words
from atrium.platform.crm.records.visibility import name_resembles, name_score, name_starts, visible
from atrium.platform.db import Database
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_country

KINDS = ("contact", "company", "deal")
MAX_QUERY = 200
MAX_HITS = 50
MIN_PHONE_DIGITS = 3
PHONE_LIKE = re.compile(r"[0-9+()\-. ]+")
CANDIDATES = 200  # per kind and strategy: enough to rank, bounded for common fragments
# pg_trgm's default (0.5) misses one wrong letter in a short name ("ivonov" scores 0.4 against
# "ivanov"); near misses only fill what word starts leave.
TYPO_THRESHOLD = 0.4


@dataclass(frozen=True)
class Hit:
    kind: str
    id: uuid.UUID
    title: str
    score: float


async def search(
    db: Database,
    principal: Principal,
    q: str,
    *,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 10,
) -> list[Hit]:
    principal.require("crm.read")
    text = " ".join(q.split())
    if not text:
        raise Invalid("Type something to search for.", field="q")
    if len(text) > MAX_QUERY:
        raise Invalid("q is longer than %(max)s characters.", field="q", max=MAX_QUERY)
    if unknown := set(kinds) - set(KINDS):
        raise Invalid(
            "Unknown type %(kind)s; choose from %(choices)s.",
            field="types",
            kind=sorted(unknown)[0],
            choices=", ".join(KINDS),
        )
    digits, phone = phone_digits(text), None
    if PHONE_LIKE.fullmatch(text) and len(digits) >= MIN_PHONE_DIGITS:
        # A number: the phone (exact when it reads as a whole one) or a tax id's start.
        words, folded = [digits], ""
        phone = e164_or_none(text[:40], await workspace_country(db, principal.workspace.schema))
    else:
        words, digits = search_words(text), ""
        folded = " ".join(words)  # ranked by name likeness

    async def hits_of(kind: str) -> list[Hit]:
        model, title = _SEARCHED[kind]
        matches = []
        if digits and kind in _PHONE_MATCH:
            matches.append(_PHONE_MATCH[kind](digits, phone))
        if "@" in text and kind in _EMAIL_MATCH:
            matches.append(_EMAIL_MATCH[kind](text.lower()))
        if words:
            matches.append(name_starts(model, words))
        found = await _ranked(db, principal, model, title, matches, folded, limit)
        if folded and len(found) < limit:
            known = [record_id for record_id, _name, _score in found]
            typo = name_resembles(model, folded)
            found += await _ranked(
                db, principal, model, title, [typo], folded, limit - len(found), known
            )
        return [Hit(kind, record_id, name, score) for record_id, name, score in found]

    # Each kind on a connection of its own: the answer waits for the slowest, not the sum.
    hits = [hit for found in await asyncio.gather(*map(hits_of, kinds)) for hit in found]
    return sorted(hits, key=lambda hit: -hit.score)[:limit]


async def _ranked(db, principal, model, title, matches, folded, limit, exclude=()):
    """Up to ``limit`` (id, title, score) of ``model`` matching any of ``matches``, best first;
    one round trip (Database.read_in_workspace)."""
    if not matches:
        return []
    # One bounded, indexed branch per kind of match; a union, as an OR would scan the table.
    branches = []
    for match in matches:
        branch: Select = visible(select(model.id), model, principal).where(match)
        if exclude:
            branch = branch.where(model.id.not_in(exclude))
        branches.append(branch.limit(CANDIDATES))
    candidates = union(*branches).subquery()
    score = name_score(model, folded) if folded else None
    query = select(model.id, title, score if score is not None else 1.0).join(
        candidates, candidates.c.id == model.id
    )
    order = [score.desc()] if score is not None else []
    rows = await db.read_in_workspace(
        principal.workspace.schema,
        query.order_by(*order, title, model.id).limit(limit),
        settings={"pg_trgm.strict_word_similarity_threshold": str(TYPO_THRESHOLD)},
    )
    return [(record_id, name, float(value)) for record_id, name, value in rows]


_SEARCHED = {
    "contact": (Contact, Contact.display_name),
    "company": (Company, Company.name),
    "deal": (Deal, Deal.title),
}
_PHONE_MATCH = {
    "contact": lambda digits, phone: Contact.id.in_(phone_holders(digits, phone)),
    "company": lambda digits, phone: (
        Company.phone == phone if phone else Company.phone.contains(digits)
    ),
}
_EMAIL_MATCH = {
    "contact": lambda text: Contact.id.in_(email_holders(text)),
    "company": company_email_matches,
}
