"""The pages refuse a template past the limits as the API does: quickly, the message beside the
field in the reader's language, what was typed kept, nothing saved."""

import asyncio
import uuid

from sqlalchemy import update

from atrium.platform.crm.segments.models import Campaign
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base
from tests.platform.crm.deals.test_pipeline_and_field_pages import error_of, settings
from tests.platform.notify.test_reminders import schema_of

NESTED = "{% for a in range(6000) %}{% for b in range(6000) %}{% endfor %}{% endfor %}"
QUICK = 5  # seconds; the render's own time limit is one


async def _signed_in(make_workspace, sign_in, locale: str):  # noqa: F811
    workspace = await make_workspace(company=f"Loop Pages {locale}", locale=locale)
    browser = await sign_in(workspace["user"]["email"], slug=None)
    browser.headers["Accept-Language"] = locale
    return workspace, browser, browser.headers.pop("X-CSRF-Token")


async def test_the_template_form_refuses_loops_past_the_limit_in_russian(
    make_workspace,
    sign_in,  # noqa: F811
    client,
):
    workspace, browser, csrf = await _signed_in(make_workspace, sign_in, "ru")
    form_url = settings(workspace, "templates/birthday/ru")
    # (Three loops would hold an in-process client for ever before the fix: see
    # test_serve_template_limits.py for them over real HTTP.)
    for part, source in (("text", NESTED), ("html", "{{ 'x' * 10**8 }}")):
        values = {"subject": "С днём рождения, {{ name }}!", "text": "Привет", "html": "<p>x</p>"}
        refused = await asyncio.wait_for(
            browser.post(form_url, data={"csrf_token": csrf, **values, part: source}), QUICK
        )
        assert refused.status_code == 422
        said = error_of(refused.text, part)
        if part == "text":
            assert said.startswith("Шаблон (Текст) повторяет слишком много"), said
        else:
            assert "HTML-версия для эл. почты" in said and "слишком большой" in said, said
        assert "range(6000)" in refused.text or "10**8" in refused.text  # what was typed stays
    listed = await client.get("/api/v1/settings/templates", headers=workspace["headers"])
    assert not any(t["custom"] for t in listed.json()["items"])


async def test_the_campaign_form_refuses_a_body_past_the_limit_in_english(
    make_workspace,
    sign_in,  # noqa: F811
    client,
):
    workspace, browser, csrf = await _signed_in(make_workspace, sign_in, "en")
    segment = await client.post(
        "/api/v1/segments", json={"name": "Everyone", "conditions": []},
        headers=workspace["headers"],
    )  # fmt: skip
    form = {"csrf_token": csrf, "name": "Loops", "channel": "sms",
            "segment_id": segment.json()["id"], "subject": "", "body": NESTED}  # fmt: skip
    refused = await asyncio.wait_for(browser.post(f"{base(workspace)}/campaigns", data=form), QUICK)
    assert refused.status_code == 422
    said = error_of(refused.text, "body")
    assert said.startswith("The Message text repeats too much"), said
    listed = await client.get("/api/v1/campaigns", headers=workspace["headers"])
    assert listed.json()["items"] == []


async def test_an_sms_campaign_stored_before_the_limits_still_opens_and_says_what_is_wrong(
    make_workspace,
    sign_in,  # noqa: F811
    client,
    db,
):
    workspace, browser, _ = await _signed_in(make_workspace, sign_in, "en")
    headers = workspace["headers"]
    added = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Olga", "marketing_consent": True,
              "phones": [{"number": "+79160000077"}]},
        headers=headers,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    segment = await client.post(
        "/api/v1/segments", json={"name": "Everyone", "conditions": []}, headers=headers
    )
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Old loops", "channel": "sms", "segment_id": segment.json()["id"],
              "body": "Hello {{ first_name }}"},
        headers=headers,
    )  # fmt: skip
    campaign_id = created.json()["id"]
    schema = await schema_of(db, workspace["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:  # saved before the limits existed
        await session.execute(
            update(Campaign).where(Campaign.id == uuid.UUID(campaign_id)).values(body=NESTED)
        )

    estimate = await client.get(f"/api/v1/campaigns/{campaign_id}/estimate", headers=headers)
    assert estimate.status_code == 422 and estimate.json()["field"] == "body"
    page = await browser.get(f"{base(workspace)}/campaigns/{campaign_id}")
    assert page.status_code == 200
    assert error_of(page.text, "body").startswith("The Message text repeats too much")
