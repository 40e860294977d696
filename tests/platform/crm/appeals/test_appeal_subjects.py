"""Appeal subjects: each trade starts with its own list, in the workspace's language (a salon its
pack's, the general CRM the core's); the list is kept in Settings and over the API; the appeal
form offers it and the register filters by it; another workspace's list is out of reach."""

import re

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from atrium.platform.crm.appeals.subjects import GENERAL_SUBJECTS
from atrium.platform.db import WorkspaceSchema
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrate import upgrade_workspace
from atrium.tenants.migrations import TENANT_HISTORY, tenant_scripts
from atrium.verticals.salon.defaults import APPEAL_SUBJECTS as SALON_SUBJECTS
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401

API = "/api/v1/appeal-subjects"


async def subject_names(client, workspace) -> list[str]:
    answer = await client.get(API, headers=workspace["headers"])
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


async def pipeline_names(client, workspace) -> list[str]:
    answer = await client.get("/api/v1/pipelines", headers=workspace["headers"])
    return [item["name"] for item in answer.json()["items"]]


async def test_each_trade_starts_with_its_own_subjects_in_its_language(client, make_workspace):
    salon = await make_workspace(company="Салон Лиза", vertical="salon", locale="ru")
    assert await subject_names(client, salon) == [ru for _, ru in SALON_SUBJECTS]
    assert "Жалоба на мастера" in await subject_names(client, salon)
    assert await pipeline_names(client, salon) == ["Записи"]

    shop = await make_workspace(company="Hardware Co", vertical="general", locale="en")
    assert await subject_names(client, shop) == [en for en, _ in GENERAL_SUBJECTS]
    assert await pipeline_names(client, shop) == ["Sales"]


async def test_switching_trade_and_back_adds_each_list_once(client, make_workspace):
    workspace = await make_workspace(company="Two Trades", vertical="general")
    headers = workspace["headers"]
    for vertical in ("salon", "general", "salon"):
        switched = await client.patch(
            "/api/v1/workspace", json={"vertical": vertical}, headers=headers
        )
        assert switched.status_code == 200, switched.text
    names = await subject_names(client, workspace)
    assert names == [en for en, _ in GENERAL_SUBJECTS] + [en for en, _ in SALON_SUBJECTS]
    assert await pipeline_names(client, workspace) == ["Sales", "Bookings"]


async def test_the_list_is_kept_over_the_api_and_appeals_keep_their_text(client, make_workspace):
    workspace = await make_workspace(company="Subjects API", vertical="general")
    headers = workspace["headers"]
    added = await client.post(API, json={"name": "  Warranty   repair "}, headers=headers)
    assert added.status_code == 201, added.text
    subject = added.json()
    assert subject["name"] == "Warranty repair"
    assert (await subject_names(client, workspace))[-1] == "Warranty repair"

    twice = await client.post(API, json={"name": "WARRANTY REPAIR"}, headers=headers)
    assert twice.status_code == 409
    assert twice.headers["content-type"].startswith("application/problem+json")
    for bad in ({"name": "   "}, {"name": "x" * 301}, {"title": "Warranty"}):
        refused = await client.post(API, json=bad, headers=headers)
        assert refused.status_code in (400, 422), (bad, refused.text)
    assert (await subject_names(client, workspace)).count("Warranty repair") == 1

    appeal = await client.post(
        "/api/v1/appeals",
        json={"channel": "phone", "kind": "complaint", "subject": "Warranty repair"},
        headers=headers,
    )
    assert appeal.status_code == 201, appeal.text

    url = f"{API}/{subject['id']}"
    moved = await client.patch(url, json={"move": "up"}, headers=headers)
    assert moved.status_code == 200, moved.text
    names = await subject_names(client, workspace)
    assert names[-2:] == ["Warranty repair", GENERAL_SUBJECTS[-1][0]]
    renamed = await client.patch(url, json={"name": "Repair under warranty"}, headers=headers)
    assert renamed.json()["name"] == "Repair under warranty"
    clash = await client.patch(url, json={"name": "delivery"}, headers=headers)
    assert clash.status_code == 409
    bad_move = await client.patch(url, json={"move": "sideways"}, headers=headers)
    assert bad_move.status_code == 400

    assert (await client.delete(url, headers=headers)).status_code == 204
    assert "Repair under warranty" not in await subject_names(client, workspace)
    assert (await client.delete(url, headers=headers)).status_code == 404
    kept = await client.get(f"/api/v1/appeals/{appeal.json()['id']}", headers=headers)
    assert kept.json()["subject"] == "Warranty repair"


