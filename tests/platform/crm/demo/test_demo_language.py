"""A Russian demo workspace has no English in what people read: where clients came from, their
tags, the units of products and stock are written in Russian (they are words people type, not
codes); an English demo stays English."""

import re
import secrets

from sqlalchemy import select

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.products.models import Product
from atrium.platform.crm.records.models import Tag
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.verticals.salon.models import StockItem
from tests.helpers import STRONG_PASSWORD

LATIN = re.compile(r"[A-Za-z]")


async def _demo(db, locale: str):
    request = checked_signup(
        company=f"Demo {locale}", email=f"demo-{secrets.token_hex(4)}@example.com",
        password=STRONG_PASSWORD, vertical="salon", locale=locale, name="Лиза",
    )  # fmt: skip
    return await sign_up(db, request, demo=True)


async def _words(db, schema) -> dict[str, set[str]]:
    async with db.tenant_transaction(schema) as session:
        return {
            "sources": set(await session.scalars(select(Contact.source).distinct())) - {None},
            "tags": set(await session.scalars(select(Tag.name))),
            "product units": set(await session.scalars(select(Product.unit).distinct())),
            "stock units": set(await session.scalars(select(StockItem.unit).distinct())),
        }


async def test_a_russian_demo_writes_sources_tags_and_units_in_russian(db, migrated):
    words = await _words(db, (await _demo(db, "ru")).schema)
    assert words["sources"] <= {"Инстаграм", "Сайт", "Друзья", "Зашли с улицы"}
    assert words["sources"] and words["tags"]
    english = {
        kind: {w for w in found if LATIN.search(w) and w != "VIP"} for kind, found in words.items()
    }
    assert english == {kind: set() for kind in words}, english
    assert words["stock units"] == {"шт", "мл"}


async def test_an_english_demo_stays_english(db, migrated):
    words = await _words(db, (await _demo(db, "en")).schema)
    assert words["sources"] <= {"Instagram", "Website", "Friends", "Walk-in"}
    assert words["stock units"] == {"pcs", "ml"}
    assert words["product units"] == {"pcs"}
