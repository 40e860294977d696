"""Segment and campaign pages: build a segment (a bad condition explained on its row), count
it, write an SMS campaign and see whom it reaches and what it costs, schedule it; another
workspace's segment and campaign are not found."""

import re

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def test_a_segment_is_built_and_an_sms_campaign_shows_its_reach_and_cost(
    owner,  # noqa: F811
    client,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace, browser, csrf = owner
    people = (("Olga", ["vip"], True), ("Nina", ["vip"], False), ("Ira", [], True))
    for index, (name, tags, consent) in enumerate(people):
        added = await client.post(
            "/api/v1/contacts",
            json={"first_name": name, "tags": tags, "marketing_consent": consent,
                  "phones": [{"number": f"+7916000001{index}"}]},
            headers=workspace["headers"],
        )  # fmt: skip
        assert added.status_code == 201, added.text
    form = {"csrf_token": csrf, "name": "VIP", "field": ["tag", ""], "op": ["has", "is"],
            "value": ["", ""]}  # fmt: skip
    bad = await browser.post(f"{base(workspace)}/segments", data=form)
    assert bad.status_code == 422
    assert 'id="conditions[0]-error"' in bad.text
    form["value"] = ["vip", ""]
    counted = await browser.post(f"{base(workspace)}/segments", data={**form, "preview": "1"})
    assert "2 clients match now" in counted.text
    saved = await browser.post(f"{base(workspace)}/segments", data=form)
    assert saved.status_code == 302
    segment_id = saved.headers["location"].split("/segments/")[1].split("?")[0]
    listed = await browser.get(f"{base(workspace)}/segments")
    assert "VIP" in listed.text

    created = await browser.post(
        f"{base(workspace)}/campaigns",
        data={"csrf_token": csrf, "name": "Spring SMS", "channel": "sms",
              "segment_id": segment_id, "body": "{{ first_name }}, -20% this spring!"},
    )  # fmt: skip
    assert created.status_code == 302, created.text
    page = await browser.get(created.headers["location"])
    assert re.search(r'<span class="value">1</span>will receive it', page.text)  # Olga only
    assert "SMS segment (1 per message)" in page.text
    scheduled = await browser.post(
        f"{created.headers['location']}/schedule",
        data={"csrf_token": csrf, "at": "2030-01-01T10:00"},
    )
    page = await browser.get(scheduled.headers["location"])
    assert "The campaign is scheduled." in page.text and "Scheduled" in page.text

    other = await make_workspace(company="Other Marketing Shop")
    stranger = await sign_in(other["user"]["email"])
    for path in (f"/segments/{segment_id}", created.headers["location"].split(base(workspace))[1]):
        assert (await stranger.get(f"{base(other)}{path}")).status_code == 404


async def test_the_condition_builder_takes_owner_by_e_mail_company_and_phone(
    owner,  # noqa: F811
    client,
):
    workspace, browser, csrf = owner
    email = workspace["user"]["email"]
    for name, phones in (("Olga", [{"number": "+79160000031"}]), ("Nina", [])):
        added = await client.post(
            "/api/v1/contacts", json={"first_name": name, "phones": phones},
            headers=workspace["headers"],
        )  # fmt: skip
        assert added.status_code == 201, added.text
    new = await browser.get(f"{base(workspace)}/segments/new")
    for key in ("owner", "company", "phone", "email", "is_not"):
        assert f'<option value="{key}"' in new.text
    form = {"csrf_token": csrf, "name": "Mine with a phone", "field": ["owner", "phone"],
            "op": ["is", "not_empty"], "value": [email.upper(), ""]}  # fmt: skip
    counted = await browser.post(f"{base(workspace)}/segments", data={**form, "preview": "1"})
    assert "1 client matches now" in counted.text and "Olga" in counted.text
    saved = await browser.post(f"{base(workspace)}/segments", data=form)
    assert saved.status_code == 302, saved.text
    segment_id = saved.headers["location"].split("/segments/")[1].split("?")[0]
    stored = await client.get(f"/api/v1/segments/{segment_id}", headers=workspace["headers"])
    assert stored.json()["conditions"][0]["value"] == workspace["user"]["id"]
    assert stored.json()["count"] == 1
    shown = await browser.get(f"{base(workspace)}/segments/{segment_id}")
    assert f'value="{email}"' in shown.text  # the e-mail, not the id

    form["value"] = ["nobody@example.com", ""]
    unknown = await browser.post(f"{base(workspace)}/segments", data=form)
    assert unknown.status_code == 422
    assert 'id="conditions[0]-error"' in unknown.text
    assert "No member has the e-mail or name nobody@example.com." in unknown.text
