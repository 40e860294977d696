"""Merging a duplicate client keeps the salon history: visits and loyalty points follow."""

from decimal import Decimal

from sqlalchemy import func, select

from atrium.platform.crm.contacts.models import Contact
from atrium.verticals.salon.models import LoyaltyCard, LoyaltyEntry, Visit


async def test_a_merged_duplicate_brings_its_visits_and_points(client, db, salon):
    duplicate = await client.post(
        "/api/v1/contacts", json={"first_name": "Masha"}, headers=salon.headers
    )
    duplicate_id = duplicate.json()["id"]
    for contact_id, hour in ((str(salon.client_id), 11), (duplicate_id, 12)):
        booked = await client.post(
            "/api/v1/salon/visits",
            json={"client_id": contact_id, "master_id": str(salon.anna),
                  "start": salon.at(hour).isoformat(), "service_ids": [str(salon.cut)]},
            headers=salon.headers,
        )  # fmt: skip
        assert booked.status_code == 201, booked.text
    async with db.tenant_transaction(salon.schema) as session:
        for contact_id, number, points in (
            (salon.client_id, "2000000000015", 100),
            (duplicate_id, "2000000000022", 250),
        ):
            card = LoyaltyCard(contact_id=contact_id, number=number, points=Decimal(points))
            session.add(card)
            await session.flush()
            session.add(LoyaltyEntry(card_id=card.id, kind="adjusted", points=Decimal(points)))

    merged = await client.post(
        f"/api/v1/contacts/{salon.client_id}/merge",
        json={"duplicate_id": duplicate_id},
        headers=salon.headers,
    )
    assert merged.status_code == 200, merged.text
    async with db.tenant_transaction(salon.schema) as session:
        assert await session.get(Contact, duplicate_id) is None
        owners = set(await session.scalars(select(Visit.contact_id)))
        assert owners == {salon.client_id}
        [card] = list(await session.scalars(select(LoyaltyCard)))
        assert (card.contact_id, card.points) == (salon.client_id, Decimal(350))
        entries = await session.scalar(
            select(func.count()).select_from(LoyaltyEntry).where(LoyaltyEntry.card_id == card.id)
        )
        assert entries == 2
