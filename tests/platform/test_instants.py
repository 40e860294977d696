"""Instants and dates: one sane range for every one the API or a page accepts (refused with a
422 naming the field), and reads that what is already stored cannot break.

The issue's cases: year 1 at +14:00 and year 9999 at -14:00 are in Python's range as written,
but not once converted to UTC; a workspace's zone then turned them into 500s for good."""

import sqlalchemy as sa

from atrium.platform.config import get_settings
from tests.platform.crm.contacts.test_contact_pages import base

EARLY = "0001-01-01T00:00:00+14:00"
LATE = "9999-12-31T23:59:59-14:00"
PROBLEM_JSON = "application/problem+json"


def assert_refused(answer, field: str, label: str | None = None) -> dict:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    body = answer.json()
    assert body["field"] == field, body
    if label:
        assert label in body["detail"], body
    return body


async def test_an_employees_task_due_in_year_one_is_refused_and_the_owners_list_works(
    client, make_workspace, join, sign_in
):
    workspace = await make_workspace(company="Instant Office", vertical="fieldservice")
    employee = await join(workspace, "employee")
    as_employee = await sign_in(employee["email"], slug=workspace["tenant"]["slug"])
    refused = await as_employee.post(
        "/api/v1/activities", json={"kind": "task", "title": "Call back", "due_at": EARLY}
    )
    body = assert_refused(refused, "due_at", "Due")
    assert "1900" in body["detail"] and "2200" in body["detail"]
    russian = await as_employee.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Call back", "due_at": LATE},
        headers={"Accept-Language": "ru"},
    )
    assert "Срок" in assert_refused(russian, "due_at")["detail"]
    fine = await as_employee.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Call back", "due_at": "2200-12-31T09:00:00-14:00"},
    )
    assert fine.status_code == 201, fine.text
    listed = await client.get("/api/v1/activities", headers=workspace["headers"])
    assert listed.status_code == 200, listed.text
    assert [a["title"] for a in listed.json()["items"]] == ["Call back"]


async def test_an_api_key_expiring_after_year_9999_utc_is_refused_and_keys_still_list(
    client, make_workspace
):
    workspace = await make_workspace(company="Instant Keys")
    refused = await client.post(
        "/api/v1/api-keys",
        json={"name": "forever", "expires_at": LATE},
        headers=workspace["headers"],
    )
    assert_refused(refused, "expires_at", "Expires")
    listed = await client.get("/api/v1/api-keys", headers=workspace["headers"])
    assert listed.status_code == 200, listed.text


async def new_campaign(client, workspace, name: str):
    segment = await client.post(
        "/api/v1/segments",
        json={"name": "Everyone", "conditions": []},
        headers=workspace["headers"],
    )
    assert segment.status_code == 201, segment.text
    return await client.post(
        "/api/v1/campaigns",
        json={"name": name, "channel": "email", "subject": "Hi", "body": "Spring sale",
              "segment_id": segment.json()["id"]},
        headers=workspace["headers"],
    )  # fmt: skip


async def test_a_campaign_scheduled_in_year_one_is_refused_and_the_campaigns_page_works(
    client, make_workspace, sign_in
):
    workspace = await make_workspace(company="Instant Campaigns")
    headers = workspace["headers"]
    created = await new_campaign(client, workspace, "Spring")
    assert created.status_code == 201, created.text
    refused = await client.post(
        f"/api/v1/campaigns/{created.json()['id']}/schedule", json={"at": EARLY}, headers=headers
    )
    assert_refused(refused, "at")
    browser = await sign_in(workspace["user"]["email"])
    page = await browser.get(f"{base(workspace)}/campaigns")
    assert page.status_code == 200 and "Spring" in page.text


# What an old bug stored, written straight into the tables as it would have been.


def _sql(statement: str, **values) -> None:
    engine = sa.create_engine(get_settings().database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(statement), values)
    engine.dispose()


