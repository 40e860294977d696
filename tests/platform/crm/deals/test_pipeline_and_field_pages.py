"""CRM settings pages over real HTTP: pipelines and the rules of their stages, custom fields
reaching the contact form, products with prices as people type them, notification templates
checked before they are saved, employees refused, other workspaces unreachable."""

import re

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401
from tests.platform.crm.deals.test_deal_pages import stage_ids


def settings(workspace, page: str) -> str:
    return f"{base(workspace)}/settings/{page}"


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error">([^<]+)<', html)
    assert found, f"no message for {field}"
    return found[1]


async def pipeline_of(client, workspace, name: str) -> dict:
    listed = await client.get("/api/v1/pipelines", headers=workspace["headers"])
    return next(p for p in listed.json()["items"] if p["name"] == name)


async def add_pipeline(browser, workspace, csrf, name: str, stages: list) -> None:
    rows = {"stage_name": [], "stage_kind": [], "stage_probability": [], "stage_hours": []}
    for stage_name, kind, probability, hours in stages:
        rows["stage_name"].append(stage_name)
        rows["stage_kind"].append(kind)
        rows["stage_probability"].append(probability)
        rows["stage_hours"].append(hours)
    answer = await browser.post(
        settings(workspace, "pipelines"), data={"csrf_token": csrf, "name": name, **rows}
    )
    assert answer.status_code == 302, answer.text


async def test_each_settings_page_renders_for_the_owner_with_its_data(owner):  # noqa: F811
    workspace, browser, _ = owner
    pipelines = await browser.get(settings(workspace, "pipelines"))
    assert pipelines.status_code == 200
    assert "Bookings" in pipelines.text and 'value="Booked"' in pipelines.text  # salon defaults
    fields = await browser.get(settings(workspace, "fields"))
    assert fields.status_code == 200 and "No custom fields yet" in fields.text
    products = await browser.get(settings(workspace, "products"))
    assert products.status_code == 200 and "No products or services yet" in products.text
    templates = await browser.get(settings(workspace, "templates"))
    assert templates.status_code == 200
    assert templates.text.count("/settings/templates/") == 4  # 2 messages x (en, ru)
    assert "Task reminder" in templates.text and "Built-in" in templates.text
    russian = await browser.get(settings(workspace, "pipelines") + "?lang=ru")
    assert "Воронки и этапы" in russian.text


