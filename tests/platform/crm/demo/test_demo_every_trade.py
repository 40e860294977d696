"""Demo data works for every trade in both languages (a failure would leave a new workspace
without it)."""

import secrets

import pytest
from sqlalchemy import func, select

from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.packs import vertical_choices
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_every_trade_gets_its_demo_data(db, migrated, locale):
    for vertical in vertical_choices():
        request = checked_signup(
            company=f"Demo {vertical} {locale}", email=f"d-{secrets.token_hex(4)}@example.com",
            password=STRONG_PASSWORD, vertical=vertical, locale=locale, name="Owner",
        )  # fmt: skip
        workspace = await sign_up(db, request, demo=True)
        async with db.tenant_transaction(workspace.schema) as session:
            made = await session.scalar(select(func.count()).select_from(DemoRecord))
        assert made > 40, vertical
