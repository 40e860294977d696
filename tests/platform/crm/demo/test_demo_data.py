"""Demo data at sign-up: the trade's records in the workspace's language, and one click that
clears exactly them (what a person added stays; other workspaces are untouched)."""

import secrets

from sqlalchemy import func, select

from atrium.platform.auth.models import User
from atrium.platform.auth.service import principal_for_member
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.demo.service import clear_demo_data, has_demo_data
from atrium.platform.crm.products.models import Product
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD


async def _signed_up(db, company, demo):
    request = checked_signup(
        company=company, email=f"demo-{secrets.token_hex(4)}@example.com",
        password=STRONG_PASSWORD, vertical="salon", locale="ru", name="Лиза",
    )  # fmt: skip
    return await sign_up(db, request, demo=demo)


async def _count(db, schema, model) -> int:
    async with db.tenant_transaction(schema) as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_demo_data_fills_a_salon_in_russian_and_clears_exactly_itself(db, migrated, client):
    salon = await _signed_up(db, "Демо Салон", demo=True)
    plain = await _signed_up(db, "Пустой Салон", demo=False)
    other = await _signed_up(db, "Другой Салон", demo=True)
    assert await _count(db, salon.schema, Contact) == 16
    assert await _count(db, salon.schema, Deal) == 12
    async with db.tenant_transaction(salon.schema) as session:
        names = set(await session.scalars(select(Product.name)))
        assert "Женская стрижка" in names
        assert await has_demo_data(session)
    assert await _count(db, plain.schema, Contact) == 0

    mine = await client.post(
        "/api/v1/contacts", json={"first_name": "Настоящий клиент"},
        headers={"Authorization": f"Bearer {salon.api_key}"},
    )  # fmt: skip
    assert mine.status_code == 201
    async with db.shared_transaction() as session:
        owner = await session.get(User, salon.user_id)
        principal = await principal_for_member(session, owner, salon.slug)
    async with db.tenant_transaction(salon.schema) as session:
        assert await clear_demo_data(session, principal) > 16
        assert not await has_demo_data(session)
    assert await _count(db, salon.schema, Contact) == 1
    assert await _count(db, salon.schema, Deal) == 0
    assert await _count(db, salon.schema, Product) == 0
    assert await _count(db, other.schema, Contact) == 16  # another workspace keeps its own
