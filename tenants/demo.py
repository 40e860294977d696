"""The demo workspace `make run` opens with."""

from sqlalchemy import select

from atrium.platform.auth.models import User
from atrium.platform.db import Database
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup

DEMO_EMAIL = "demo@atrium.local"
DEMO_PASSWORD = "Velvet-Otter-42-Lantern"


async def seed_demo_workspace(db: Database) -> tuple[str, str]:
    """Create the demo salon and its owner once; later runs leave it as it is."""
    async with db.shared_transaction() as session:
        exists = await session.scalar(select(User.id).where(User.email == DEMO_EMAIL))
    if not exists:
        request = checked_signup(
            company="Салон красоты «Лиза»",
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
            vertical="salon",
            locale="ru",
            name="Лиза Демидова",
        )
        await sign_up(db, request, demo=True)
    return DEMO_EMAIL, DEMO_PASSWORD
