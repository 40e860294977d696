"""Unsubscribing from marketing through the signed link a marketing message carries."""

import uuid

from sqlalchemy import select

from atrium.platform.notify.unsubscribe import unsubscribe_url
from atrium.platform.tenancy.models import Tenant


async def test_the_link_shows_a_button_and_the_button_withdraws_consent(
    client, make_workspace, db, app
):
    shop = await make_workspace(company="Unsubscribe Shop")
    headers = shop["headers"]
    contact = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Ирина", "marketing_consent": True, "consent_channel": "email"},
        headers=headers,
    )
    contact_id = uuid.UUID(contact.json()["id"])
    async with db.shared_transaction() as session:
        slug = shop["tenant"]["slug"]
        schema = (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema
    url = unsubscribe_url(
        "http://127.0.0.1:8000", slug, app.state.runtime.secret_key, schema, contact_id, "email"
    )
    path = url.removeprefix("http://127.0.0.1:8000")

    page = await client.get(path)
    assert page.status_code == 200 and '<form method="post">' in page.text
    card = await client.get(f"/api/v1/contacts/{contact_id}", headers=headers)
    assert card.json()["marketing_consent"] is True  # opening the link changes nothing

    done = await client.post(path, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "unsubscribed" in done.text
    card = await client.get(f"/api/v1/contacts/{contact_id}", headers=headers)
    assert card.json()["marketing_opt_outs"] == ["email"]  # this channel only
    assert card.json()["marketing_consent"] is True
    trail = await client.get(
        "/api/v1/audit", params={"record_id": str(contact_id)}, headers=headers
    )
    assert "unsubscribed" in {entry["action"] for entry in trail.json()["items"]}

    tampered = path[:-1] + ("0" if not path.endswith("0") else "1")
    assert (await client.post(tampered)).status_code == 404
    other = await make_workspace(company="Other Unsubscribe Shop")
    elsewhere = path.replace(f"/u/{slug}/", f"/u/{other['tenant']['slug']}/")
    assert (await client.post(elsewhere)).status_code == 404