async def test_an_employee_reads_the_list_but_cannot_change_it(make_workspace, join, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Subjects Roles", vertical="general")
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"], slug=workspace["tenant"]["slug"])
    listed = await browser.get(API)
    assert listed.status_code == 200 and listed.json()["items"]
    refused = await browser.post(API, json={"name": "Mine"})
    assert refused.status_code == 403


async def test_another_workspaces_subjects_are_out_of_reach(client, make_workspace):
    ours = await make_workspace(company="Ours", vertical="general")
    theirs = await make_workspace(company="Theirs", vertical="general")
    secret = await client.post(API, json={"name": "Their secret"}, headers=theirs["headers"])
    url = f"{API}/{secret.json()['id']}"
    assert "Their secret" not in await subject_names(client, ours)
    assert (await client.patch(url, json={"name": "x"}, headers=ours["headers"])).status_code == 404
    assert (await client.delete(url, headers=ours["headers"])).status_code == 404
    assert "Their secret" in await subject_names(client, theirs)


async def test_settings_page_adds_renames_orders_and_deletes(owner):  # noqa: F811
    workspace, browser, csrf = owner
    page_url = f"{base(workspace)}/settings/appeal-subjects"
    index = await browser.get(f"{base(workspace)}/settings")
    assert "Appeal subjects" in index.text
    page = await browser.get(page_url)
    assert page.status_code == 200
    assert "Complaint about a master" in page.text  # a salon's list

    added = await browser.post(page_url, data={"csrf_token": csrf, "name": "Hair extensions"})
    assert added.status_code == 302
    shown = await browser.get(added.headers["location"])
    assert "The subject “Hair extensions” is added." in shown.text
    ids = re.findall(r'/settings/appeal-subjects/([0-9a-f-]{36})/move"', shown.text)
    last = ids[-1]

    twice = await browser.post(page_url, data={"csrf_token": csrf, "name": "hair extensions"})
    assert twice.status_code == 409
    assert "is in the list already" in twice.text and 'value="hair extensions"' in twice.text
    empty = await browser.post(f"{page_url}/{last}", data={"csrf_token": csrf, "name": " "})
    assert empty.status_code == 422 and "1 to 300 characters" in empty.text

    renamed = await browser.post(
        f"{page_url}/{last}", data={"csrf_token": csrf, "name": "Extensions"}
    )
    assert renamed.status_code == 302
    moved = await browser.post(
        f"{page_url}/{last}/move", data={"csrf_token": csrf, "direction": "up"}
    )
    assert moved.status_code == 302
    shown = await browser.get(page_url)
    order = re.findall(
        r'name="name" form="subject-[^"]+" maxlength="300" value="([^"]+)"', shown.text
    )
    assert order[-2:] == ["Extensions", "Working at the salon"]

    deleted = await browser.post(f"{page_url}/{last}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 302
    assert 'value="Extensions"' not in (await browser.get(page_url)).text
    gone = await browser.post(f"{page_url}/{last}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 404


async def test_an_employee_gets_a_refusal_page(make_workspace, join, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Subjects Page Roles")
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    page = await browser.get(f"{base(workspace)}/settings/appeal-subjects")
    assert page.status_code == 403 and "Your role cannot change these settings" in page.text


async def test_the_appeal_form_offers_the_list_and_the_register_filters_by_it(owner):  # noqa: F811
    workspace, browser, csrf = owner
    register = await browser.get(f"{base(workspace)}/appeals")
    assert '<datalist id="appeal-subjects">' in register.text
    assert '<option value="Complaint about a master">' in register.text
    for subject in ("Complaint about a master", "Gift certificate", "Shampoo SKU-7"):
        created = await browser.post(
            f"{base(workspace)}/appeals",
            data={"csrf_token": csrf, "channel": "phone", "kind": "inquiry", "subject": subject},
        )
        assert created.status_code == 302, created.text
    filtered = await browser.get(f"{base(workspace)}/appeals?subject=complaint+about+a+master")
    rows = filtered.text.split("<tbody>")[1].split("</tbody>")[0]
    assert "Complaint about a master" in rows and "Gift certificate" not in rows
    assert "Shampoo SKU-7" not in rows
    assert "<option selected>Complaint about a master</option>" in filtered.text
    export = await browser.get(
        f"{base(workspace)}/exports/appeals.csv?subject=Complaint+about+a+master"
    )
    assert export.status_code == 200
    assert "Complaint about a master" in export.text and "Gift certificate" not in export.text


def _downgrade(engine, schema_name: str, target: str) -> None:
    """The workspace's schema taken back to revision ``target``, as its role."""
    schema = WorkspaceSchema(schema_name)
    scripts = tenant_scripts()
    with engine.connect() as connection:
        connection = connection.execution_options(schema_translate_map=schema.translate_map)
        with connection.begin():
            connection.execute(text(f'SET LOCAL ROLE "{schema.role}"'))
            context = MigrationContext.configure(
                connection,
                opts={
                    "version_table_schema": schema_name,
                    "script": scripts,
                    "fn": lambda heads, _: scripts._downgrade_revs(target, heads),
                },
            )
            with Operations.context(context):
                context.run_migrations()


async def test_a_workspace_made_before_the_list_gets_its_trades_subjects(
    make_workspace, db, settings
):
    workspace = await make_workspace(company="Салон До", vertical="salon", locale="ru")
    async with db.shared_transaction() as session:
        schema = await session.scalar(
            select(Tenant.schema_name).where(Tenant.slug == workspace["tenant"]["slug"])
        )
    engine = sa.create_engine(settings.database_url)
    try:
        _downgrade(engine, schema, "core@t0024")  # as it was before the list
        outcome = upgrade_workspace(engine, schema, TENANT_HISTORY)
    finally:
        engine.dispose()
    assert outcome.error is None
    async with db.shared_transaction() as session:
        names = await session.scalars(
            text(f'SELECT name FROM "{schema}".appeal_subjects ORDER BY position')
        )
        assert list(names) == [ru for _, ru in SALON_SUBJECTS]