def _schema(slug: str) -> str:
    engine = sa.create_engine(get_settings().database_url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT schema_name FROM atrium.tenants WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()
    engine.dispose()
    return found


async def test_instants_stored_before_the_rule_do_not_break_lists_cards_and_pages(
    client, make_workspace, join, sign_in
):
    workspace = await make_workspace(company="Stored Extremes", vertical="fieldservice")
    headers, slug = workspace["headers"], workspace["tenant"]["slug"]
    schema = _schema(slug)
    employee = await join(workspace, "employee")
    as_employee = await sign_in(employee["email"], slug=slug)
    task = await as_employee.post("/api/v1/activities", json={"kind": "task", "title": "Old"})
    other = await as_employee.post("/api/v1/activities", json={"kind": "task", "title": "New"})
    edge = await as_employee.post("/api/v1/activities", json={"kind": "task", "title": "Edge"})
    appeal = await client.post(
        "/api/v1/appeals", json={"channel": "phone", "kind": "complaint"}, headers=headers
    )
    key = await client.post("/api/v1/api-keys", json={"name": "old key"}, headers=headers)
    campaign = await new_campaign(client, workspace, "Old campaign")
    contact = await client.post("/api/v1/contacts", json={"first_name": "Ancient"}, headers=headers)
    # Year 1 at +14:00 is 10:00 on 31 December of 1 BC in UTC; 9999 at -14:00 is year 10000.
    _sql(
        f'UPDATE "{schema}".activities SET due_at = :early, remind_at = :early WHERE id = :id',
        early=EARLY, id=task.json()["id"],
    )  # fmt: skip
    _sql(
        f'UPDATE "{schema}".activities SET due_at = :late WHERE id = :id',
        late=LATE, id=other.json()["id"],
    )  # fmt: skip
    # In Python's range, but not once shown in the workspace's zone (east of UTC).
    _sql(
        f'UPDATE "{schema}".activities SET due_at = :late WHERE id = :id',
        late="9999-12-31T23:30:00Z", id=edge.json()["id"],
    )  # fmt: skip
    _sql(
        f'UPDATE "{schema}".appeals SET received_at = :early, respond_by = :late WHERE id = :id',
        early=EARLY, late=LATE, id=appeal.json()["id"],
    )  # fmt: skip
    _sql("UPDATE atrium.api_keys SET expires_at = :late WHERE id = :id", late=LATE,
         id=key.json()["id"])  # fmt: skip
    _sql(
        f"UPDATE \"{schema}\".campaigns SET scheduled_at = :early, status = 'scheduled' "
        "WHERE id = :id",
        early=EARLY, id=campaign.json()["id"],
    )  # fmt: skip
    _sql(
        f'UPDATE "{schema}".contacts SET birthday = :day WHERE id = :id',
        day="0001-01-01 BC", id=contact.json()["id"],
    )  # fmt: skip

    listed = await client.get("/api/v1/activities", headers=headers)
    assert listed.status_code == 200, listed.text
    assert {a["title"] for a in listed.json()["items"]} == {"Old", "New", "Edge"}
    # What could not be shown reads as the nearest end of the range.
    due = {a["title"]: a["due_at"] for a in listed.json()["items"]}
    assert due["Old"].startswith("1900-01-01") and due["New"].startswith("2200-12-31")
    card = await client.get(f"/api/v1/activities/{task.json()['id']}", headers=headers)
    assert card.status_code == 200, card.text
    keys = await client.get("/api/v1/api-keys", headers=headers)
    assert keys.status_code == 200, keys.text
    # The key itself still signs in: it expires at the end of the range, not in year 10000.
    itself = {"Authorization": f"Bearer {key.json()['key']}"}
    assert (await client.get("/api/v1/me", headers=itself)).status_code == 200
    scheduled = await client.get(f"/api/v1/campaigns/{campaign.json()['id']}", headers=headers)
    assert scheduled.status_code == 200, scheduled.text
    appeals = await client.get("/api/v1/appeals", headers=headers)
    assert appeals.status_code == 200, appeals.text
    person = await client.get(f"/api/v1/contacts/{contact.json()['id']}", headers=headers)
    assert person.status_code == 200, person.text

    browser = await sign_in(workspace["user"]["email"])
    for path in ("/tasks", "/campaigns", f"/campaigns/{campaign.json()['id']}",
                 f"/contacts/{contact.json()['id']}", "/settings/api-keys", "/",
                 "/tasks?view=month", "/appeals", f"/appeals/{appeal.json()['id']}"):  # fmt: skip
        page = await browser.get(f"{base(workspace)}{path}")
        assert page.status_code == 200, (path, page.status_code, page.text[:300])


async def test_a_custom_date_and_a_segments_date_out_of_range_are_refused_by_their_labels(
    client, make_workspace
):
    workspace = await make_workspace(company="Instant Custom")
    headers = workspace["headers"]
    defined = await client.post(
        "/api/v1/custom-fields",
        json={"object_type": "contact", "key": "first_visit", "label": "First came",
              "field_type": "date"},
        headers=headers,
    )  # fmt: skip
    assert defined.status_code == 201, defined.text
    for day in ("0001-01-01", "9999-12-31"):
        refused = await client.post(
            "/api/v1/contacts",
            json={"first_name": "Ira", "custom": {"first_visit": day}},
            headers=headers,
        )
        assert "First came" in assert_refused(refused, "custom.first_visit")["detail"]
    kept = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Ira", "custom": {"first_visit": "2024-05-01"}},
        headers=headers,
    )
    assert kept.status_code == 201, kept.text
    segment = await client.post(
        "/api/v1/segments",
        json={"name": "Old", "conditions": [
            {"field": "created", "op": "before", "value": "9999-12-31"}]},
        headers=headers,
    )  # fmt: skip
    assert_refused(segment, "conditions[0]")


async def test_a_cursor_carrying_an_instant_out_of_range_is_refused(client, make_workspace):
    from atrium.platform.http.pagination import encode_cursor

    workspace = await make_workspace(company="Instant Cursor")
    for instant in (EARLY, LATE):
        cursor = encode_cursor([instant, "00000000-0000-0000-0000-000000000000"])
        for path in ("/api/v1/activities", "/api/v1/appeals"):
            answer = await client.get(path, params={"cursor": cursor}, headers=workspace["headers"])
            assert answer.status_code == 422, (path, answer.text)
            assert answer.json()["field"] == "cursor"