async def test_a_pipeline_with_three_stages_becomes_the_columns_of_its_board(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    await add_pipeline(
        browser,
        workspace,
        csrf,
        "Weddings",
        [("Enquiry", "open", "20", "48"), ("Booked", "won", "", ""), ("Cancelled", "lost", "", "")],
    )
    pipeline = await pipeline_of(client, workspace, "Weddings")
    assert [s["name"] for s in pipeline["stages"]] == ["Enquiry", "Booked", "Cancelled"]
    assert pipeline["stages"][0]["time_limit_hours"] == 48
    assert pipeline["stages"][0]["probability"] == 20
    board = await browser.get(f"{base(workspace)}/deals?pipeline={pipeline['id']}")
    assert stage_ids(board.text) == [s["id"] for s in pipeline["stages"]]
    assert "Enquiry" in board.text and "Cancelled" in board.text


async def test_a_pipeline_without_a_lost_stage_is_refused_and_the_rows_stay(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await browser.post(
        settings(workspace, "pipelines"),
        data={"csrf_token": csrf, "name": "Half", "stage_name": ["Call", "Sold"],
              "stage_kind": ["open", "won"], "stage_probability": ["", ""],
              "stage_hours": ["", ""]},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "A pipeline needs a won stage and a lost stage." in answer.text
    assert 'value="Call"' in answer.text and 'value="Half"' in answer.text
    bad_number = await browser.post(
        settings(workspace, "pipelines"),
        data={"csrf_token": csrf, "name": "Odd", "stage_name": ["Call", "Won", "Lost"],
              "stage_kind": ["open", "won", "lost"], "stage_probability": ["lots", "", ""],
              "stage_hours": ["", "", ""]},
    )  # fmt: skip
    assert bad_number.status_code == 422
    assert "from 0 to 100" in error_of(bad_number.text, "new.0.probability")


async def test_stages_are_renamed_tuned_added_and_reordered(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    pipeline = await pipeline_of(client, workspace, "Bookings")
    base_url = settings(workspace, f"pipelines/{pipeline['id']}/stages")
    first = pipeline["stages"][0]
    saved = await browser.post(
        f"{base_url}/{first['id']}",
        data={"csrf_token": csrf, "name": "First call", "probability": "15",
              "time_limit_hours": "24"},
    )  # fmt: skip
    assert saved.status_code == 302, saved.text
    added = await browser.post(
        base_url, data={"csrf_token": csrf, "name": "Reminder sent", "kind": "open"}
    )
    assert added.status_code == 302, added.text
    pipeline = await pipeline_of(client, workspace, "Bookings")
    names = [s["name"] for s in pipeline["stages"]]
    assert names[0] == "First call" and names[-3:] == ["Reminder sent", "Won", "Lost"]
    assert pipeline["stages"][0]["probability"] == 15
    assert pipeline["stages"][0]["time_limit_hours"] == 24

    reminder = pipeline["stages"][-3]["id"]
    moved = await browser.post(
        f"{base_url}/{reminder}/move", data={"csrf_token": csrf, "direction": "up"}
    )
    assert moved.status_code == 302
    names = [s["name"] for s in (await pipeline_of(client, workspace, "Bookings"))["stages"]]
    assert names[-4:] == ["Reminder sent", "Visited", "Won", "Lost"]

    taken = await browser.post(
        f"{base_url}/{reminder}",
        data={"csrf_token": csrf, "name": "first CALL", "probability": "101"},
    )
    assert taken.status_code == 422
    assert "from 0 to 100" in error_of(taken.text, f"{reminder}.probability")
    taken = await browser.post(
        f"{base_url}/{reminder}", data={"csrf_token": csrf, "name": "first CALL"}
    )
    assert taken.status_code == 422
    assert error_of(taken.text, f"{reminder}.name") == "Stage names must differ."
    assert 'value="first CALL"' in taken.text


async def test_the_stage_rules_refuse_with_a_message(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    await add_pipeline(
        browser,
        workspace,
        csrf,
        "Repairs",
        [("Request", "open", "", ""), ("Done", "won", "", ""), ("Refused", "lost", "", "")],
    )
    pipeline = await pipeline_of(client, workspace, "Repairs")
    request_, done, refused = (s["id"] for s in pipeline["stages"])
    stages = settings(workspace, f"pipelines/{pipeline['id']}/stages")

    only_open = await browser.post(f"{stages}/{request_}/delete", data={"csrf_token": csrf})
    assert only_open.status_code == 422
    assert "A pipeline needs at least one open stage." in only_open.text
    won_first = await browser.post(
        f"{stages}/{done}/move", data={"csrf_token": csrf, "direction": "up"}
    )
    assert won_first.status_code == 422
    assert "A new deal starts on an open stage." in won_first.text
    only_lost = await browser.post(f"{stages}/{refused}/delete", data={"csrf_token": csrf})
    assert only_lost.status_code == 422
    assert "A pipeline needs a won stage and a lost stage." in only_lost.text

    await browser.post(stages, data={"csrf_token": csrf, "name": "Diagnosis"})
    pipeline = await pipeline_of(client, workspace, "Repairs")
    diagnosis = pipeline["stages"][1]["id"]
    deal = await browser.post(
        f"{base(workspace)}/deals",
        data={"csrf_token": csrf, "title": "Fix the boiler", "stage_id": diagnosis},
    )
    assert deal.status_code == 302, deal.text
    busy = await browser.post(f"{stages}/{diagnosis}/delete", data={"csrf_token": csrf})
    assert busy.status_code == 409
    assert "Deals are in the stage Diagnosis: move them to another stage first." in busy.text
    deal_id = deal.headers["location"].rsplit("/", 1)[1]
    await browser.post(
        f"{base(workspace)}/deals/{deal_id}/move", data={"csrf_token": csrf, "stage_id": request_}
    )
    emptied = await browser.post(f"{stages}/{diagnosis}/delete", data={"csrf_token": csrf})
    assert emptied.status_code == 302
    pipeline = await pipeline_of(client, workspace, "Repairs")
    assert [s["name"] for s in pipeline["stages"]] == ["Request", "Done", "Refused"]


async def test_a_custom_field_reaches_the_contact_form_and_a_required_one_is_explained(owner):  # noqa: F811
    workspace, browser, csrf = owner
    added = await browser.post(
        settings(workspace, "fields"),
        data={"csrf_token": csrf, "label": "Любимый мастер", "object_type": "contact",
              "field_type": "choice", "choices": "Anna\r\nOlga\r\n", "required": "on"},
    )  # fmt: skip
    assert added.status_code == 302, added.text
    listed = await browser.get(settings(workspace, "fields"))
    assert "Любимый мастер" in listed.text and "liubimyi_master" in listed.text
    form = await browser.get(f"{base(workspace)}/contacts/new")
    assert 'name="custom.liubimyi_master"' in form.text and "<option>Olga</option>" in form.text

    left_empty = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": "Vera"}
    )
    assert left_empty.status_code == 422
    assert error_of(left_empty.text, "custom.liubimyi_master") == "Любимый мастер is required."
    filled = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Vera", "custom.liubimyi_master": "Olga"},
    )
    assert filled.status_code == 302

    twice = await browser.post(
        settings(workspace, "fields"),
        data={"csrf_token": csrf, "label": "Favourite", "key": "liubimyi_master",
              "object_type": "contact", "field_type": "text"},
    )  # fmt: skip
    assert twice.status_code == 409
    assert "already exists" in error_of(twice.text, "key")
    no_choices = await browser.post(
        settings(workspace, "fields"),
        data={"csrf_token": csrf, "label": "Size", "object_type": "company",
              "field_type": "choice", "choices": ""},
    )  # fmt: skip
    assert no_choices.status_code == 422 and error_of(no_choices.text, "choices")

    field_id = re.search(r"/settings/fields/([0-9a-f-]+)/delete", listed.text)[1]
    deleted = await browser.post(
        settings(workspace, f"fields/{field_id}/delete"), data={"csrf_token": csrf}
    )
    assert deleted.status_code == 302
    form = await browser.get(f"{base(workspace)}/contacts/new")
    assert "custom.liubimyi_master" not in form.text


async def test_a_product_priced_as_people_type_it_is_listed_and_edited(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    added = await browser.post(
        settings(workspace, "products"),
        data={"csrf_token": csrf, "name": "Haircut", "kind": "service", "price": "1 500,50",
              "category": "Hair", "active": "on"},
    )  # fmt: skip
    assert added.status_code == 302, added.text
    listed = await browser.get(settings(workspace, "products"))
    assert "Haircut" in listed.text and "1,500.50" in listed.text and "Hair" in listed.text
    product_id = re.search(r"/settings/products/([0-9a-f-]{36})", listed.text)[1]

    edit = await browser.get(settings(workspace, f"products/{product_id}"))
    assert 'value="1500.50"' in edit.text and 'value="Haircut"' in edit.text
    saved = await browser.post(
        settings(workspace, f"products/{product_id}"),
        data={"csrf_token": csrf, "name": "Haircut, long hair", "kind": "service",
              "price": "2000.5", "sku": "HC-1", "category": "Hair"},
    )  # fmt: skip
    assert saved.status_code == 302, saved.text
    shown = await client.get(f"/api/v1/products/{product_id}", headers=workspace["headers"])
    assert shown.json()["name"] == "Haircut, long hair" and shown.json()["sku"] == "HC-1"
    assert shown.json()["price"] == "2000.50" and shown.json()["active"] is False

    wrong = await browser.post(
        settings(workspace, "products"),
        data={"csrf_token": csrf, "name": "Dye", "price": "a lot"},
    )
    assert wrong.status_code == 422
    assert error_of(wrong.text, "price") == "Enter a number, such as 1500 or 1500.50."
    assert 'value="Dye"' in wrong.text
    for typed in ("10,555", "-5", "nan"):
        refused = await browser.post(
            settings(workspace, "products"),
            data={"csrf_token": csrf, "name": "Dye", "price": typed},
        )
        assert refused.status_code == 422 and error_of(refused.text, "price"), typed
    nameless = await browser.post(
        settings(workspace, "products"), data={"csrf_token": csrf, "name": " ", "price": "10"}
    )
    assert error_of(nameless.text, "name") == "Fill in “Name”."
    same_sku = await browser.post(
        settings(workspace, "products"),
        data={"csrf_token": csrf, "name": "Dye", "price": "10", "sku": "HC-1"},
    )
    assert same_sku.status_code == 409 and "HC-1" in error_of(same_sku.text, "sku")


async def test_a_template_is_checked_saved_used_and_reset(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    form_url = settings(workspace, "templates/task_reminder/en")
    form = await browser.get(form_url)
    assert form.status_code == 200
    assert 'value="Reminder: {{ title }}"' in form.text  # the built-in wording to start from

    broken = await browser.post(
        form_url,
        data={"csrf_token": csrf, "subject": "Hi", "text": "{{ name", "html": "<p>x</p>"},
    )
    assert broken.status_code == 422
    assert "does not render" in error_of(broken.text, "text")
    assert "&amp;#39;" not in broken.text  # Jinja's quoted words escaped once, not twice
    assert "{{ name" in broken.text  # what was typed stays
    listed = await client.get("/api/v1/settings/templates", headers=workspace["headers"])
    assert not any(t["custom"] for t in listed.json()["items"])

    good = await browser.post(
        form_url,
        data={"csrf_token": csrf, "subject": "Don't forget: {{ title }}",
              "text": "{{ name }}, {{ title }}\r\nis yours.", "html": "<p>{{ title }}</p>"},
    )  # fmt: skip
    assert good.status_code == 302, good.text
    listed = await client.get("/api/v1/settings/templates", headers=workspace["headers"])
    mine = next(
        t for t in listed.json()["items"] if (t["kind"], t["language"]) == ("task_reminder", "en")
    )
    assert mine["custom"] is True and mine["text"] == "{{ name }}, {{ title }}\nis yours."
    page = await browser.get(settings(workspace, "templates"))
    assert "Your own" in page.text

    reset = await browser.post(f"{form_url}/reset", data={"csrf_token": csrf})
    assert reset.status_code == 302
    listed = await client.get("/api/v1/settings/templates", headers=workspace["headers"])
    assert not any(t["custom"] for t in listed.json()["items"])
    assert (await browser.get(settings(workspace, "templates/reminder/xx"))).status_code == 404


async def test_an_employee_is_refused_clearly_where_settings_need_a_right(owner, join, sign_in):  # noqa: F811
    workspace, _, _ = owner
    employee = await join(workspace, "employee")
    theirs = await sign_in(employee["email"])
    csrf = theirs.headers.pop("X-CSRF-Token")
    for page in ("pipelines", "fields", "products/new"):
        refused = await theirs.get(settings(workspace, page))
        assert refused.status_code == 403, page
        assert "Your role cannot change these settings" in refused.text
    for page, data in (
        ("pipelines", {"name": "Mine", "stage_name": ["A", "B", "C"],
                       "stage_kind": ["open", "won", "lost"]}),
        ("fields", {"label": "Secret", "object_type": "contact", "field_type": "text"}),
        ("products", {"name": "Free", "price": "0"}),
        ("templates/birthday/ru", {"subject": "x", "text": "x", "html": "x"}),
    ):  # fmt: skip
        refused = await theirs.post(settings(workspace, page), data={"csrf_token": csrf, **data})
        assert refused.status_code == 403, page
    # What the role may read stays open to them.
    assert (await theirs.get(settings(workspace, "products"))).status_code == 200
    templates = await theirs.get(settings(workspace, "templates/birthday/ru"))
    assert templates.status_code == 200 and "readonly" in templates.text


async def test_another_workspaces_settings_and_records_are_not_found(
    owner,  # noqa: F811
    make_workspace,
    client,
):
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Settings Shop")
    headers = other["headers"]
    for page in ("pipelines", "fields", "products", "templates"):
        assert (await browser.get(settings(other, page))).status_code == 404, page

    their_pipeline = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"][0]
    their_stage = their_pipeline["stages"][0]["id"]
    my_pipeline = (await client.get("/api/v1/pipelines", headers=workspace["headers"])).json()
    mine = my_pipeline["items"][0]["id"]
    for url, data in (
        (f"pipelines/{their_pipeline['id']}/stages", {"name": "Sneaky"}),
        (f"pipelines/{their_pipeline['id']}/stages/{their_stage}", {"name": "Sneaky"}),
        (f"pipelines/{mine}/stages/{their_stage}", {"name": "Sneaky"}),
        (f"pipelines/{mine}/stages/{their_stage}/move", {"direction": "down"}),
        (f"pipelines/{mine}/stages/{their_stage}/delete", {}),
        ("pipelines/not-an-id/stages", {"name": "Sneaky"}),
    ):
        answer = await browser.post(settings(workspace, url), data={"csrf_token": csrf, **data})
        assert answer.status_code == 404, url

    field = await client.post(
        "/api/v1/custom-fields",
        json={"object_type": "contact", "key": "secret", "label": "Secret",
              "field_type": "text"},
        headers=headers,
    )  # fmt: skip
    assert field.status_code == 201, field.text
    deleted = await browser.post(
        settings(workspace, f"fields/{field.json()['id']}/delete"), data={"csrf_token": csrf}
    )
    assert deleted.status_code == 404

    product = await client.post(
        "/api/v1/products", json={"sku": "S-1", "name": "Secret", "price": "10"}, headers=headers
    )
    product_id = product.json()["id"]
    assert (await browser.get(settings(workspace, f"products/{product_id}"))).status_code == 404
    changed = await browser.post(
        settings(workspace, f"products/{product_id}"),
        data={"csrf_token": csrf, "name": "Mine now", "price": "1"},
    )
    assert changed.status_code == 404
    still = await client.get(f"/api/v1/products/{product_id}", headers=headers)
    assert still.json()["name"] == "Secret"
    pipelines = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"]
    assert "Sneaky" not in str(pipelines)
    fields = await client.get("/api/v1/custom-fields", headers=headers)
    assert "secret" in fields.text
